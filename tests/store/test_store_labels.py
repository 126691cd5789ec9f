"""Effective labels: human over model, promotion, re-prediction, and the denormalized table's agreement."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from corpus import Corpus, CorpusError, NewPassage, NewReport, PassageFilter
from corpus.schema import CurrentLabel


def _store_passages(corpus: Corpus, n: int) -> list[int]:
    passages = [NewPassage(i, 1, 1, f"Passage number {i}.") for i in range(1, n + 1)]
    corpus.add_report(NewReport(uri="r", sha256="1" * 64, passages=passages))
    return [p.id for p in corpus.passages()]


def _current(corpus: Corpus) -> set[tuple[int, str, float, str]]:
    with corpus.engine.connect() as conn:
        rows = conn.execute(
            select(CurrentLabel.passage_id, CurrentLabel.label, CurrentLabel.score, CurrentLabel.origin)
        )
        return {(r[0], r[1], round(r[2], 6), r[3]) for r in rows}


def test_first_model_with_predictions_is_promoted(store: Corpus) -> None:
    pid = _store_passages(store, 1)[0]
    assert store.promoted_model() is None
    assert store.add_predictions("seed-1", [(pid, "prevention", 0.7), (pid, "enforcement", 0.2)]) == 2
    assert store.promoted_model().version == "seed-1"  # type: ignore[union-attr]
    assert store.passage(pid).labels == ["prevention"]


def test_model_decision_and_thresholds(store: Corpus) -> None:
    a, b = _store_passages(store, 2)
    store.add_predictions(
        "m", [(a, "prevention", 0.3), (b, "prevention", 0.3, True)], thresholds={"prevention": 0.25}
    )
    assert store.passage(a).labels == ["prevention"]  # threshold 0.25
    store.add_predictions("m", [(a, "prevention", 0.3, False)])  # the model's own decision wins
    assert store.passage(a).labels == []
    assert store.passage(a).scores == {"prevention": 0.3}


def test_human_label_overrides_model_and_latest_wins(store: Corpus) -> None:
    pid = _store_passages(store, 1)[0]
    store.add_predictions("m", [(pid, "enforcement", 0.9)])
    store.add_labels(pid, ["prevention", "transnational"], annotator="ana")
    assert store.passage(pid).labels == ["prevention", "transnational"]
    store.add_labels(pid, [], annotator="ben")  # "discusses no strategy"
    row = store.passage(pid)
    assert (row.labels, row.label_origin, row.scores) == ([], "human", {"enforcement": 0.9})
    store.add_predictions("m", [(pid, "enforcement", 0.95)])  # re-prediction does not undo a person
    assert store.passage(pid).labels == []
    history = store.label_history(pid)
    assert [h.labels for h in history] == [["prevention", "transnational"], []]
    assert store.latest_labels(pid).annotator == "ben"  # type: ignore[union-attr]
    assert store.count_passages(PassageFilter(labels=("none",))) == 1


def test_promotion_switches_effective_labels(store: Corpus) -> None:
    a, b = _store_passages(store, 2)
    store.add_predictions("m1", [(a, "enforcement", 0.9), (b, "enforcement", 0.1)])
    store.add_predictions("m2", [(a, "enforcement", 0.1), (b, "enforcement", 0.9)])
    assert [p.id for p in store.passages(PassageFilter(labels=("enforcement",)))] == [a]
    store.promote("m2")
    assert [p.id for p in store.passages(PassageFilter(labels=("enforcement",)))] == [b]
    assert store.passage(b).scores == {"enforcement": 0.9}
    assert [m.promoted for m in store.model_versions() if m.version == "m1"] == [False]
    with pytest.raises(CorpusError, match="no model version 'm9'"):
        store.promote("m9")


def test_label_mistakes_are_user_errors(store: Corpus) -> None:
    pid = _store_passages(store, 1)[0]
    with pytest.raises(CorpusError, match="unknown label 'crime'"):
        store.add_labels(pid, ["crime"])
    with pytest.raises(CorpusError, match="no passage with id 999"):
        store.add_labels(999, ["prevention"])
    with pytest.raises(CorpusError, match="unknown label 'crime'"):
        store.add_predictions("m", [(pid, "crime", 0.5)])
    with pytest.raises(CorpusError, match="not in the store"):
        store.add_predictions("m", [(999, "prevention", 0.5)])


def test_free_text_labels_and_training_examples(store: Corpus) -> None:
    a, b = _store_passages(store, 2)
    store.add_labels(a, ["enforcement"])
    store.add_labels(a, ["enforcement", "transnational"])
    store.add_text_labels("An imported sentence about truces.", ["prevention"], lang="en", origin="gold")
    examples = list(store.labeled_examples())
    assert [(e.passage_id, e.text, e.labels) for e in examples] == [
        (a, "Passage number 1.", ["enforcement", "transnational"]),
        (None, "An imported sentence about truces.", ["prevention"]),
    ]
    assert store.count_labels() == 2
    with pytest.raises(CorpusError, match="origin"):
        store.add_text_labels("x", [], origin="robot")


def test_incremental_label_state_equals_a_full_rebuild(store: Corpus) -> None:
    """Random interleavings of predictions, promotions and human labels keep current_labels right."""
    ids = _store_passages(store, 40)
    rng = random.Random(5)
    for step in range(30):
        action = rng.choice(("predict", "predict", "label", "promote"))
        if action == "predict":
            model = rng.choice(("m1", "m2"))
            rows = [
                (pid, lb, rng.random()) for pid in rng.sample(ids, 8) for lb in ("prevention", "enforcement")
            ]
            store.add_predictions(model, rows)
        elif action == "label":
            store.add_labels_many(
                [
                    (pid, rng.sample(["prevention", "enforcement", "transnational"], rng.randint(0, 2)))
                    for pid in rng.sample(ids, 3)
                ]
            )
        elif store.model_version("m2") and store.model_version("m1"):
            store.promote(rng.choice(("m1", "m2")))
        incremental = _current(store)
        store.rebuild_current_labels()
        assert _current(store) == incremental, step
