"""screen keys: a screen's address stays when the organiser renames it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screen") as batch:
        batch.add_column(sa.Column("key", sa.String(length=64), nullable=True))
    # Screens made before keys existed are found by their id until renamed by hand.
    op.execute("UPDATE screen SET key = 'man-hinh-' || id")
    with op.batch_alter_table("screen") as batch:
        batch.alter_column("key", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(batch.f("uq_screen_key"), ["key", "event_id"])


def downgrade() -> None:
    with op.batch_alter_table("screen") as batch:
        batch.drop_constraint(batch.f("uq_screen_key"), type_="unique")
        batch.drop_column("key")
