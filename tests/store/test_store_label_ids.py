"""Label ids are never handed out twice: "given before this reading was stored" is `labels.id <=
reports.last_label_id` (corpus.labelstate.given_before), which holds only while a label given later always
gets a higher id than any given before. SQLite reused the ids of deleted labels (a plain INTEGER PRIMARY
KEY takes max(id) + 1), so after a report holding the newest labels was deleted, a label given later
looked given before; labels.id is AUTOINCREMENT there since migration 0008. PostgreSQL's sequence never
goes back. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from readings import COUNCILS, PORTS, reading, stored
from revisions import migrate
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from corpus import Corpus
from corpus.engine import make_engine, upgrade
from corpus.migrations import HEAD
from corpus.schema import HumanLabel, Report

# The same passage as older extractors cut it: a running header inside, two words glued at a line end.
PORTS_READ_BEFORE = PORTS.replace("European Union, and", "European Union,\nPORT BULLETIN | 12\nand").replace(
    "fruit shipments", "fruitshipments"
)
PRISONS = "Prison gangs in the three largest penitentiaries ran extortion calls from inside their cells."


def last_label_ids(store: Corpus) -> dict[int, int | None]:
    with store.engine.connect() as conn:
        return {rid: seen for rid, seen in conn.execute(select(Report.id, Report.last_label_id))}


def test_a_label_given_after_the_newest_labels_were_deleted_gets_an_id_above_every_reading(
    store: Corpus,
) -> None:
    """A reading records the highest label id it saw; the report holding those labels is deleted (its
    passages' labels go with it); a label given afterwards must still be numbered after the reading."""
    stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    other_id, others = stored(store, reading("1.0", (PRISONS,), uri="file:///reports/prisons.pdf"))
    given = [store.add_labels(pid, ["prevention"], annotator=None) for pid in others]
    new_id, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    seen = last_label_ids(store)[new_id]
    assert seen == max(given)  # the newest labels, on the other report

    store.delete_report(other_id)
    later = store.add_labels(new_ports, ["prevention"], annotator="ben")
    assert later > seen
    assert later > max(given)


def test_a_late_label_after_a_report_was_deleted_is_not_taken_for_one_given_before_the_store(
    store: Corpus,
) -> None:
    """The late label on the old reading (kept out of the new one by a person's own label there) stays the
    old passage's own whatever was deleted in between. With a reused id it looked given before the new
    reading was stored, so the match of "then" said it came over and the example was lost."""
    old_id, (old_ports, _) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
    other_id, others = stored(store, reading("1.0", (PRISONS,), uri="file:///reports/prisons.pdf"))
    store.add_labels_many([(pid, ["prevention"]) for pid in others * 3], annotator="ana")
    new_id, (new_ports, _) = stored(store, reading("1.1", (PORTS, COUNCILS)))
    store.delete_report(other_id)

    store.add_labels(new_ports, ["prevention"], annotator="ben")
    store.add_labels(old_ports, ["transnational"], annotator="ana")
    assert store.labels_left_behind(new_id) == 1
    examples = sorted((e.text, list(e.labels), e.report_id) for e in store.labeled_examples())
    assert examples == sorted(
        [(PORTS_READ_BEFORE, ["transnational"], old_id), (PORTS, ["prevention"], new_id)]
    )


@pytest.mark.pg
def test_postgres_label_ids_come_from_a_sequence(pg_store_url: str) -> None:
    """PostgreSQL numbers labels from a sequence, which hands no number out twice (deletes, rollbacks)."""
    with Corpus.open(pg_store_url) as store, store.engine.connect() as conn:
        sequence = conn.execute(text("SELECT pg_get_serial_sequence('labels', 'id')")).scalar()
        assert sequence is not None
        default = conn.execute(
            text(
                "SELECT column_default FROM information_schema.columns"
                " WHERE table_name = 'labels' AND column_name = 'id'"
            )
        ).scalar()
        assert default == f"nextval('{sequence.removeprefix('public.')}'::regclass)"
        assert conn.execute(select(HumanLabel.id)).first() is None


# --- migration 0008 ---


def _fill(url: str) -> dict[str, int]:
    """A store with labels of every kind: a person's with and without an annotator, copies and copies of
    copies (carried_from chains), a free text's, predictions and entities; and label ids recorded by a
    reading whose labels were deleted since. Returns the ids the test reads."""
    with Corpus.open(url) as store:
        _, (ports, councils) = stored(store, reading("1.0", (PORTS_READ_BEFORE, COUNCILS)))
        store.add_labels(ports, ["enforcement"], annotator="ana")
        store.add_labels(councils, ["prevention"], annotator=None)
        stored(store, reading("1.1", (PORTS, COUNCILS)))  # copies
        current_id, current = stored(store, reading("1.2", (PORTS, COUNCILS, PRISONS)))  # copies of copies
        store.add_predictions("m1", [(pid, "transnational", 0.8) for pid in current])
        store.add_text_labels("Extortion calls from prison cells.", ["enforcement"], lang="en")
        other_id, others = stored(store, reading("1.0", (PRISONS,), uri="file:///reports/prisons.pdf"))
        given = store.add_labels_many([(pid, ["prevention"]) for pid in others * 3], annotator="ben")
        seen_id, _ = stored(store, reading("1.0", (COUNCILS,), uri="file:///reports/councils.pdf"))
        store.delete_report(other_id)  # its labels were the newest: only reports.last_label_id holds them
    return {"highest": max(given), "current": current_id, "seen": seen_id}


Schema = dict[tuple[str, str], str | None]
Rows = dict[str, list[tuple[Any, ...]]]


def _sqlite_state(engine: Engine) -> tuple[Schema, Rows]:
    """The schema (every table, index, trigger and view, by type and name) and every table's rows, as the
    driver returns them (an int stays an int, a str a str)."""
    with engine.connect() as conn:
        schema = {(kind, name): sql for kind, name, sql in conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master")}  # fmt: skip
        tables = [name for kind, name in schema if kind == "table" and name != "sqlite_sequence"]
        rows = {
            table: sorted((tuple(row) for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"')), key=repr)
            for table in tables
        }
    return schema, rows


def _sequence(engine: Engine) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        exists = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'"
        if not conn.exec_driver_sql(exists).scalar():
            return []
        return [(name, seq) for name, seq in conn.exec_driver_sql("SELECT name, seq FROM sqlite_sequence")]


def test_the_sqlite_labels_rebuild_keeps_every_row_and_object_and_is_undone_exactly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ids = _fill(url)
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    engine = make_engine(url)
    try:
        assert upgrade(fresh, "0007") == "0007"
        migrate(engine, "0007")  # the store as the release before left it
        with engine.begin() as conn:  # and what its users may have added: a view, a trigger, statistics
            conn.exec_driver_sql("CREATE VIEW labeled AS SELECT passage_id, annotator FROM labels")
            conn.exec_driver_sql(
                "CREATE TRIGGER labels_no_bad_origin BEFORE INSERT ON labels WHEN new.origin = 'bad:origin'"
                " BEGIN SELECT raise(ABORT, 'bad origin'); END"
            )
            conn.exec_driver_sql("ANALYZE")
        before_schema, before_rows = _sqlite_state(engine)
        assert before_schema[("table", "labels")] == _sqlite_state(fresh)[0][("table", "labels")]
        assert "AUTOINCREMENT" not in str(before_schema[("table", "labels")])
        assert [row[1:] for row in before_rows["sqlite_stat1"] if row[0] == "labels"]
        chains = {row[0]: row[-1] for row in before_rows["labels"]}  # id -> carried_from
        assert any(chains.get(source) is not None for source in chains.values())  # a copy of a copy
        assert any(row[5] is None for row in before_rows["labels"])  # no annotator
        assert any(row[1] is None for row in before_rows["labels"])  # a free text's

        # To 0008 only: 0009 adds a column to model_versions (test_store_label_rules).
        assert upgrade(engine, "0008") == "0008"
        schema, rows = _sqlite_state(engine)
        # Labels with their ids, passages, search index, statistics, every row of every table.
        assert rows == before_rows | {"alembic_version": [("0008",)]}
        plain_key = "CONSTRAINT pk_labels PRIMARY KEY (id)"
        assert schema[("table", "labels")] == str(before_schema[("table", "labels")]).replace(
            plain_key, "CONSTRAINT pk_labels PRIMARY KEY (id AUTOINCREMENT)"
        )
        assert {k: v for k, v in schema.items() if k != ("table", "labels")} == {
            k: v for k, v in before_schema.items() if k != ("table", "labels")
        }  # the index on labels, the view, the trigger, every other table
        assert _sequence(engine) == [("labels", ids["highest"])]
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("SELECT count(*) FROM labeled").scalar() == len(rows["labels"])

        migrate(engine, "0007")
        assert _sqlite_state(engine) == (before_schema, before_rows)
        assert _sequence(engine) == []  # SQLite keeps its (empty) sqlite_sequence table
        assert upgrade(engine) == HEAD
    finally:
        engine.dispose()
        fresh.dispose()

    with Corpus.open(url) as store:
        _, (ports, *_) = stored(store, reading("1.0", (PORTS,), uri="file:///reports/later.pdf"))
        assert store.add_labels(ports, ["enforcement"], annotator="ana") == ids["highest"] + 1
        with store.engine.connect() as conn:
            bad = "INSERT INTO labels (labels, origin, created_at) VALUES ('[]', 'bad:origin', '2026-12-05')"
            with pytest.raises(IntegrityError, match="bad origin"):  # the trigger is back
                conn.exec_driver_sql(bad)
        labeled = len(store.label_history(ports))
        store.delete_report(ids["current"])  # the foreign key still takes a report's labels with it
        with store.engine.connect() as conn:
            orphans = "SELECT count(*) FROM labels WHERE passage_id NOT IN (SELECT id FROM passages)"
            assert conn.exec_driver_sql(orphans).scalar() == 0
        assert len(store.label_history(ports)) == labeled


def test_label_ids_handed_out_and_deleted_before_the_migration_are_not_given_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ids = _fill(url)
    engine = make_engine(url)
    try:
        migrate(engine, "0007")
        with engine.connect() as conn:
            assert conn.execute(select(func.max(HumanLabel.id))).scalar_one() < ids["highest"]
        assert upgrade(engine) == HEAD
    finally:
        engine.dispose()
    with Corpus.open(url) as store:
        _, (councils,) = stored(store, reading("1.1", (COUNCILS,), uri="file:///reports/councils.pdf"))
        assert last_label_ids(store)[ids["seen"]] == ids["highest"]
        assert store.add_labels(councils, ["prevention"], annotator="ana") > ids["highest"]


def test_a_store_of_the_release_before_numbers_labels_above_every_id_it_recorded(tmp_path: Path) -> None:
    """A store made at revision 0007 (no sqlite_sequence yet), its rows written as that release wrote them:
    labels 1..3 then 4..6 given, 4..6 deleted with their report, a reading that saw 6."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    report = (
        "INSERT INTO reports (id, uri, pages, status, warnings, ingested_at, effective_date, metadata,"
        " last_label_id) VALUES (?, 'u', 1, 'ok', '[]', '2026-12-01 10:00:00', '2026-12-01', '{}', ?)"
    )
    passage = (
        "INSERT INTO passages (id, report_id, seq, page_start, page_end, lang, kind, char_start, char_end,"
        " text) VALUES (?, ?, 1, 1, 1, 'en', 'text', 0, 0, ?)"
    )
    label = (
        "INSERT INTO labels (id, passage_id, labels, annotator, origin, created_at, carried_from)"
        " VALUES (?, ?, '[\"prevention\"]', ?, 'human', '2026-12-01 10:00:00', ?)"
    )
    try:
        assert upgrade(engine, "0007") == "0007"
        with engine.begin() as conn:
            conn.exec_driver_sql(report, (1, 0))
            conn.exec_driver_sql(passage, (1, 1, COUNCILS))
            conn.exec_driver_sql(report, (2, 3))
            conn.exec_driver_sql(passage, (2, 2, COUNCILS))
            conn.exec_driver_sql(label, (1, 1, None, None))
            conn.exec_driver_sql(label, (2, 2, "ana", 1))
            conn.exec_driver_sql(label, (3, 2, None, 2))
            conn.exec_driver_sql(report, (3, 6))
        assert _sequence(engine) == []
        before = _sqlite_state(engine)[1]
        assert upgrade(engine) == HEAD
        # Every row as it was; revision 0011 adds reports.tagger_version, NULL on reports stored before it.
        reports = [(*row, None) for row in before["reports"]]
        assert _sqlite_state(engine)[1] == before | {"alembic_version": [(HEAD,)], "reports": reports}
        assert _sequence(engine) == [("labels", 6)]
    finally:
        engine.dispose()
    with Corpus.open(str(tmp_path / "old.db")) as store:
        assert store.add_labels(1, ["enforcement"]) == 7


@pytest.mark.pg
def test_the_migration_leaves_postgres_labels_as_they_were(pg_url: str) -> None:
    ids = _fill(pg_url)
    engine = make_engine(pg_url)

    def state() -> tuple[Any, ...]:
        with engine.connect() as conn:
            columns = conn.execute(
                text(
                    "SELECT column_name, data_type, is_nullable, column_default"
                    " FROM information_schema.columns WHERE table_name = 'labels' ORDER BY ordinal_position"
                )
            ).all()
            indexes = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE tablename = 'labels'")).all()
            constraints = conn.execute(
                text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conrelid = 'labels'::regclass ORDER BY conname"
                )
            ).all()
            rows = conn.execute(text("SELECT * FROM labels ORDER BY id")).all()
            sequence = conn.execute(text("SELECT last_value FROM labels_id_seq")).scalar()
        return columns, sorted(indexes), constraints, rows, sequence

    try:
        at_head = state()
        migrate(engine, "0007")
        assert state() == at_head
        assert upgrade(engine) == HEAD
        assert state() == at_head
    finally:
        engine.dispose()
    with Corpus.open(pg_url) as store:
        _, (councils,) = stored(store, reading("1.1", (COUNCILS,), uri="file:///reports/councils.pdf"))
        assert store.add_labels(councils, ["prevention"], annotator="ana") > ids["highest"]
