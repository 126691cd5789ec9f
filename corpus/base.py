"""What every part of the Corpus shares: the engine, and read and write transactions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError

from corpus.engine import write_connection
from corpus.errors import CorpusError, explained, store_trouble


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
    return f"database error: {explained(exc)}"
