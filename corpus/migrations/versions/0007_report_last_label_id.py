"""Reports: `last_label_id`, the highest labels.id when the reading was stored. Whether a label was given
before a reading was stored (corpus.labelstate.labels_came_over: what the match saw then) is decided by
label id, taken in the storing transaction under the label lock, instead of comparing labels.created_at
(the labeling machine's clock) with reports.ingested_at (the storing machine's clock), which two machines
with skewed clocks, or a label given in the same instant, got wrong.

Rows stored before this revision keep NULL: nothing recorded which labels existed then, and they fall
back to the clock rule.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: batch mode would copy `reports` to a new table and drop the old one,
# and on SQLite (foreign keys on) dropping it deletes every passage through ON DELETE CASCADE. SQLite has
# added and dropped a plain column in place since 3.35.


def upgrade() -> None:
    op.add_column("reports", sa.Column("last_label_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("reports", "last_label_id")
