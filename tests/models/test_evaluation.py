"""Evaluation arithmetic and gold-file reading."""

from __future__ import annotations

import numpy as np
import pytest

from models.errors import ModelError
from models.evaluation import evaluate, format_evaluation, label_score, macro_f1, read_gold


def test_label_score_counts():
    score = label_score(np.array([1, 1, 0, 0, 1]), np.array([1, 0, 1, 0, 1]))
    assert (score.precision, score.recall, score.support, score.predicted) == (0.6667, 0.6667, 3, 3)
    assert score.f1 == pytest.approx(2 / 3, abs=1e-4)


def test_absent_label_scores_one_unless_falsely_predicted():
    assert label_score(np.array([0, 0]), np.array([0, 0])).f1 == 1.0
    assert label_score(np.array([0, 0]), np.array([1, 0])).f1 == 0.0


def test_per_language_macro_f1():
    y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]])
    pred = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0]])
    result = evaluate(y, pred, ["en", "en", "es", None])
    # en: transnational absent both ways counts 1.0; over the two labels present, 1.0 as well.
    expected = {"n": 2, "macro_f1": 1.0, "labels_present": 2, "macro_f1_present": 1.0}
    assert result.per_language["en"] == expected
    # es: transnational missed (0), enforcement falsely claimed (0), prevention absent both ways (1).
    assert result.per_language["es"]["macro_f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert result.per_language["es"]["macro_f1_present"] == 0.0  # transnational, the one label present
    assert "unknown" in result.per_language
    assert result.macro_f1 == macro_f1(y, pred)
    assert "macro-F1 es" in format_evaluation(result)


def test_read_gold_names_the_bad_line(tmp_path):
    good = tmp_path / "gold.jsonl"
    good.write_text('{"text": "a", "labels": ["enforcement"], "lang": "en"}\n\n{"text": "b", "labels": []}\n')
    gold = read_gold(good)
    assert gold.y.tolist() == [[0, 1, 0], [0, 0, 0]] and gold.langs == ["en", None]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "labels": []}\n{"text": "b", "labels": ["kindness"]}\n')
    with pytest.raises(ModelError, match="unknown label 'kindness'"):
        read_gold(bad)
    bad.write_text('{"text": "a", "labels": []}\n{"text": "b"}\n')
    with pytest.raises(ModelError, match="bad.jsonl:2"):
        read_gold(bad)




def _by_header(table: str) -> dict[str, list[tuple[str | None, float]]]:
    """Each row's numbers, keyed by the row's name, with the header each sits under (columns are
    right-aligned: a number is under the header whose last character is in the same column; None when no
    header ends there)."""
    import re

    header, *lines = [line for line in table.splitlines() if not line.startswith("note:")]
    heads = {m.end(): m.group() for m in re.finditer(r"\S+", header)}
    rows = {}
    for line in lines:
        words = list(re.finditer(r"\S+", line))
        name = " ".join(m.group() for m in words if not m.group()[0].isdigit())
        rows[name] = [(heads.get(m.end()), float(m.group())) for m in words if m.group()[0].isdigit()]
    return rows


def test_macro_rows_put_each_number_under_its_header():
    # The macro-F1 rows printed their passage count under `pred`, their score under no header at all.
    y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]])
    pred = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0], [0, 1, 1]])
    result = evaluate(y, pred, ["en", "en", "es", None, "pt"])  # None: "macro-F1 unknown", the longest name
    rows = _by_header(format_evaluation(result))
    assert rows["macro-F1"] == [("f1", round(result.macro_f1, 3)), ("passages", 5)]
    for lang, by_lang in result.per_language.items():
        assert rows[f"macro-F1 {lang}"] == [("f1", round(by_lang["macro_f1"], 3)), ("passages", by_lang["n"])]
    s = result.per_label["enforcement"]
    assert rows["enforcement"] == [
        ("precision", round(s.precision, 3)), ("recall", round(s.recall, 3)), ("f1", round(s.f1, 3)),
        ("gold", s.support), ("pred", s.predicted),
    ]
    assert len(rows) == len(result.per_label) + 1 + len(result.per_language)


def test_a_macro_f1_averaging_in_labels_no_gold_passage_carries_says_so():
    # A reviewer read "macro-F1 pt 0.667" as a model two-thirds right on the one Portuguese label it missed.
    y = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 1, 1]])
    pred = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 1, 1]])
    table = format_evaluation(evaluate(y, pred, ["en", "en", "pt", "es"]))
    notes = [line for line in table.splitlines() if line.startswith("note:")]
    assert notes == [
        "note: macro-F1 en (2 passages) averages in 1 label that no gold passage in en carries, scored 1.000 "
        "when never predicted and 0.000 once predicted; over the 2 present: 1.000",
        "note: macro-F1 es (1 passage) averages in 1 label that no gold passage in es carries, scored 1.000 "
        "when never predicted and 0.000 once predicted; over the 2 present: 1.000",
        "note: macro-F1 pt (1 passage) averages in 2 labels that no gold passage in pt carries, scored 1.000 "
        "when never predicted and 0.000 once predicted; over the 1 present: 0.000",
    ]  # every label is carried overall: no note for the overall macro-F1

