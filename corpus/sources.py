"""Registered sources (named folders, URLs, feeds) and the log of ingest runs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from corpus.base import StoreBase
from corpus.errors import CorpusError
from corpus.records import IngestRunRow, SourceRow
from corpus.schema import IngestRun, Source, utcnow

SOURCE_KINDS: tuple[str, ...] = ("auto", "folder", "url", "feed")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NAME_LENGTH = 200  # sources.name and sources.password_env: PostgreSQL refuses longer ones


class SourcesMixin(StoreBase):
    def add_source(
        self, name: str, location: str, kind: str = "auto", password_env: str | None = None
    ) -> SourceRow:
        """Register a source under a name that `citsec ingest NAME` can use; `password_env` names the
        environment variable that holds its PDFs' password (the store never holds the password)."""
        name = name.strip()
        if not name:
            raise CorpusError("a source needs a name")
        if len(name) > NAME_LENGTH:
            raise CorpusError(f"a source's name has at most {NAME_LENGTH} characters")
        if "/" in name or "\\" in name or name in (".", "..") or name.startswith("~"):
            # `citsec ingest NAME` takes a registered name before a path: one written like a path would
            # hide the folder it names (and "./folder" has to be written "././folder" to reach it).
            raise CorpusError(
                f"a source's name is a word such as 'ministry', not a path or URL: {name!r} "
                "(give the path or URL as LOCATION)"
            )
        if any(ch.isspace() or not ch.isprintable() for ch in name):
            # A name is typed after `citsec ingest`, in crontabs and scripts, and shown in tables and CSV.
            shown = "".join(ch for ch in name if ch.isprintable() or ch.isspace())
            raise CorpusError(
                f"a source's name is one word, without spaces or control characters: {name!r} "
                f"(such as {'-'.join(shown.split()) or 'ministry'!r})"
            )
        if password_env is not None and not _ENV_NAME.fullmatch(password_env):
            raise CorpusError(f"not an environment variable name: {password_env!r}")
        if password_env is not None and len(password_env) > NAME_LENGTH:
            raise CorpusError(f"an environment variable name has at most {NAME_LENGTH} characters")
        if kind not in SOURCE_KINDS:
            raise CorpusError(f"unknown source kind {kind!r}; expected one of {', '.join(SOURCE_KINDS)}")
        try:
            with self._write() as conn:
                conn.execute(
                    insert(Source),
                    {
                        "name": name,
                        "location": location,
                        "kind": kind,
                        "created_at": utcnow(),
                        "password_env": password_env,
                    },
                )
        except IntegrityError as exc:
            raise CorpusError(f"a source named {name!r} already exists") from exc
        found = self.source(name)
        assert found is not None
        return found

    def sources(self) -> list[SourceRow]:
        with self._read() as conn:
            return [_source_row(r) for r in conn.execute(select(*Source.__table__.c).order_by(Source.name))]

    def source(self, name: str) -> SourceRow | None:
        with self._read() as conn:
            row = conn.execute(select(*Source.__table__.c).where(Source.name == name)).first()
        return _source_row(row) if row else None

    def remove_source(self, name: str) -> None:
        """Forget a source; reports ingested from it stay."""
        with self._write() as conn:
            if conn.execute(delete(Source).where(Source.name == name)).rowcount == 0:
                raise CorpusError(f"no source named {name!r}")

    def start_ingest_run(self, trigger: str, started_at: dt.datetime | None = None) -> int:
        """Log the start of an ingest run ("cli", "schedule", ...); returns its id. `started_at` (default:
        now) is for a run whose first reports were begun before it was recorded."""
        with self._write() as conn:
            values = {"trigger": trigger, "started_at": started_at or utcnow(), "counts": {}, "errors": []}
            return int(conn.execute(insert(IngestRun).returning(IngestRun.id), values).scalar_one())

    def count_ingest_run(self, run_id: int, counts: Mapping[str, int]) -> None:
        """What a run has done so far: a run killed before it finishes (SIGKILL, out of memory) still says
        what it stored."""
        with self._write() as conn:
            conn.execute(update(IngestRun).where(IngestRun.id == run_id).values(counts=dict(counts)))

    def finish_ingest_run(self, run_id: int, counts: Mapping[str, int], errors: Sequence[str] = ()) -> None:
        with self._write() as conn:
            done = conn.execute(
                update(IngestRun)
                .where(IngestRun.id == run_id)
                .values(finished_at=utcnow(), counts=dict(counts), errors=list(errors))
            )
            if done.rowcount == 0:
                raise CorpusError(f"no ingest run with id {run_id}")

    def stop_unfinished_runs(self, trigger: str, error: str) -> int:
        """Runs of `trigger` that never recorded their end, given `error` as their last line (their end
        stays unknown): when nothing can be running them any more (a schedule starts where none other
        serves). A run that was still going and ends records its own end over it. How many there were."""
        unfinished = (IngestRun.trigger == trigger, IngestRun.finished_at.is_(None))
        with self._write() as conn:
            rows = conn.execute(select(IngestRun.id, IngestRun.errors).where(*unfinished)).all()
            for row in rows:
                errors = [*(row.errors or []), error]
                conn.execute(update(IngestRun).where(IngestRun.id == row.id).values(errors=errors))
        return len(rows)

    def ingest_runs(self, limit: int | None = None) -> list[IngestRunRow]:
        """Ingest runs, newest first."""
        stmt = select(*IngestRun.__table__.c).order_by(IngestRun.id.desc()).limit(limit)
        with self._read() as conn:
            return [_run_row(r) for r in conn.execute(stmt)]


def _source_row(row: Row[Any]) -> SourceRow:
    r = row._mapping
    return SourceRow(
        id=r["id"],
        name=r["name"],
        location=r["location"],
        kind=r["kind"],
        created_at=r["created_at"],
        password_env=r["password_env"],
    )


def _run_row(row: Row[Any]) -> IngestRunRow:
    r = row._mapping
    return IngestRunRow(
        id=r["id"],
        trigger=r["trigger"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        counts=dict(r["counts"] or {}),
        errors=list(r["errors"] or []),
    )
