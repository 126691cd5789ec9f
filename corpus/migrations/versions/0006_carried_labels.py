"""Labels: `carried_from`, the id of the label row a carried label copies. When a report is stored again,
carry_labels_over copies a person's label from an old passage to the new passage that stands for it; the
copy now says which row it came from, so "did this label come over?" (labels left behind, training
examples) holds for what did carry even when a later release matches texts differently
(corpus.labelstate.labels_came_over).

Copies made before this revision are found again by what a copy keeps of its source (same annotator,
origin and time, on a passage of the report that superseded the source's report).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BACKFILL = """
UPDATE labels SET carried_from = (
    SELECT max(source.id)
    FROM labels AS source
    JOIN passages AS old_passage ON old_passage.id = source.passage_id
    JOIN reports AS old_report ON old_report.id = old_passage.report_id
    JOIN passages AS new_passage ON new_passage.id = labels.passage_id
    WHERE old_report.superseded_by = new_passage.report_id
      AND source.id < labels.id
      AND source.created_at = labels.created_at
      AND source.origin = labels.origin
      AND (source.annotator = labels.annotator OR (source.annotator IS NULL AND labels.annotator IS NULL))
)
WHERE passage_id IS NOT NULL
"""


def upgrade() -> None:
    with op.batch_alter_table("labels") as batch:
        batch.add_column(sa.Column("carried_from", sa.Integer(), nullable=True))
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("labels") as batch:
        batch.drop_column("carried_from")
