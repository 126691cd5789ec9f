"""Why stored passages have the scores they have: each read in its report again by the model, as ingest
read it (the report's passages and their kinds from the store), with the terms that pushed each label up
and down and the two sides of the report blend. What `citsec passages --explain` prints; `citsec tag
--explain` does the same for text that is not stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from corpus import PassageFilter
from flows.tag import EXPLAIN_TERMS

if TYPE_CHECKING:
    from corpus import Corpus, PassageRow
    from models.registry import LoadedModel


def explain_stored(
    corpus: Corpus, rows: Sequence[PassageRow], model: LoadedModel, k: int = EXPLAIN_TERMS
) -> dict[int, dict[str, Any]]:
    """Per passage id: "explain" (per label, the k terms up and down, base and rest: models.explain) and
    "context" (the passage's own scores, its report's, and the report's weight in the blend), from `model`
    reading each passage's report whole, once per report however many of its passages are asked for."""
    from models.context import CONTEXT_WEIGHT

    wanted: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row.report_id].add(row.id)
    explained: dict[int, dict[str, Any]] = {}
    for report_id, ids in wanted.items():
        f = PassageFilter(report_id=report_id)
        report = [passage for batch in corpus.iter_passage_texts(f=f) for passage in batch]
        predictions = model.predict(
            [p.text for p in report], [p.lang for p in report],
            reports=[report_id] * len(report), kinds=[p.kind for p in report],
        )  # fmt: skip
        for passage, prediction in zip(report, predictions, strict=True):
            if passage.id in ids:
                context: dict[str, Any] | None = None
                if prediction.context is not None:
                    context = {**prediction.context, "report_weight": CONTEXT_WEIGHT}
                explained[passage.id] = {"explain": model.explain(passage.text, k), "context": context}
    return explained


def strongest_terms(
    explanation: dict[str, Any], labels: Sequence[str], scores: dict[str, float], n: int = 3
) -> str:
    """A table cell: for each label held (else the best-scoring label), the n terms that pushed it up most:
    "enforcement: cue:arrest, police, extradited"."""
    shown = list(labels) or ([max(scores, key=scores.__getitem__)] if scores else [])
    parts = []
    for label in shown:
        up = explanation["explain"].get(label, {}).get("up", [])[:n]
        parts.append(f"{label}: " + ", ".join(term for term, _ in up))
    return "; ".join(parts)
