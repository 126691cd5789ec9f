"""Whether a label came over to a report's new version is what carry_labels_over did when the version was
stored (labels.carried_from), not the texts matched again with the labels as they are later: a label
given to the old version afterwards, or a second label that makes the old match ambiguous, stays the old
passage's own (counted as left behind, and a training example), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from test_store_label_carry import FUNDS, FUNDS_READ_BEFORE, TRUCE
from test_store_label_carry import _reading as reading

from corpus import Corpus, PassageFilter
from corpus.engine import MIGRATIONS_DIR, make_engine, upgrade
from corpus.migrations import HEAD
from corpus.schema import HumanLabel


def _examples(store: Corpus) -> list[tuple[str | None, list[str], int | None]]:
    return [(e.text, list(e.labels), e.report_id) for e in store.labeled_examples()]


def test_a_label_given_to_the_old_version_after_the_new_one_was_stored_comes_over_recorded(
    store: Corpus,
) -> None:
    # (tests/labels/test_late_label_carry.py has the cases of a label given to an old reading later.)
    old_id = store.add_report(reading("1.0", (FUNDS_READ_BEFORE, TRUCE)))
    funds, _ = list(store.passages(PassageFilter(report_id=old_id)))
    new_id = store.add_report(reading("1.1", (FUNDS, TRUCE)))
    assert store.labels_left_behind(new_id) == 0
    store.add_labels(funds.id, ["enforcement"], annotator="ana")  # on the superseded reading
    assert store.labels_left_behind(new_id) == 0
    assert _examples(store) == [(FUNDS, ["enforcement"], new_id)]
    [carried] = list(store.passages(PassageFilter(labels=("enforcement",))))
    assert carried.report_id == new_id


def test_labeling_a_near_copy_alike_later_carries_the_label_the_match_gives_now(store: Corpus) -> None:
    # An old passage and an unlabeled near-copy: the match is ambiguous, so nothing carries at store time.
    copy = FUNDS_READ_BEFORE.replace("ten billion", "nine billion")
    old_id = store.add_report(reading("1.0", (FUNDS_READ_BEFORE, copy)))
    first, second = list(store.passages(PassageFilter(report_id=old_id)))
    store.add_labels(first.id, ["enforcement"], annotator="ana")
    new_id = store.add_report(reading("1.1", (FUNDS, TRUCE)))
    assert store.labels_left_behind(new_id) == 1
    # The near-copy labeled alike, late: the two agree, and the match gives the new passage their label,
    # as it would have had the label come before the new reading was stored (whichever came first).
    store.add_labels(second.id, ["enforcement"], annotator="ana")
    new_funds, _ = list(store.passages(PassageFilter(report_id=new_id)))
    assert new_funds.labels == ["enforcement"]
    assert store.labels_left_behind(new_id) == 1  # the near-copy's own, which nothing new stands for
    assert sorted((str(t), r) for t, _, r in _examples(store)) == sorted([(copy, old_id), (FUNDS, new_id)])


def test_a_carried_label_records_its_source_and_stays_carried_after_the_new_passage_is_relabeled(
    store: Corpus,
) -> None:
    old_id = store.add_report(reading("1.0", (FUNDS_READ_BEFORE, TRUCE)))
    funds, _ = list(store.passages(PassageFilter(report_id=old_id)))
    store.add_labels(funds.id, ["enforcement"], annotator="ana")
    new_id = store.add_report(reading("1.1", (FUNDS, TRUCE)))
    new_funds, _ = list(store.passages(PassageFilter(report_id=new_id)))
    with store.engine.connect() as conn:
        source = conn.execute(select(HumanLabel.id).where(HumanLabel.passage_id == funds.id)).scalar_one()
        copied = conn.execute(select(HumanLabel.carried_from).where(HumanLabel.passage_id == new_funds.id))
        assert copied.scalars().all() == [source]
    store.add_labels(new_funds.id, ["prevention"], annotator="ben")  # a correction of the new reading
    assert store.labels_left_behind(new_id) == 0
    assert _examples(store) == [(FUNDS, ["prevention"], new_id)]


def test_copies_made_before_the_record_existed_are_found_again_by_the_migration(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Corpus.open(url) as store:
        old_id = store.add_report(reading("1.0", (FUNDS_READ_BEFORE, TRUCE)))
        funds, truce = list(store.passages(PassageFilter(report_id=old_id)))
        store.add_labels(funds.id, ["enforcement"], annotator="ana")
        store.add_labels(truce.id, ["prevention"], annotator=None)
        new_id = store.add_report(reading("1.1", (FUNDS, TRUCE)))
    engine = make_engine(url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0005")  # a store of the release before: copies without a record
            columns = list(conn.execute(text("SELECT * FROM labels")).keys())
            assert "carried_from" not in columns
        assert upgrade(engine) == HEAD
        with engine.connect() as conn:
            rows = conn.execute(select(HumanLabel.passage_id, HumanLabel.id, HumanLabel.carried_from)).all()
        by_passage = {passage_id: (label_id, carried) for passage_id, label_id, carried in rows}
        new_funds, new_truce = funds.id + 2, truce.id + 2
        assert by_passage[new_funds][1] == by_passage[funds.id][0]
        assert by_passage[new_truce][1] == by_passage[truce.id][0]
        assert by_passage[funds.id][1] is None and by_passage[truce.id][1] is None
    finally:
        engine.dispose()
    with Corpus.open(url) as store:
        assert store.labels_left_behind(new_id) == 0


def test_identical_and_near_copies_labeled_alike_all_come_over_with_the_one_copy(store: Corpus) -> None:
    old_id = store.add_report(reading("1.0", (TRUCE, FUNDS_READ_BEFORE, TRUCE)))
    first, _, third = list(store.passages(PassageFilter(report_id=old_id)))
    store.add_labels(first.id, ["prevention"], annotator="ana")
    store.add_labels(third.id, ["prevention"], annotator="ana")
    new_id = store.add_report(reading("1.1", (TRUCE, FUNDS)))
    assert store.labels_left_behind(new_id) == 0
    assert _examples(store) == [(TRUCE, ["prevention"], new_id)]  # one example, on the current reading


def test_readings_stored_before_label_ids_were_recorded_fall_back_to_the_clocks(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Corpus.open(url) as store:
        old_id = store.add_report(reading("1.0", (FUNDS_READ_BEFORE, TRUCE)))
        funds, _ = list(store.passages(PassageFilter(report_id=old_id)))
        new_id = store.add_report(reading("1.1", (FUNDS, TRUCE)))
        new_funds, _ = list(store.passages(PassageFilter(report_id=new_id)))
    engine = make_engine(url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0006")  # a store of the release before: no record of label ids
            assert "last_label_id" not in list(conn.execute(text("SELECT * FROM reports")).keys())
        assert upgrade(engine) == HEAD
        with engine.connect() as conn:
            assert conn.execute(text("SELECT last_label_id FROM reports")).scalars().all() == [None, None]
    finally:
        engine.dispose()
    with Corpus.open(url) as store:
        # A late label the new passage's own label keeps out: after the store by the clocks, left behind.
        store.add_labels(new_funds.id, ["prevention"], annotator="ben")
        store.add_labels(funds.id, ["enforcement"], annotator="ana")
        assert store.labels_left_behind(new_id) == 1
        assert sorted(_examples(store)) == sorted(
            [(FUNDS_READ_BEFORE, ["enforcement"], old_id), (FUNDS, ["prevention"], new_id)]
        )
