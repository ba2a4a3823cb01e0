"""round seals: the canonical result file of a locked round and its SHA-256

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 21:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", UTCDateTime(), nullable=False),
        sa.Column("sealed_by", sa.String(length=64), nullable=False),
        sa.Column("reopened_at", UTCDateTime(), nullable=True),
        sa.Column("reopened_by", sa.String(length=64), nullable=False),
        sa.Column("reopen_reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_seal_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seal")),
    )
    op.create_index(op.f("ix_seal_round_id"), "seal", ["round_id"])
    op.create_index(op.f("ix_seal_sha256"), "seal", ["sha256"])


def downgrade() -> None:
    op.drop_table("seal")
