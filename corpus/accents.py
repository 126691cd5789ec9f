"""Whether PostgreSQL search folds accents, and making it do so once the unaccent extension can be had.

Migrations 0004 and 0005 fold accents in the search configurations only when they could install the
unaccent extension. A role that may create tables but not extensions (a database a DBA made and handed
over) got configurations that keep accents, silently: "politica" then misses "política". The
configurations are the store's own, so once a superuser has run CREATE EXTENSION unaccent in the database,
`citsec db upgrade` maps them through it and indexes every passage again (`fold_accents`). SQLite's index
always folds.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from corpus.engine import write_connection

# Each language's configuration (migration 0005) and its stemmer; citsec_plain (0004) has none.
_STEMMED = ("english", "spanish", "portuguese")
_PLAIN = "citsec_plain"
_WORDS = "word, hword, hword_part"
_NUMBER_WORDS = "numword, numhword, hword_numpart"
_UNACCENT_DICTIONARY = """
    SELECT quote_ident(n.nspname) || '.' || quote_ident(d.dictname)
    FROM pg_ts_dict d
    JOIN pg_namespace n ON n.oid = d.dictnamespace
    JOIN pg_extension e ON e.extname = 'unaccent' AND e.extnamespace = n.oid
    WHERE d.dictname = 'unaccent'"""
NO_UNACCENT = (
    "this PostgreSQL database has no unaccent extension (citsec's role may not create it), so search "
    "keeps accents: \"politica\" misses \"política\". Have a superuser run CREATE EXTENSION unaccent; in "
    "it, then `citsec db upgrade` again"
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


def fold_accents(engine: Engine) -> int | None:
    """Make the store's search fold accents if it does not and the unaccent extension is there or may be
    installed now. Returns how many passages were indexed again (0 when it folded already), None when it
    still cannot fold."""
    with engine.connect() as conn:
        if folds_accents(conn):
            return 0
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
        # The search columns are generated from the text: writing it again computes them anew.
        return conn.execute(text("UPDATE passages SET text = text")).rowcount
