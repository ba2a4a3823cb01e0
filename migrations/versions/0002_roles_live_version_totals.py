"""organisers' roles per event, one live version per event, sheet totals stored at write time

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:23:47.821323
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("owner", "manager", "viewer", name="eventrole", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_member_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organiser.id"],
            name=op.f("fk_event_member_organiser_id_organiser"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_member")),
        sa.UniqueConstraint("event_id", "organiser_id", name=op.f("uq_event_member_event_id")),
    )
    with op.batch_alter_table("event_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_member_organiser_id"), ["organiser_id"], unique=False
        )

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("standings_version", new_column_name="live_version")

    # Every organiser could open every event until now: they keep that as administrators.
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.alter_column("is_admin", server_default=None)

    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.add_column(sa.Column("total", sa.Double(), nullable=True))
    _fill_totals()


def _fill_totals() -> None:
    """Each sheet's total, 100 * sum(w * s / max), or NULL while a criterion is unscored."""
    connection = op.get_bind()
    rubric: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for event_id, criterion_id, weight, maximum in connection.execute(
        sa.text("SELECT event_id, id, weight, max_score FROM criterion ORDER BY position")
    ):
        rubric[event_id].append((criterion_id, float(weight), float(maximum)))
    values: dict[str, dict[int, Any]] = defaultdict(dict)
    for sheet_id, criterion_id, value in connection.execute(
        sa.text("SELECT sheet_id, criterion_id, value FROM score")
    ):
        values[sheet_id][criterion_id] = value
    sheets = connection.execute(
        sa.text(
            "SELECT score_sheet.id, judge.event_id FROM score_sheet "
            "JOIN judge ON judge.id = score_sheet.judge_id"
        )
    ).all()
    for sheet_id, event_id in sheets:
        scores = values[sheet_id]
        criteria = rubric[event_id]
        if not criteria or any(scores.get(c) is None for c, _, _ in criteria):
            continue
        total = 100 * sum(w * float(scores[c]) / m for c, w, m in criteria)
        connection.execute(
            sa.text("UPDATE score_sheet SET total = :total WHERE id = :id"),
            {"total": total, "id": sheet_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.drop_column("total")
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.drop_column("is_admin")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("live_version", new_column_name="standings_version")
    with op.batch_alter_table("event_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_member_organiser_id"))
    op.drop_table("event_member")
