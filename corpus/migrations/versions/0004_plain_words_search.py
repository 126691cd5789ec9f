"""PostgreSQL prefix search on the words as written: a second generated tsvector, `tsv_plain`, holds each
passage's words unstemmed (configuration citsec_plain: simple, with accents folded by the unaccent
extension when the server has it), GIN-indexed. "eradicat*" must find "eradication", whose english stem
is "erad", as SQLite's index of revision 0003 already does. SQLite is unchanged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The token types that can hold non-ASCII letters; ASCII words have no accents to fold.
_ACCENTED_TOKENS = "word, hword, hword_part, numword, numhword, hword_numpart"
_UNACCENT_DICTIONARY = """
    SELECT quote_ident(n.nspname) || '.' || quote_ident(d.dictname)
    FROM pg_ts_dict d
    JOIN pg_namespace n ON n.oid = d.dictnamespace
    JOIN pg_extension e ON e.extname = 'unaccent' AND e.extnamespace = n.oid
    WHERE d.dictname = 'unaccent'"""


def _unaccent_dictionary(bind: Connection) -> str | None:
    """The unaccent dictionary, installing the extension when the server ships it and we may; None
    without it (prefix search then keeps accents, as PostgreSQL's stemmed search does)."""
    try:
        with bind.begin_nested():  # a refused CREATE EXTENSION must not abort the migration
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except DBAPIError:
        pass
    return bind.execute(text(_UNACCENT_DICTIONARY)).scalar()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("CREATE TEXT SEARCH CONFIGURATION citsec_plain (COPY = simple)")
    dictionary = _unaccent_dictionary(bind)
    if dictionary:
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION citsec_plain "
            f"ALTER MAPPING FOR {_ACCENTED_TOKENS} WITH {dictionary}, simple"
        )
    op.execute(
        "ALTER TABLE passages ADD COLUMN tsv_plain tsvector "
        "GENERATED ALWAYS AS (to_tsvector('citsec_plain'::regconfig, text)) STORED"
    )
    op.execute("CREATE INDEX ix_passages_tsv_plain ON passages USING gin (tsv_plain)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The unaccent extension stays: other objects of the database may use it, and it costs nothing.
    op.execute("DROP INDEX IF EXISTS ix_passages_tsv_plain")
    op.execute("ALTER TABLE passages DROP COLUMN IF EXISTS tsv_plain")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS citsec_plain")
