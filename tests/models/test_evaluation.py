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
    assert result.per_language["en"] == {"n": 2, "macro_f1": 1.0}
    # es: transnational missed (0), enforcement falsely claimed (0), prevention absent both ways (1).
    assert result.per_language["es"]["macro_f1"] == pytest.approx(1 / 3, abs=1e-4)
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
