"""Model versions: `label_rules`, the labeling rules their stored predictions were made under. How a model's
scores become labels (the report-context blend, no label for a passage that never speaks of security) can
change between citsec releases while the model stays the same; a store keeps the labels the older rules
gave until its passages are labeled again. With the rules recorded, `citsec ingest` labels them again by
itself and the query commands say so (models.topic.LABEL_RULES_VERSION).

Predictions stored before this revision were made under rules nobody recorded: a version that has any
gets "1", the oldest rules, so the next ingest labels its passages again. A version without predictions
keeps NULL (nothing to label again).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Plain ALTER TABLE, not batch mode (as 0007): batch mode would copy `model_versions` to a new table and
# drop the old one, and on SQLite (foreign keys on) dropping it deletes every prediction through ON DELETE
# CASCADE.

_UNKNOWN_RULES = """
UPDATE model_versions SET label_rules = '1'
WHERE EXISTS (SELECT 1 FROM predictions WHERE predictions.model_version_id = model_versions.id)
"""


def upgrade() -> None:
    op.add_column("model_versions", sa.Column("label_rules", sa.String(length=20), nullable=True))
    op.execute(_UNKNOWN_RULES)


def downgrade() -> None:
    op.drop_column("model_versions", "label_rules")
