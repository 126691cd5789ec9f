"""Two ways a filter found fewer passages, or other ones, than it should.

PostgreSQL search splits words at punctuation, as SQLite's index does: `passages.tsv` and `tsv_plain` are
rebuilt from the text with every ASCII punctuation mark read as a space (corpus.search.pg_words reads a
search the same way). PostgreSQL's parser glued words and punctuation into tokens of other kinds, a file
path ("cor/raça" -> 'cor/ra' and 'ça'; "PNAD/IBGE", "U.S."), a host ("ipea.gov.br"), a URL, an e-mail
address, a version or decimal number ("1.000.000"), a signed one ("2010-2015" -> 2010 and -2015), a
compound word kept whole a position ahead of its parts ("the narco trafficking" missed "the
narco-trafficking"), an HTML tag or entity (dropped): "raça", "IBGE", "ipea" and "2015" found fewer
passages on PostgreSQL than on SQLite. SQLite's index (revision 0003) already held letters and digits only.

Entity keys (what `--program` matches) are folded as corpus.filters.entity_key folds them now: case,
accents and runs of spaces, so a program found by a rule, stored as written ("Programa contra Cultivos
Ilícitos - DPCI"), is found without its accents too, as the gazetteer's programs already were (the
filter looked their canonical names up). Country keys are ISO codes and stay as they are. Both stores.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable

from alembic import op
from sqlalchemy import text

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Repeated from corpus.search.PG_SPACED on purpose: a revision is a frozen snapshot.
_SPACED = string.punctuation
# The text-search configuration of each language's passages (migration 0005); citsec_plain for the rest.
_CONFIGS = {"en": "citsec_english", "es": "citsec_spanish", "pt": "citsec_portuguese"}
_PLAIN = "citsec_plain"


def _spaced(column: str) -> str:
    """`column` with every character of _SPACED a space. The characters are written as escapes (E'\\x2f'):
    no quote, colon, percent sign or backslash of theirs reaches the statement's text."""
    escaped = "".join(f"\\x{ord(c):02x}" for c in _SPACED)
    return f"translate({column}, E'{escaped}', '{' ' * len(_SPACED)}')"


def _search_columns(source: str) -> None:
    """(Re)define the generated passages.tsv (0005's configurations by language) and tsv_plain (0004's
    citsec_plain) from `source`, an expression of the passage's text, and their GIN indexes. One ALTER
    TABLE: the table is rewritten once."""
    cases = " ".join(f"WHEN '{lang}' THEN '{config}'::regconfig" for lang, config in _CONFIGS.items())
    op.execute("DROP INDEX IF EXISTS ix_passages_tsv")
    op.execute("DROP INDEX IF EXISTS ix_passages_tsv_plain")
    op.execute(
        "ALTER TABLE passages DROP COLUMN IF EXISTS tsv, DROP COLUMN IF EXISTS tsv_plain, "
        "ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        f"to_tsvector(CASE lang {cases} ELSE '{_PLAIN}'::regconfig END, {source})) STORED, "
        "ADD COLUMN tsv_plain tsvector GENERATED ALWAYS AS ("
        f"to_tsvector('{_PLAIN}'::regconfig, {source})) STORED"
    )
    op.execute("CREATE INDEX ix_passages_tsv ON passages USING gin (tsv)")
    op.execute("CREATE INDEX ix_passages_tsv_plain ON passages USING gin (tsv_plain)")


def _folded(value: str) -> str:
    """corpus.filters.entity_key for a name, as of this revision: case-folded, compatibility-decomposed
    without combining marks, runs of spaces one space."""
    decomposed = unicodedata.normalize("NFKD", " ".join(value.split()).casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _case_folded(value: str) -> str:
    """The key of a name before this revision."""
    return value.strip().casefold()


def _rekey(rule: Callable[[str], str]) -> None:
    """Give every entity but a country the key `rule` makes of its value: one UPDATE per distinct name
    whose key changes (a store names a few thousand at most), by the (kind, key) index."""
    bind = op.get_bind()
    names = bind.execute(text("SELECT DISTINCT kind, value, key FROM entities WHERE kind <> 'country'"))
    changed = [
        {"kind": kind, "value": value, "old": key, "new": rule(value)}
        for kind, value, key in names
        if rule(value) != key
    ]
    if changed:
        update = "UPDATE entities SET key = :new WHERE kind = :kind AND key = :old AND value = :value"
        bind.execute(text(update), changed)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _search_columns(_spaced("text"))
    _rekey(_folded)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _search_columns("text")  # revisions 0004 and 0005's columns
    _rekey(_case_folded)
