"""certificates and their verification codes; the event's paperwork settings

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TIER = sa.Enum("confederation", "union", name="certificatetier", native_enum=False, length=24)


def upgrade() -> None:
    op.create_table(
        "paperwork",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("secretary", sa.String(length=200), nullable=False),
        sa.Column("confederation_title", sa.String(length=200), nullable=False),
        sa.Column("confederation_signer", sa.String(length=200), nullable=False),
        sa.Column("union_title", sa.String(length=200), nullable=False),
        sa.Column("union_signer", sa.String(length=200), nullable=False),
        sa.Column("per_author", sa.Boolean(), nullable=False),
        sa.Column("logo", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_paperwork_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_paperwork")),
    )
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=1000), nullable=False),
        sa.Column("prize", sa.String(length=20), nullable=False),
        sa.Column("tier", TIER, nullable=False),
        sa.Column("seal_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_certificate_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_certificate_initiative_id_initiative"),
        ),
        sa.ForeignKeyConstraint(
            ["seal_id"], ["seal.id"], name=op.f("fk_certificate_seal_id_seal"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("code", name=op.f("uq_certificate_code")),
    )
    op.create_index(op.f("ix_certificate_event_id"), "certificate", ["event_id"])


def downgrade() -> None:
    op.drop_table("certificate")
    op.drop_table("paperwork")
