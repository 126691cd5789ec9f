"""Migration 0009 and the registry's labeling rules (model_versions.label_rules), on SQLite and PostgreSQL:
predictions stored before the store recorded rules count as the oldest rules, "1"."""

from __future__ import annotations

from collections.abc import Callable

from revisions import migrate
from sqlalchemy import inspect

from corpus import Corpus, NewPassage, NewReport, PassageFilter
from corpus.engine import make_engine
from corpus.taxonomy import LABELS


def _predicted_store(url: str) -> list[int]:
    """A report whose passages m-a (promoted: the first to predict) and m-b predicted; m-c registered
    without predictions."""
    with Corpus.open(url) as store:
        report = store.add_report(NewReport(uri="file:///a.pdf", sha256="a" * 64, passages=[
            NewPassage(i, 1, 1, f"Passage {i} on police raids.", "en") for i in range(3)
        ]))
        ids = [row.id for row in store.passages(PassageFilter(report_id=report))]
        for version in ("m-a", "m-b"):
            store.add_predictions(version, [(pid, label, 0.7) for pid in ids for label in LABELS])
        store.add_model_version("m-c", "test", {}, 0, {}, None)
    return ids


def test_a_store_of_revision_0008_with_predictions_records_them_as_the_oldest_rules(store_url: str) -> None:
    _predicted_store(store_url)
    migrate(store_url, "0008")
    engine = make_engine(store_url)
    try:
        assert "label_rules" not in {c["name"] for c in inspect(engine).get_columns("model_versions")}
    finally:
        engine.dispose()
    with Corpus.open(store_url) as store:  # migrates to head
        assert (store.label_rules(), store.label_rules("m-a"), store.label_rules("m-b")) == ("1", "1", "1")
        assert store.label_rules("m-c") is None  # no predictions: nothing to label again
        assert store.count_passages(PassageFilter(labels=("enforcement",))) == 3  # labels kept as they were


def test_a_fresh_store_records_the_rules_of_whoever_predicted(store_url: str) -> None:
    with Corpus.open(store_url) as store:
        assert store.label_rules() is None  # nothing promoted, nothing predicted
    _predicted_store(store_url)
    with Corpus.open(store_url) as store:
        assert store.label_rules() is None  # stored by a caller that did not say
        assert store.predicted_label_rules() == {"m-a": None, "m-b": None}  # m-c has no predictions
        store.set_label_rules("m-b", "2")
        assert store.predicted_label_rules("m-b") == {"m-b": "2"}
        assert store.predicted_label_rules("m-c") == {}
        assert (store.label_rules("m-a"), store.label_rules("m-b")) == (None, "2")


def test_a_versions_rules_are_those_of_its_oldest_predictions(store_url: str) -> None:
    from models.topic import LABEL_RULES_VERSION, record_label_rules

    _predicted_store(store_url)
    with Corpus.open(store_url) as store:
        store.set_label_rules("m-b", "1")  # an older citsec's
        store.set_label_rules("m-a", "99")  # a newer citsec's, then this one stored some
        record_label_rules(store)
        assert [store.label_rules(v) for v in ("m-a", "m-b", "m-c")] == [LABEL_RULES_VERSION, "1", None]


def test_one_process_at_a_time_labels_the_store_again(corpus_factory: Callable[[], Corpus]) -> None:
    first, second = corpus_factory(), corpus_factory()
    with first.relabel_claim() as mine:
        assert mine
        with second.relabel_claim() as theirs:
            # On PostgreSQL two ingests after an upgrade each relabeled the whole store; SQLite's one writer
            # at a time makes the second find nothing left to do.
            assert theirs is (second.dialect == "sqlite")
    with second.relabel_claim() as theirs:
        assert theirs  # released
