"""Reports: `tagger_version`, the tagger (extractors.tagging.TAGGER_VERSION) that found their passages'
countries and programs. The tagger's gazetteers and rules improve between citsec releases and a store
keeps the tags of the release that stored each report until `citsec db retag`; with the version recorded,
the query commands say when some reports were tagged by an older tagger.

Reports stored before this revision were tagged by a tagger nobody recorded: they keep NULL, which counts
as older than any version.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Plain ALTER TABLE, not batch mode (as 0007 and 0009): batch mode would copy `reports` to a new table and
# drop the old one, and on SQLite (foreign keys on) dropping it deletes every passage through ON DELETE
# CASCADE.


def upgrade() -> None:
    op.add_column("reports", sa.Column("tagger_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("reports", "tagger_version")
