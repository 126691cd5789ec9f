"""Labels: on SQLite, `id` is AUTOINCREMENT, so the id of a deleted label is never handed out again. Whether
a label was given before a reading was stored is `labels.id <= reports.last_label_id` (revision 0007,
corpus.labelstate.given_before); a plain INTEGER PRIMARY KEY takes max(id) + 1, so once the newest labels
were deleted (deleting a report deletes its passages' labels) a label given later got an id a reading had
already seen, and looked given before it. The sequence starts above the highest label id recorded anywhere
(labels.id, labels.carried_from, reports.last_label_id), so ids handed out and deleted before this revision
are not reused either. PostgreSQL is unchanged: labels.id comes from a sequence, which never goes back.

SQLite cannot add AUTOINCREMENT to a table in place. The table is rebuilt from its own CREATE TABLE text
with only that word added (removed again on downgrade), its rows copied through a temporary table with
their ids, and its indexes, triggers and statistics created again as they were. No ALTER TABLE ... RENAME
(it rewrites views and triggers that name the table) and no Alembic batch mode: nothing references labels
by foreign key, so dropping it deletes nothing else, even with foreign keys on (checked before dropping).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The primary key clause of labels as 0001 wrote it, "CONSTRAINT pk_labels PRIMARY KEY (id)": group 1 up to
# the column name, group 2 the closing parenthesis, so AUTOINCREMENT goes in between and comes out again.
_PLAIN_KEY = re.compile(r'(PRIMARY\s+KEY\s*\(\s*"?id"?)(\s*\))', re.IGNORECASE)
_AUTOINCREMENT_KEY = re.compile(r'(PRIMARY\s+KEY\s*\(\s*"?id"?)\s+AUTOINCREMENT(\s*\))', re.IGNORECASE)

_HIGHEST_RECORDED = """
SELECT max(coalesce((SELECT max(id) FROM labels), 0),
           coalesce((SELECT max(carried_from) FROM labels), 0),
           coalesce((SELECT max(last_label_id) FROM reports), 0))
"""
_COPY = "citsec_labels_0008"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    highest = bind.execute(sa.text(_HIGHEST_RECORDED)).scalar_one()
    _rebuild(bind, _edited_definition(bind, _PLAIN_KEY, r"\1 AUTOINCREMENT\2"))
    # Copying the rows set the sequence to max(labels.id); raise it to the highest id ever recorded.
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'labels'"))
    bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('labels', :seq)"), {"seq": highest})


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # Dropping the AUTOINCREMENT table deletes its sqlite_sequence row; the (empty) sqlite_sequence table
    # stays, as SQLite never drops it.
    _rebuild(bind, _edited_definition(bind, _AUTOINCREMENT_KEY, r"\1\2"))


def _edited_definition(bind: sa.Connection, key: re.Pattern[str], replacement: str) -> str:
    """The CREATE TABLE text of labels with its primary key clause edited."""
    definition = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'labels'")
    ).scalar_one()
    edited, found = key.subn(replacement, definition)
    if found != 1:
        raise RuntimeError(f"labels table not as revision 0007 left it, not rebuilt: {definition}")
    return str(edited)


def _rebuild(bind: sa.Connection, definition: str) -> None:
    """Drop labels and create it from `definition` (same columns, in the same order), with the same rows,
    indexes, triggers and statistics."""
    referencing = _scalars(
        bind,
        "SELECT m.name FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS fk"
        " WHERE m.type = 'table' AND m.name != 'labels' AND fk.\"table\" = 'labels'",
    )
    if referencing:  # dropping labels would delete or orphan their rows
        raise RuntimeError(f"tables reference labels ({', '.join(referencing)}), not rebuilt")
    attached = _scalars(
        bind,
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'labels' AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL ORDER BY rowid",
    )
    analyzed = _scalars(bind, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    stats = (
        bind.execute(sa.text("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'labels'")).all()
        if analyzed
        else []
    )

    bind.execute(sa.text(f"CREATE TEMP TABLE {_COPY} AS SELECT * FROM main.labels"))
    bind.execute(sa.text("DROP TABLE main.labels"))
    bind.exec_driver_sql(definition)  # verbatim: the text SQLite keeps may hold a colon
    bind.execute(sa.text(f"INSERT INTO main.labels SELECT * FROM temp.{_COPY}"))
    bind.execute(sa.text(f"DROP TABLE temp.{_COPY}"))
    for statement in attached:
        bind.exec_driver_sql(statement)
    for tbl, idx, stat in stats:
        bind.execute(
            sa.text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (:tbl, :idx, :stat)"),
            {"tbl": tbl, "idx": idx, "stat": stat},
        )


def _scalars(bind: sa.Connection, query: str) -> list[str]:
    return [str(value) for value in bind.execute(sa.text(query)).scalars()]
