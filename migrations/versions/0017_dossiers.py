"""dossiers: an initiative's way to recognition, its steps, the support team's comments and the
support teams of the units

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

STATES = ("draft", "submitted", "supporting", "complete", "recognised", "returned")


def _state(name: str, nullable: bool) -> sa.Column[str]:
    kind = sa.Enum(*STATES, name="dossierstate", native_enum=False, length=24)
    return sa.Column(name, kind, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "dossier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        _state("state", False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("link_digest", sa.String(length=64), nullable=False),
        sa.Column("returned_reason", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state_since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["organiser.id"],
            name=op.f("fk_dossier_assignee_id_organiser"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_dossier_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier")),
        sa.UniqueConstraint("initiative_id", name=op.f("uq_dossier_initiative_id")),
    )
    op.create_index(op.f("ix_dossier_assignee_id"), "dossier", ["assignee_id"])
    op.create_index(op.f("ix_dossier_link_digest"), "dossier", ["link_digest"])
    op.create_index(op.f("ix_dossier_state"), "dossier", ["state"])
    op.create_table(
        "dossier_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        _state("from_state", True),
        _state("to_state", False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_step_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_step")),
    )
    op.create_index(op.f("ix_dossier_step_dossier_id"), "dossier_step", ["dossier_id"])
    op.create_table(
        "dossier_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_comment_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organiser.id"],
            name=op.f("fk_dossier_comment_organiser_id_organiser"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_comment")),
    )
    op.create_index(op.f("ix_dossier_comment_dossier_id"), "dossier_comment", ["dossier_id"])
    op.create_table(
        "support_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organiser.id"],
            name=op.f("fk_support_member_organiser_id_organiser"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_support_member_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_member")),
        sa.UniqueConstraint("unit_id", "organiser_id", name=op.f("uq_support_member_unit_id")),
    )
    op.create_index(op.f("ix_support_member_organiser_id"), "support_member", ["organiser_id"])
    op.create_index(op.f("ix_support_member_unit_id"), "support_member", ["unit_id"])


def downgrade() -> None:
    op.drop_table("support_member")
    op.drop_table("dossier_comment")
    op.drop_table("dossier_step")
    op.drop_table("dossier")
