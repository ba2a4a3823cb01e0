"""the organiser console: initiative codes and each event's list of initiatives, judges' codes
and card PINs, withdrawal reasons, and panels for partial coverage

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 21:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_initiative_code"), ["code"])

    op.create_table(
        "event_initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_initiative_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_event_initiative_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_initiative")),
        sa.UniqueConstraint("event_id", "initiative_id", name=op.f("uq_event_initiative_event_id")),
    )
    op.create_index(
        op.f("ix_event_initiative_initiative_id"), "event_initiative", ["initiative_id"]
    )
    # The initiatives an event already shows or has pitched are on its list.
    op.execute(
        "INSERT INTO event_initiative (event_id, initiative_id, added_at) "
        "SELECT DISTINCT r.event_id, e.initiative_id, CURRENT_TIMESTAMP "
        "FROM entry e JOIN round r ON r.id = e.round_id "
        "UNION SELECT x.event_id, x.initiative_id, CURRENT_TIMESTAMP FROM exhibit x"
    )

    with op.batch_alter_table("judge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("pin_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_judge_event_id"), ["event_id", "code"])

    op.create_table(
        "panel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_panel_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel")),
    )
    op.create_index(op.f("ix_panel_round_id"), "panel", ["round_id"])
    op.create_table(
        "panel_member",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panel.id"],
            name=op.f("fk_panel_member_panel_id_panel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"],
            ["judge.id"],
            name=op.f("fk_panel_member_judge_id_judge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("panel_id", "judge_id", name=op.f("pk_panel_member")),
    )
    op.create_index(op.f("ix_panel_member_judge_id"), "panel_member", ["judge_id"])

    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withdrawn_reason", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("panel_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_entry_panel_id_panel"),
            "panel",
            ["panel_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_entry_panel_id"), ["panel_id"])
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.alter_column("withdrawn_reason", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_panel_id"))
        batch_op.drop_constraint(batch_op.f("fk_entry_panel_id_panel"), type_="foreignkey")
        batch_op.drop_column("panel_id")
        batch_op.drop_column("withdrawn_reason")
    op.drop_table("panel_member")
    op.drop_table("panel")
    with op.batch_alter_table("judge", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_judge_event_id"), type_="unique")
        batch_op.drop_column("pin_hash")
        batch_op.drop_column("code")
    op.drop_table("event_initiative")
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_initiative_code"), type_="unique")
        batch_op.drop_column("code")
