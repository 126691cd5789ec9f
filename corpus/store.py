"""Corpus: the store's Python API. The CLI opens one and calls one method per command."""

from __future__ import annotations

from types import TracebackType

from corpus.engine import ensure_schema, make_engine, missing_sqlite_file
from corpus.errors import NoStoreError
from corpus.labels import LabelsMixin
from corpus.queries import QueriesMixin
from corpus.registry import RegistryMixin
from corpus.reports import ReportsMixin
from corpus.sources import SourcesMixin


class Corpus(ReportsMixin, QueriesMixin, LabelsMixin, RegistryMixin, SourcesMixin):
    """Reports, passages, labels, models and sources in one SQL store (SQLite or PostgreSQL).

    >>> with Corpus.open("sqlite:///citsec.db", must_exist=True) as corpus:  # doctest: +SKIP
    ...     rows = list(corpus.passages(PassageFilter(labels=("prevention",), since="2015"), limit=10))

    `must_exist=True` is for reading a store: without it a mistyped path opens a new, empty one.
    """

    @classmethod
    def open(cls, url: str, *, must_exist: bool = False) -> Corpus:
        """Connect, creating or migrating the schema when the store is new or behind. `must_exist` is for
        commands that only read or change what is stored: a store that does not exist yet (a mistyped
        --db) is an error rather than a new empty store."""
        missing = missing_sqlite_file(url) if must_exist else None
        if missing is not None:
            raise NoStoreError(f"no store at {missing} (check --db; `citsec ingest` creates one)")
        engine = make_engine(url)
        try:
            ensure_schema(engine, must_exist=must_exist)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def accents_note(self) -> str | None:
        """None when searches fold accents here, else why they do not (PostgreSQL without the unaccent
        extension, or with one the store's search does not use yet: corpus.accents)."""
        from corpus.accents import unaccent_note

        with self._read() as conn:
            return unaccent_note(conn)

    @property
    def url(self) -> str:
        return self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
