"""Errors the store raises for mistakes a user can fix (bad filter, unknown id, unreachable database)."""

from __future__ import annotations


class CorpusError(Exception):
    """A user-facing store error: its message is one line that says what to fix."""


class NoStoreError(CorpusError):
    """A store opened with `must_exist` is not there: no SQLite file, or a database without citsec's
    tables. A command that can do without a store (`citsec tag`) catches it; for the rest it is a mistyped
    --db."""


class PromotedMeanwhile(CorpusError):
    """Another model was promoted after a retrain judged its candidate against the one promoted before:
    `version` is the one promoted now."""

    def __init__(self, version: str) -> None:
        super().__init__(f"{version} was promoted meanwhile")
        self.version = version


def first_line(exc: BaseException) -> str:
    """The first line of a database driver's message, for a one-line CorpusError."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


# PostgreSQL's SQLSTATE for "permission denied" (insufficient_privilege).
INSUFFICIENT_PRIVILEGE = "42501"


def store_trouble(exc: BaseException | None) -> bool:
    """A database that cannot be reached or read (locked, read-only, gone, a damaged SQLite file: a bare
    DatabaseError), or that the role in the URL may not change (permission denied), not a constraint or
    statement of ours that callers catch (IntegrityError) or a bug: the store's trouble, not the data's."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    return type(exc) is DatabaseError or isinstance(exc, OperationalError) or permission_denied(exc)


def permission_denied(exc: BaseException | None) -> bool:
    """A PostgreSQL "permission denied" (a role granted SELECT only, writing)."""
    from sqlalchemy.exc import ProgrammingError

    return isinstance(exc, ProgrammingError) and getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE


def explained(exc: BaseException) -> str:
    """The driver's first line, with what to do about a damaged file, a store another process keeps
    locked, or a role that may not do this."""
    said = first_line(exc)
    if "malformed" in said or "not a database" in said:
        said += " (the store's file is damaged: restore a copy, or ingest again into a new store)"
    elif "database is locked" in said:
        from corpus.engine import SQLITE_BUSY_TIMEOUT_MS

        waited = f"{SQLITE_BUSY_TIMEOUT_MS / 1000:g} s"
        said += (
            f" (another process kept writing to this SQLite store for {waited}: an ingest or a retrain, most "
            "likely; try again when it is done, or use PostgreSQL for several writers)"
        )
    elif "readonly database" in said:
        said += (
            " (the SQLite store's file or folder is read-only for this user: changes need a copy it may "
            "write)"
        )
    elif permission_denied(exc):
        said += (
            " (the database role in --db may not do this: ask the database's owner to grant it, or use a role"
            " that may)"
        )
    return said
