"""PostgreSQL words and phrases as SQLite matches them: `passages.tsv` is rebuilt with text-search
configurations that fold accents (unaccent, when the server has it) before stemming, and keep stop words
(snowball dictionaries made without a StopWords file), one per stemmed language: citsec_english,
citsec_spanish, citsec_portuguese; passages in any other language (or none) use 0004's citsec_plain
(simple, accents folded when the server had unaccent when 0004 ran). SQLite's index (revision 0003)
already folds and keeps every word, so "Sao Paulo", "homicidios", "the" and "homicide rates in" found
nothing or far fewer passages on PostgreSQL.
The stemmers themselves stay PostgreSQL's, older than PyStemmer's: its Spanish one takes "-ación" off only
with the accent, so a folded "erradicacion" keeps its whole word and misses "erradicaciones". SQLite is
unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_LANGUAGES = {"en": "english", "es": "spanish", "pt": "portuguese"}
# The token types PostgreSQL's language configurations stem; the first three are ASCII only.
_ASCII_WORDS = "asciiword, asciihword, hword_asciipart"
_WORDS = "word, hword, hword_part"
# Words with digits, which the language configurations keep unstemmed (simple), as 0004 maps them.
_NUMBER_WORDS = "numword, numhword, hword_numpart"
# Repeated from 0004 on purpose: a revision is a frozen snapshot and never imports another.
_UNACCENT_DICTIONARY = """
    SELECT quote_ident(n.nspname) || '.' || quote_ident(d.dictname)
    FROM pg_ts_dict d
    JOIN pg_namespace n ON n.oid = d.dictnamespace
    JOIN pg_extension e ON e.extname = 'unaccent' AND e.extnamespace = n.oid
    WHERE d.dictname = 'unaccent'"""


def _unaccent_dictionary(bind: Connection) -> str | None:
    """The unaccent dictionary, installing the extension when the server ships it and we may (as 0004);
    None without it: words then keep their accents, and only stop words change."""
    try:
        with bind.begin_nested():  # a refused CREATE EXTENSION must not abort the migration
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except DBAPIError:
        pass
    return bind.execute(text(_UNACCENT_DICTIONARY)).scalar()


def _tsv_column(configs: dict[str, str], other: str) -> None:
    """(Re)define the generated passages.tsv with `configs` by language and `other` for the rest."""
    cases = " ".join(f"WHEN '{lang}' THEN '{config}'::regconfig" for lang, config in configs.items())
    op.execute("DROP INDEX IF EXISTS ix_passages_tsv")
    op.execute("ALTER TABLE passages DROP COLUMN IF EXISTS tsv")
    op.execute(
        "ALTER TABLE passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        f"to_tsvector(CASE lang {cases} ELSE '{other}'::regconfig END, text)) STORED"
    )
    op.execute("CREATE INDEX ix_passages_tsv ON passages USING gin (tsv)")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    unaccent = _unaccent_dictionary(bind)
    folded = f"{unaccent}, " if unaccent else ""
    for language in _LANGUAGES.values():
        stem, config = f"citsec_{language}_stem", f"citsec_{language}"
        # No StopWords parameter: the stemmer keeps "the", "de", "são" as SQLite's index does.
        op.execute(f"CREATE TEXT SEARCH DICTIONARY {stem} (TEMPLATE = snowball, Language = {language})")
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = {language})")
        alter = f"ALTER TEXT SEARCH CONFIGURATION {config} ALTER MAPPING FOR"
        op.execute(f"{alter} {_ASCII_WORDS} WITH {stem}")
        # unaccent is a filtering dictionary: the stemmer gets the folded word, as on SQLite.
        op.execute(f"{alter} {_WORDS} WITH {folded}{stem}")
        op.execute(f"{alter} {_NUMBER_WORDS} WITH {folded}simple")
    _tsv_column({lang: f"citsec_{language}" for lang, language in _LANGUAGES.items()}, "citsec_plain")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _tsv_column(_LANGUAGES, "simple")  # revision 0001's column
    for language in _LANGUAGES.values():
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS citsec_{language}")
        op.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS citsec_{language}_stem")
