"""Sources: an optional password_env, the NAME of the environment variable that holds the password of
the source's PDFs (the password itself never sits in the store).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot alter a table in place for every operation (add column it can, drop not).
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("password_env", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("password_env")
