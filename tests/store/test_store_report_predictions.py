"""A report carries its model's predictions: report, passages, entities and predictions in one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from corpus import Corpus, CorpusError, NewEntity, NewPassage, NewReport, PassageFilter, ReportPredictions
from corpus.labelstate import rebuild
from corpus.schema import CurrentLabel, Entity, ModelVersion, Passage, Prediction, Report

TEXTS = ("Border tunnel raids in Tijuana.", "Youth clubs in Medellin.", "Rainfall statistics.")


def _report(sha: str, predictions: ReportPredictions | None, uri: str = "file:///r.pdf") -> NewReport:
    passages = [
        NewPassage(i, 1, 1, text, "en", entities=[NewEntity("country", "Mexico", "MX")] if i == 1 else [])
        for i, text in enumerate(TEXTS, 1)
    ]
    return NewReport(uri=uri, sha256=sha, passages=passages, predictions=predictions)


Scores = dict[str, float | tuple[float, bool]]


def _predictions(version: str = "m1", **overrides: Scores) -> ReportPredictions:
    by_seq: dict[int, Scores] = {
        1: {"enforcement": (0.9, True), "prevention": (0.1, False), "transnational": (0.6, False)},
        2: {"enforcement": (0.2, False), "prevention": (0.8, True), "transnational": (0.1, False)},
        3: {"enforcement": 0.3, "prevention": 0.2, "transnational": 0.1},  # thresholds decide
    }
    by_seq.update({int(k.removeprefix("seq")): v for k, v in overrides.items()})
    return ReportPredictions(version, by_seq, thresholds={"enforcement": 0.25})


def _counts(corpus: Corpus) -> dict[str, int]:
    tables = {"reports": Report, "passages": Passage, "entities": Entity, "predictions": Prediction,
              "models": ModelVersion, "current": CurrentLabel}  # fmt: skip
    with corpus.engine.connect() as conn:
        return {name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for name, t in
                tables.items()}  # fmt: skip


def _current(corpus: Corpus) -> set[tuple[int, str, float, str]]:
    with corpus.engine.connect() as conn:
        rows = conn.execute(
            select(CurrentLabel.passage_id, CurrentLabel.label, CurrentLabel.score, CurrentLabel.origin)
        )
        return {(r[0], r[1], round(r[2], 6), r[3]) for r in rows}


def test_report_with_predictions_has_its_labels_at_once(store: Corpus) -> None:
    rid = store.add_report(_report("a" * 64, _predictions()))
    rows = list(store.passages(PassageFilter(report_id=rid)))
    assert [(r.seq, r.labels, r.countries) for r in rows] == [
        (1, ["enforcement"], ["MX"]),  # the model's own decision: transnational 0.6 not assigned
        (2, ["prevention"], []),
        (3, ["enforcement"], []),  # 0.3 >= the enforcement threshold 0.25
    ]
    assert rows[0].scores == {"enforcement": 0.9, "prevention": 0.1, "transnational": 0.6}
    assert rows[0].label_origin == "model"
    promoted = store.promoted_model()  # the first model with predictions in the store is promoted
    assert promoted is not None and promoted.version == "m1" and not promoted.has_artifact
    assert _counts(store)["predictions"] == 9
    assert store.has_whole_report("a" * 64)
    before = _current(store)
    with store.engine.begin() as conn:
        rebuild(conn)
    assert _current(store) == before  # current_labels agrees with a full rebuild


def test_report_predictions_of_a_registered_model_that_is_not_promoted(store: Corpus) -> None:
    store.add_model_version("m0", "x", {}, 1, {}, b"a", promoted=True)
    store.add_model_version("m1", "x", {}, 1, {}, b"b")
    rid = store.add_report(_report("a" * 64, _predictions("m1")))
    assert store.model_version("m1").has_artifact  # type: ignore[union-attr]  # not replaced
    assert store.promoted_model().version == "m0"  # type: ignore[union-attr]
    assert all(r.labels == [] and r.scores == {} for r in store.passages(PassageFilter(report_id=rid)))
    assert not store.has_whole_report("a" * 64)  # the promoted model has not seen it
    store.promote("m1")
    assert [r.labels for r in store.passages(PassageFilter(report_id=rid))][0] == ["enforcement"]


@pytest.mark.parametrize(
    ("predictions", "error"),
    [
        (_predictions(seq2={"crime": 0.9}), "unknown label 'crime'"),
        (_predictions(seq7={"prevention": 0.9}), "passage seq 7"),
    ],
    ids=["unknown-label", "unknown-seq"],
)
def test_failed_report_predictions_leave_nothing_stored(
    store: Corpus, predictions: ReportPredictions, error: str
) -> None:
    with pytest.raises(CorpusError, match=error):
        store.add_report(_report("a" * 64, predictions))
    assert set(_counts(store).values()) == {0}  # no report, passage, entity, model or label row
    assert store.report_by_sha256("a" * 64) is None and not store.has_whole_report("a" * 64)
    rid = store.add_report(_report("a" * 64, _predictions()))  # the next attempt stores it whole
    assert store.count_passages(PassageFilter(report_id=rid, labels=("enforcement",))) == 2


def test_stored_report_without_predictions_gets_them(store: Corpus) -> None:
    """What a run killed between add_report and add_predictions (two transactions) left behind."""
    rid = store.add_report(_report("a" * 64, None))
    assert not store.has_whole_report("a" * 64)
    assert store.add_report(_report("a" * 64, _predictions())) == rid
    assert store.has_whole_report("a" * 64)
    assert [r.labels for r in store.passages(PassageFilter(report_id=rid))] == [
        ["enforcement"], ["prevention"], ["enforcement"],
    ]  # fmt: skip
    store.add_report(_report("a" * 64, _predictions(seq1={"prevention": (0.99, True)})))
    assert next(store.passages()).labels == ["enforcement"]  # stored predictions are not replaced


def test_a_run_that_gives_a_stored_report_its_missing_predictions_stored_it(store: Corpus) -> None:
    # What a run counts (add_new_report): new when it completed the report, unchanged when another writer
    # had stored it whole (a review: the completion was counted unchanged, with 0 pages).
    rid = store.add_report(_report("a" * 64, None))
    assert store.add_new_report(_report("a" * 64, _predictions())) == rid
    assert store.add_new_report(_report("a" * 64, _predictions())) is None


def test_whole_report_states(store: Corpus) -> None:
    assert not store.has_whole_report("f" * 64)
    store.record_failed_report("file:///bad.pdf", "b" * 64, "not a PDF")
    assert store.has_whole_report("b" * 64)
    blank = NewReport(uri="file:///blank.pdf", sha256="c" * 64, predictions=ReportPredictions("m1", {}))
    store.add_report(blank)  # empty: nothing to predict
    assert store.has_whole_report("c" * 64)
    assert store.model_versions() == []  # a report without passages registers no model
    rid = store.add_report(_report("d" * 64, None))
    store.add_labels(next(store.passages(PassageFilter(report_id=rid))).id, ["prevention"])
    assert store.has_whole_report("d" * 64)  # a person labeled it: not the model's to redo


def test_a_report_is_whole_by_its_own_first_passage(store: Corpus) -> None:
    """Another report's first passage, labeled by a person or predicted by the promoted model, says
    nothing of this one: a report stored with another model's predictions (an ingest that overlapped a
    retrain's promotion) is not whole until it has the promoted model's."""
    first = store.add_report(_report("a" * 64, _predictions("m1"), uri="file:///first.pdf"))
    store.add_labels(next(store.passages(PassageFilter(report_id=first))).id, ["prevention"])
    store.add_report(_report("b" * 64, None, uri="file:///bare.pdf"))
    assert store.has_whole_report("a" * 64) and not store.has_whole_report("b" * 64)
    store.add_report(_report("c" * 64, _predictions("m0"), uri="file:///older-model.pdf"))
    assert store.model_version("m1").promoted  # type: ignore[union-attr]
    assert not store.has_whole_report("c" * 64)
    store.add_report(_report("c" * 64, _predictions("m1"), uri="file:///older-model.pdf"))
    assert store.has_whole_report("c" * 64)
