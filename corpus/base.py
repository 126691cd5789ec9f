"""What every part of the Corpus shares: the engine, and read and write transactions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError

from corpus.engine import write_connection
from corpus.errors import CorpusError, first_line, permission_denied, store_trouble


class StoreBase:
    """Holds the engine; mixins add the reports, queries, labels, registry and sources APIs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self._engine.dialect.name

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                yield conn
        except DatabaseError as exc:
            if not store_trouble(exc):
                raise
            raise CorpusError(_said(exc)) from exc

    @contextlib.contextmanager
    def _write(self, pg_lock: int | None = None) -> Iterator[Connection]:
        try:
            with write_connection(self._engine, pg_lock) as conn:
                yield conn
        except DatabaseError as exc:
            if not store_trouble(exc):
                raise
            raise CorpusError(_said(exc)) from exc


def _said(exc: DatabaseError) -> str:
    said = f"database error: {first_line(exc)}"
    if "malformed" in said or "not a database" in said:
        said += " (the store's file is damaged: restore a copy, or ingest again into a new store)"
    elif "database is locked" in said:
        from corpus.engine import SQLITE_BUSY_TIMEOUT_MS

        waited = f"{SQLITE_BUSY_TIMEOUT_MS / 1000:g} s"
        said += (
            f" (another process kept writing to this SQLite store for {waited}: an ingest or a retrain, most "
            "likely; try again when it is done, or use PostgreSQL for several writers)"
        )
    elif permission_denied(exc):
        said += (
            " (the database role in --db may not do this: ask the database's owner to grant it, or use a role"
            " that may)"
        )
    return said
