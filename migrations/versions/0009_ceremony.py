"""the ceremony: standings freezes, the reveal and its rehearsal, the run-sheet and where it stands

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 21:40:56.321787
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "freeze",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("frozen_at", UTCDateTime(), nullable=False),
        sa.Column("frozen_by", sa.String(length=64), nullable=False),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_freeze_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_freeze")),
    )
    op.create_index(op.f("ix_freeze_event_id"), "freeze", ["event_id"])
    op.create_table(
        "reveal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("rehearsal", sa.Boolean(), nullable=False),
        sa.Column("screen", sa.String(length=64), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_reveal_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveal")),
        sa.UniqueConstraint("event_id", "rehearsal", name=op.f("uq_reveal_event_id")),
    )
    op.create_table(
        "run_sheet_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("screens", sa.JSON(), nullable=False),
        sa.Column("reveal", sa.Boolean(), nullable=False),
        sa.Column("award", sa.String(length=200), nullable=False),
        sa.Column("presenter", sa.String(length=200), nullable=False),
        sa.Column("certificate", sa.String(length=500), nullable=False),
        sa.Column("music", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_run_sheet_step_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_sheet_step")),
    )
    op.create_index(op.f("ix_run_sheet_step_event_id"), "run_sheet_step", ["event_id"])
    op.create_table(
        "ceremony",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("rehearsal", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_ceremony_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["run_sheet_step.id"],
            name=op.f("fk_ceremony_step_id_run_sheet_step"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_ceremony")),
    )


def downgrade() -> None:
    op.drop_table("ceremony")
    op.drop_table("run_sheet_step")
    op.drop_table("reveal")
    op.drop_table("freeze")
