"""organisers' session generation: a logout or a new password ends every session of the account

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:14:26.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sessions opened before name no generation: core.auth.load_organiser refuses them, so
    # everyone logs in once more after the upgrade.
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.alter_column("session_generation", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
