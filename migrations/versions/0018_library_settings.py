"""who may read the initiative library

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "readers",
            sa.Enum("everyone", "organisers", name="libraryreaders", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_settings")),
    )


def downgrade() -> None:
    op.drop_table("library_settings")
