"""Whether PostgreSQL search folds accents, and making it do so once the unaccent extension can be had.

Migrations 0004 and 0005 fold accents in the search configurations only when they could install the
unaccent extension. A role that may create tables but not extensions (a database a DBA made and handed
over) got configurations that keep accents, silently: "politica" then misses "política". The
configurations are the store's own, so once a superuser has run CREATE EXTENSION unaccent in the database,
`citsec db upgrade` maps them through it and indexes every passage again (`fold_accents`). SQLite's index
always folds.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from corpus.engine import write_connection
from corpus.errors import CorpusError, first_line, permission_denied

# Each language's configuration (migration 0005) and its stemmer; citsec_plain (0004) has none.
_STEMMED = ("english", "spanish", "portuguese")
_PLAIN = "citsec_plain"
_WORDS = "word, hword, hword_part"
_NUMBER_WORDS = "numword, numhword, hword_numpart"
# The query migrations 0004 and 0005 run too (a revision is a frozen snapshot and keeps its own copy).
_UNACCENT_DICTIONARY = """
    SELECT quote_ident(n.nspname) || '.' || quote_ident(d.dictname)
    FROM pg_ts_dict d
    JOIN pg_namespace n ON n.oid = d.dictnamespace
    JOIN pg_extension e ON e.extname = 'unaccent' AND e.extnamespace = n.oid
    WHERE d.dictname = 'unaccent'"""
NO_UNACCENT = (
    "this PostgreSQL database has no unaccent extension (citsec's role may not create it), so search "
    "keeps accents: \"politica\" misses \"política\". Have a superuser run `CREATE EXTENSION unaccent;` in "
    "this database, then `citsec db upgrade` again"
)
UNACCENT_UNUSED = (
    "this PostgreSQL database has the unaccent extension, but the store's search does not use it yet, so "
    "search keeps accents: \"politica\" misses \"política\". Run `citsec db upgrade` as the role that "
    "owns the store (the one that created it)"
)


def folds_accents(conn: Connection) -> bool:
    """Whether the store's search folds accents (always on SQLite)."""
    if conn.dialect.name != "postgresql":
        return True
    same = (
        "SELECT to_tsvector(CAST(:config AS regconfig), 'política') "
        "= to_tsvector(CAST(:config AS regconfig), 'politica')"
    )
    return all(
        conn.execute(text(same), {"config": config}).scalar()
        for config in (_PLAIN, *(f"citsec_{language}" for language in _STEMMED))
    )


def unaccent_note(conn: Connection) -> str | None:
    """What a search on this store should be told about accents: None when it folds them, else why not
    (no unaccent extension, or one the store's search does not use yet)."""
    if folds_accents(conn):
        return None
    return UNACCENT_UNUSED if conn.execute(text(_UNACCENT_DICTIONARY)).scalar() else NO_UNACCENT


def fold_accents(engine: Engine, before: Callable[[int], None] = lambda passages: None) -> int | None:
    """Make the store's search fold accents if it does not and the unaccent extension is there or may be
    installed now (`before` learns how many passages will be indexed again first: a minute on a large
    store). Returns how many were indexed again (0 when it folded already), None when it still cannot fold.
    CorpusError when the role may not change the store's search configurations (not their owner)."""
    with engine.connect() as conn:
        if folds_accents(conn):
            return 0
    try:
        return _fold(engine, before)
    except DBAPIError as exc:
        if not permission_denied(exc):
            raise
        raise CorpusError(f"{UNACCENT_UNUSED} ({first_line(exc)})") from exc


def _fold(engine: Engine, before: Callable[[int], None]) -> int | None:
    with write_connection(engine) as conn:
        try:
            with conn.begin_nested():  # a refused CREATE EXTENSION leaves the transaction usable
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
        except DBAPIError:
            pass
        unaccent = conn.execute(text(_UNACCENT_DICTIONARY)).scalar()
        if unaccent is None:
            return None
        alter = "ALTER TEXT SEARCH CONFIGURATION {} ALTER MAPPING FOR {} WITH {}"
        conn.execute(text(alter.format(_PLAIN, f"{_WORDS}, {_NUMBER_WORDS}", f"{unaccent}, simple")))
        for language in _STEMMED:
            config = f"citsec_{language}"
            conn.execute(text(alter.format(config, _WORDS, f"{unaccent}, citsec_{language}_stem")))
            conn.execute(text(alter.format(config, _NUMBER_WORDS, f"{unaccent}, simple")))
        # The search columns are generated from the text: writing it again computes them anew (PostgreSQL
        # has no triggers on passages; autovacuum reclaims the old row versions).
        before(int(conn.execute(text("SELECT count(*) FROM passages")).scalar() or 0))
        return conn.execute(text("UPDATE passages SET text = text")).rowcount
