"""SQLite full-text search by stem: the FTS5 index holds each passage's words folded and stemmed in its
language (corpus.search.search_words, registered on every connection as citsec_search_words) and that
language (en, es, pt or other), so SQLite finds "homicide" for "homicides" as PostgreSQL's language
configurations do, and a query word stemmed in Spanish only matches Spanish passages. PostgreSQL is
unchanged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TRIGGERS = ("passages_fts_ai", "passages_fts_ad", "passages_fts_au")
# One index row: rowid, language group (corpus.search.STEMMED or "other"), stemmed words, and the words
# folded but not stemmed (for prefix terms: "eradicat*" must find "eradication", whose stem is "erad").
_ROW = (
    "{row}.id, CASE WHEN {row}.lang IN ('en', 'es', 'pt') THEN {row}.lang ELSE 'other' END, "
    "citsec_search_words({row}.text, {row}.lang), citsec_search_words({row}.text, NULL)"
)

# The index keeps its own copy of the stemmed words (an external-content table would re-read passages.text,
# which is not what was indexed). Deleting by rowid is enough to keep it in step.
_STEMMED = (
    """CREATE VIRTUAL TABLE passages_fts USING fts5(
        lang, words, plain, tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER passages_fts_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, lang, words, plain) VALUES ({_ROW.format(row="new")});
    END""",
    """CREATE TRIGGER passages_fts_ad AFTER DELETE ON passages BEGIN
        DELETE FROM passages_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER passages_fts_au AFTER UPDATE OF text, lang ON passages BEGIN
        DELETE FROM passages_fts WHERE rowid = old.id;
        INSERT INTO passages_fts(rowid, lang, words, plain) VALUES ({_ROW.format(row="new")});
    END""",
    f"INSERT INTO passages_fts(rowid, lang, words, plain) SELECT {_ROW.format(row='passages')} FROM passages",
)

_PLAIN = (  # revision 0002's index: the passage text as written
    """CREATE VIRTUAL TABLE passages_fts USING fts5(
        text, content='passages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER passages_fts_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER passages_fts_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER passages_fts_au AFTER UPDATE OF text ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    "INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')",
)


def _replace_index(statements: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS passages_fts")
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _replace_index(_STEMMED)


def downgrade() -> None:
    _replace_index(_PLAIN)
