"""`citsec passages --explain`: why stored passages have their scores, each read in its report again."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest

from corpus import Corpus, NewPassage, NewReport
from models.labels import LABELS


def test_explained_rows_say_why_their_stored_scores_are_what_they_are(
    filled: Corpus, cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An analyst had to export a report, add "report" keys and run `tag --explain` to see why a stored
    # passage got its label.
    from models.registry import LoadedModel

    read: list[int] = []
    predict = LoadedModel.predict

    def counted(self: LoadedModel, texts: list[str], *args: object, **kwargs: object) -> object:
        read.append(len(texts))
        return predict(self, texts, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(LoadedModel, "predict", counted)
    code, out, err = cli("passages", "--db", filled.url, "--explain", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == filled.count_passages()
    # A code review: each report was predicted again for every hundred rows; once per report now.
    sizes = [sum(r["report_id"] == rid for r in rows) for rid in {r["report_id"] for r in rows}]
    assert sorted(read) == sorted(sizes)
    for row in rows:
        context, explain = row["context"], row["explain"]
        for label in LABELS:
            # The blend of the passage's own scores with its report's is the score the store holds.
            blended = (1 - context["report_weight"]) * context["passage"][label]
            blended += context["report_weight"] * context["report"][label]
            assert row["scores"][label] == pytest.approx(blended, abs=2e-4)
            assert set(explain[label]) == {"up", "down", "base", "rest"}
    code, out, _ = cli("passages", "--db", filled.url, "--explain", "--limit", "2")
    assert code == 0 and "why" in out  # a column, or a line of each block on a narrow terminal
    code, out, _ = cli("passages", "--db", filled.url, "--format", "json", "--limit", "1")
    assert "explain" not in json.loads(out)[0]  # only when asked


def test_the_why_column_says_whose_label_it_is_and_when_there_is_none(
    filled: Corpus, cli: Callable[..., tuple[int, str, str]]
) -> None:
    # A code review: a passage without a label, or one a person labeled, showed the model's terms for a label
    # as if the passage held it by the model.
    rows = list(filled.passages())
    unlabeled = next(r for r in rows if not r.labels)
    by_hand = next(r for r in rows if r.id != unlabeled.id)
    filled.add_labels(by_hand.id, ["transnational"], annotator="ana")
    code, out, _ = cli("passages", "--db", filled.url, "--explain", "--format", "csv")
    why = {int(cell["id"]): cell["why"] for cell in csv.DictReader(io.StringIO(out))}
    assert code == 0
    assert why[unlabeled.id].startswith("(no label; closest ")
    assert why[by_hand.id].startswith("(a person's labels; the model's terms) transnational: ")
    held = next(r for r in rows if r.labels and r.id != by_hand.id)
    assert why[held.id].startswith(held.labels[0] + ": ")


def test_explain_needs_the_promoted_models_scores(
    filled: Corpus, cli: Callable[..., tuple[int, str, str]]
) -> None:
    # A new reading of a report, not yet scored by the promoted model, is said as such, not explained by it.
    passages = [NewPassage(1, 1, 1, "Police arrested gang leaders in Honduras.", "en")]
    report = filled.add_report(NewReport(uri="file:///unscored.pdf", sha256="d" * 64, passages=passages))
    asked = ("passages", "--db", filled.url, "--explain", "--report", str(report))
    code, out, err = cli(*asked, "--format", "json")
    assert code == 0, err
    assert [(r["scores"], r["explain"], r["context"]) for r in json.loads(out)] == [({}, None, None)]
    code, out, _ = cli(*asked, "--format", "csv")
    assert next(csv.DictReader(io.StringIO(out)))["why"] == "(not scored by the promoted model)"


def test_explain_without_a_promoted_model_is_refused(
    store: Corpus, cli: Callable[..., tuple[int, str, str]]
) -> None:
    passages = [NewPassage(1, 1, 1, "Police arrested gang leaders in Honduras.", "en")]
    store.add_report(NewReport(uri="file:///r.pdf", sha256="e" * 64, passages=passages))
    code, _, err = cli("passages", "--db", store.url, "--explain")
    assert code == 2 and "no promoted model" in err
    code, _, err = cli("passages", "--db", store.url, "--explain", "--search", "zzzqqq")
    assert code == 0 and "no passages match" in err  # nothing to explain: no model needed
