"""Uncertainty sampling: the uncertainty score and how the queue spreads over reports and languages."""

from __future__ import annotations

import pytest

from corpus import Corpus
from models.queue import Candidate, label_queue, spread, uncertainty
from models.registry import LoadedModel

THRESHOLDS = {"prevention": 0.5, "enforcement": 0.3, "transnational": 0.8}


def test_uncertainty_is_highest_at_a_threshold_and_lowest_when_every_label_is_clear() -> None:
    on_edge = {"prevention": 0.01, "enforcement": 0.30, "transnational": 0.99}
    clear = {"prevention": 0.0, "enforcement": 1.0, "transnational": 0.0}
    assert uncertainty(on_edge, THRESHOLDS) == 1.0
    assert uncertainty(clear, THRESHOLDS) == 0.0
    # Distance is scaled by the room on that side of the threshold: 0.65 is halfway up from 0.3.
    assert uncertainty({"prevention": 0.0, "enforcement": 0.65, "transnational": 0.0}, THRESHOLDS) == (
        pytest.approx(0.5)
    )


def _c(u: float, i: int, report: str, lang: str) -> Candidate:
    return Candidate(u, i, report, lang)


def test_no_report_gives_two_before_every_report_gave_one() -> None:
    # Report A holds the ten least certain passages; B and C only middling ones.
    items = [_c(0.99 - i / 100, i, "A", "en") for i in range(10)]
    items += [_c(0.5, 10, "B", "en"), _c(0.4, 11, "C", "es"), _c(0.3, 12, "C", "es")]
    ids = [c.id for c in spread(items, 5)]
    assert ids[:3] == [0, 11, 10]  # round 1: A's best, then languages take turns (es, en)
    assert ids[3:] == [1, 12]  # round 2: A's and C's next


def test_spread_keeps_the_n_least_certain_of_each_report_and_is_stable() -> None:
    items = [_c(round((i * 37 % 100) / 100, 2), i, f"r{i % 3}", "en") for i in range(300)]
    chosen = spread(items, 6)
    assert len(chosen) == 6 and [c.id for c in spread(list(items), 6)] == [c.id for c in chosen]
    for c in chosen[:3]:  # each report's first pick is its least certain passage
        assert c.uncertainty == max(x.uncertainty for x in items if x.group == c.group)
    assert spread(items, 0) == []


def test_the_queue_reads_the_stored_scores_of_the_promoted_model(
    filled: Corpus, small_seed_model: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A review: `label queue` ran the model over every stored passage on each call (5 s on 2,300 passages,
    # growing with the store) to get the scores the store already holds.
    import models.queue

    recomputed = [(c.id, c.labels) for c in _without_stored_scores(filled, small_seed_model, monkeypatch)]
    assert len(recomputed) == 10

    def no_scoring(*args: object, **kwargs: object) -> None:
        raise AssertionError("scored passages whose scores the store holds")

    monkeypatch.setattr(models.queue, "score_texts", no_scoring)
    queue = label_queue(filled, small_seed_model, n=10)
    assert [(c.id, c.labels) for c in queue] == recomputed
    assert all(c.scores == filled.passage(c.id).scores for c in queue)

    # Another model than the promoted one (its scores are not stored) is asked for its own.
    other = LoadedModel("seed-other", small_seed_model.estimator)
    with pytest.raises(AssertionError, match="scored passages"):
        label_queue(filled, other, n=10)


def _without_stored_scores(
    corpus: Corpus, model: LoadedModel, monkeypatch: pytest.MonkeyPatch
) -> list[Candidate]:
    import models.queue

    with monkeypatch.context() as patched:
        patched.setattr(models.queue, "_stored_scores_hold", lambda corpus, model: False)
        return label_queue(corpus, model, n=10)
