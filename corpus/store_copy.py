"""Copying a whole store into an empty one: a person's SQLite file into the team's PostgreSQL, or back.

Every row of every table goes across with its id (reports, passages and their tags, human labels with their
history, model versions with their artifacts, predictions, sources, ingest runs), so ids that people wrote
down or that other tools hold (`label import` lines with passage_id) mean the same passage in the copy. The
search indexes are not copied: the target's own (SQLite's FTS triggers, PostgreSQL's generated column) index
each passage as it arrives.

The source is read in one transaction (a consistent snapshot, even while an ingest runs on it) and the
target written in one, so a copy that fails or is interrupted leaves the target as empty as it was.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, LargeBinary, Table, bindparam, func, insert, select, text, update
from sqlalchemy.exc import DatabaseError

from corpus.engine import current_revision, display_url, make_engine, upgrade, write_connection
from corpus.errors import CorpusError, explained
from corpus.schema import Base

# Rows per INSERT batch: large enough that round trips do not dominate on PostgreSQL, small enough that a
# batch of long passages stays a few megabytes.
BATCH = 2_000
# The order rows go in: every table after the tables its foreign keys name.
TABLES = (
    "sources",
    "reports",
    "passages",
    "entities",
    "model_versions",
    "predictions",
    "labels",
    "current_labels",
    "ingest_runs",
)
# How the summary names each table's rows.
NOUNS = {
    "sources": "sources",
    "reports": "reports",
    "passages": "passages",
    "entities": "tags",
    "model_versions": "model versions",
    "predictions": "predictions",
    "labels": "human labels",
    "current_labels": "labels in force",
    "ingest_runs": "ingest runs",
}


@dataclass(frozen=True)
class CopyResult:
    """What `copy_store` copied: rows per table (in TABLES order) and the seconds it took."""

    source: str
    target: str
    rows: dict[str, int]
    seconds: float

    def line(self) -> str:
        shown = ("reports", "passages", "labels", "model_versions", "sources", "ingest_runs")
        counts = ", ".join(f"{self.rows[name]} {NOUNS[name]}" for name in shown)
        return f"copied {self.source} to {self.target}: {counts} in {self.seconds:.1f} s"


def copy_store(
    source: Engine, target_url: str, progress: Callable[[int], None] = lambda rows: None
) -> CopyResult:
    """Copy every row of the store on `source` (at this citsec's schema revision) into the store at
    `target_url`, which must hold no citsec rows (a new SQLite file, an empty database, or a store
    `citsec db upgrade` made and nothing filled). `progress` learns how many rows (of all tables, as
    count_rows counts them) went across with each batch. CorpusError when the target is the source, holds
    rows, or cannot be written, or the source cannot be read."""
    started = time.perf_counter()
    target = make_engine(target_url)
    try:
        if _same_store(source, target):
            raise CorpusError(f"{display_url(target)} is the store being copied: name another --to")
        if current_revision(target) is not None:  # refused before a migration would change it
            with target.connect() as conn:
                _refuse_filled(conn, display_url(target))
        upgrade(target)
        given = _ids_given(source)  # before the copy: a role that may not read sequences costs nothing
        with _snapshot(source) as read, write_connection(target) as write:
            _refuse_filled(write, display_url(target))
            tables = [Base.metadata.tables[name] for name in TABLES]
            rows = {table.name: _copy_table(read, write, table, progress) for table in tables}
            _continue_ids(write, given)
            if write.dialect.name == "postgresql":  # the planner's statistics, before anyone queries it
                write.execute(text(f"ANALYZE {', '.join(TABLES)}"))
    except _SourceError as exc:
        raise CorpusError(f"cannot read {display_url(source)}: {explained(exc.cause)}") from exc.cause
    except DatabaseError as exc:
        raise CorpusError(f"cannot copy into {display_url(target)}: {explained(exc)}") from exc
    finally:
        target.dispose()
    return CopyResult(display_url(source), display_url(target), rows, time.perf_counter() - started)


def count_rows(source: Engine) -> int:
    """How many rows copy_store will copy from `source` (what its `progress` counts up to); CorpusError
    when they cannot be read."""
    try:
        with source.connect() as conn:
            return sum(_row_counts(conn).values())
    except DatabaseError as exc:
        raise CorpusError(f"cannot read {display_url(source)}: {explained(exc)}") from exc


class _SourceError(Exception):
    """A database error reading the source, told apart from one writing the target."""

    def __init__(self, cause: DatabaseError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _same_store(source: Engine, target: Engine) -> bool:
    """Whether both engines name one database: the same SQLite file, however its path or URI is written,
    or the same database of one PostgreSQL server, asked of the server (localhost and 127.0.0.1, a
    ?host= parameter: one server)."""
    if source.dialect.name != target.dialect.name:
        return False
    if source.dialect.name == "sqlite":

        def file_of(engine: Engine) -> str:
            database = engine.url.database or ""
            path = unquote(urlsplit(database).path) if database.startswith("file:") else database
            return str(Path(path).expanduser().resolve())

        return file_of(source) == file_of(target)
    # The port as the server has it (a Unix socket has no inet port), and when the server started.
    identity = "SELECT current_database(), current_setting('port'), pg_postmaster_start_time()"
    try:
        with source.connect() as a, target.connect() as b:
            first, second = a.execute(text(identity)).one(), b.execute(text(identity)).one()
    except DatabaseError:
        return False  # the target's own error comes when it is opened to be written
    return tuple(first) == tuple(second)


@contextlib.contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read transaction on the source that sees one moment of it: REPEATABLE READ on PostgreSQL, a
    read transaction on SQLite (in WAL mode a reader keeps the state it began with)."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin() as transaction:
        yield conn
        transaction.rollback()


def _row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table of the store on `conn`, in TABLES order."""
    return {
        name: int(conn.execute(select(func.count()).select_from(Base.metadata.tables[name])).scalar_one())
        for name in TABLES
    }


def _refuse_filled(write: Connection, where: str) -> None:
    """CorpusError when any table of the target holds a row: a copy only fills an empty store."""
    held = [f"{count} {NOUNS[name]}" for name, count in _row_counts(write).items() if count]
    if held:
        raise CorpusError(
            f"{where} already holds a store ({', '.join(held)}): copy into a new SQLite file or an empty "
            "database"
        )


def _rows(read: Connection, table: Table) -> Iterator[list[dict[str, object]]]:
    """The source table's rows in batches, in primary-key order, streamed (not all in memory: a table of
    model artifacts, each megabytes, a row at a time)."""
    size = 1 if any(isinstance(c.type, LargeBinary) for c in table.columns) else BATCH
    query = select(*table.columns).order_by(*table.primary_key.columns)
    try:
        result = read.execution_options(yield_per=size).execute(query)
        for batch in result.partitions():
            yield [dict(row._mapping) for row in batch]
    except DatabaseError as exc:
        raise _SourceError(exc) from exc


def _copy_table(
    read: Connection, write: Connection, table: Table, progress: Callable[[int], None]
) -> int:
    """Copy one table's rows; returns how many. A report's `superseded_by` names a newer report, stored
    after it: it is set once every report is in."""
    copied = 0
    newer: list[dict[str, object]] = []
    for batch in _rows(read, table):
        if table.name == "reports":
            newer += [{"rid": r["id"], "by": r["superseded_by"]} for r in batch if r["superseded_by"]]
            batch = [{**r, "superseded_by": None} for r in batch]
        write.execute(insert(table), batch)
        copied += len(batch)
        progress(len(batch))
    if newer:
        statement = update(table).where(table.c.id == bindparam("rid")).values(superseded_by=bindparam("by"))
        write.execute(statement, newer)
    return copied


# The tables whose ids a sequence (PostgreSQL) or the table itself (SQLite) hands out.
_SERIAL = ("sources", "reports", "passages", "entities", "model_versions", "labels", "ingest_runs")


def _ids_given(source: Engine) -> dict[str, int]:
    """Per table, the highest id the source has handed out, deleted rows included, where it keeps that:
    PostgreSQL's sequences, SQLite's AUTOINCREMENT table (labels; its other tables hand out max(id) + 1
    anyway). Empty when the source's role may not read them: the copied ids are used instead."""
    given: dict[str, int] = {}
    try:
        with source.connect() as conn:
            if conn.dialect.name == "postgresql":
                for name in _SERIAL:
                    query = f"SELECT pg_sequence_last_value(pg_get_serial_sequence('{name}', 'id')::regclass)"
                    given[name] = int(conn.execute(text(query)).scalar() or 0)
            else:
                found = conn.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'labels'")).scalar()
                given["labels"] = int(found or 0)
    except DatabaseError:
        return {}
    return given


def _continue_ids(write: Connection, given: dict[str, int]) -> None:
    """Make the target hand out ids after every id the source gave (`given`, _ids_given) and every id
    copied, so an id someone wrote down never names another row in the copy; a SQLite target keeps that
    only for labels (its other tables hand out max(id) + 1, as a SQLite store always does). Label ids
    never go back at all (a report's last_label_id compares them; migration 0008): above every
    last_label_id too."""
    highest = {name: max(given.get(name, 0), _max(write, name, "id")) for name in _SERIAL}
    highest["labels"] = max(highest["labels"], _max(write, "reports", "last_label_id"))
    if write.dialect.name == "postgresql":
        for name, value in highest.items():
            write.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n, :called)"),
                {"t": name, "n": max(value, 1), "called": value > 0},
            )
    elif highest["labels"]:
        write.execute(text("DELETE FROM sqlite_sequence WHERE name = 'labels'"))
        insert_seq = "INSERT INTO sqlite_sequence (name, seq) VALUES ('labels', :n)"
        write.execute(text(insert_seq), {"n": highest["labels"]})


def _max(conn: Connection, table: str, column: str) -> int:
    return int(conn.execute(text(f"SELECT coalesce(max({column}), 0) FROM {table}")).scalar_one())
