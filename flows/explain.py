"""Why stored passages have the scores they have: each read in its report again by the promoted model, as
ingest read it (the report's passages and their kinds from the store), with the terms that pushed each
label up and down and the two sides of the report blend. What `citsec passages --explain` prints; `citsec
tag --explain` does the same for text that is not stored."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from corpus import PassageFilter
from flows.tag import EXPLAIN_TERMS

if TYPE_CHECKING:
    from corpus import Corpus, PassageRow
    from models.registry import LoadedModel, Prediction

# Reports whose predictions are kept while a listing is explained: rows come report by report in store
# order, and a search's best matches first come back to a few reports again and again.
REPORTS_KEPT = 16


class StoredExplainer:
    """Explains stored passages with `model` (the store's promoted model), reading each report once while
    it stays among the REPORTS_KEPT last read."""

    def __init__(self, corpus: Corpus, model: LoadedModel, k: int = EXPLAIN_TERMS) -> None:
        self._corpus = corpus
        self.model = model
        self._k = k
        self._reports: OrderedDict[int, dict[int, tuple[str, Prediction]]] = OrderedDict()

    def explain(self, row: PassageRow) -> dict[str, Any]:
        """{"explain": per label, the k terms up and down, base and rest (models.explain); "context": the
        passage's own scores, its report's and the report's weight in the blend}; both None for a passage
        the model did not score in the store (an older version's passage, a model promoted since)."""
        from models.context import CONTEXT_WEIGHT

        if row.model != self.model.version:
            return {"explain": None, "context": None}
        text, prediction = self._report(row.report_id)[row.id]
        context: dict[str, Any] | None = None
        if prediction.context is not None:
            context = {**prediction.context, "report_weight": CONTEXT_WEIGHT}
        return {"explain": self.model.explain(text, self._k), "context": context}

    def _report(self, report_id: int) -> dict[int, tuple[str, Prediction]]:
        if report_id in self._reports:
            self._reports.move_to_end(report_id)
            return self._reports[report_id]
        f = PassageFilter(report_id=report_id)
        report = [passage for batch in self._corpus.iter_passage_texts(f=f) for passage in batch]
        predictions = self.model.predict(
            [p.text for p in report], [p.lang for p in report],
            reports=[report_id] * len(report), kinds=[p.kind for p in report],
        )  # fmt: skip
        read = {p.id: (p.text, prediction) for p, prediction in zip(report, predictions, strict=True)}
        self._reports[report_id] = read
        if len(self._reports) > REPORTS_KEPT:
            self._reports.popitem(last=False)
        return read


def strongest_terms(explanation: dict[str, Any], row: PassageRow, n: int = 3) -> str:
    """A table cell: for each label the passage holds, the n terms that pushed the model's score for it up
    most ("enforcement: cue:arrest, police, extradited"); for a passage without a label, those of the label
    it came closest to, said as such; a person's labels are marked as theirs, not the model's."""
    if explanation["explain"] is None:
        return "(not scored by the promoted model)"
    terms = explanation["explain"]

    def top(label: str) -> str:
        return f"{label}: " + ", ".join(term for term, _ in terms.get(label, {}).get("up", [])[:n])

    if not row.labels:
        closest = max(row.scores, key=row.scores.__getitem__)
        return f"(no label; closest {closest} {row.scores[closest]:.2f}) " + top(closest)
    said = "; ".join(top(label) for label in row.labels)
    return f"(a person's labels; the model's terms) {said}" if row.label_origin == "human" else said

