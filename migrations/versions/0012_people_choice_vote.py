"""people's-choice vote: release time, informed vote settings, vote review, booth scans

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("votes_released_at", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("vote_requires_scan", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("vote_scan_min_seconds", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("vote_requires_scan", server_default=None)
        batch_op.alter_column("vote_scan_min_seconds", server_default=None)

    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("voided_at", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("void_reason", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_vote_address_hash"), ["address_hash"])
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.alter_column("address_hash", server_default=None)
        batch_op.alter_column("void_reason", server_default=None)

    op.create_table(
        "scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"], ["ballot.id"], name=op.f("fk_scan_ballot_id_ballot"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["exhibit_id"],
            ["exhibit.id"],
            name=op.f("fk_scan_exhibit_id_exhibit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan")),
        sa.UniqueConstraint("ballot_id", "exhibit_id", name=op.f("uq_scan_ballot_id")),
    )
    op.create_index(op.f("ix_scan_exhibit_id"), "scan", ["exhibit_id"])


def downgrade() -> None:
    op.drop_table("scan")
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_address_hash"))
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("address_hash")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("vote_scan_min_seconds")
        batch_op.drop_column("vote_requires_scan")
        batch_op.drop_column("votes_released_at")
