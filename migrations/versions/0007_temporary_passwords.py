"""organisers' temporary passwords: one an administrator chose is replaced by its owner first

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 21:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Accounts made before this were not asked; their passwords stay as they are.
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("password_temporary", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.alter_column("password_temporary", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.drop_column("password_temporary")
