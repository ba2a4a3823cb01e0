"""the jury chair: outlier threshold, outliers resolved, consensus scores, calibration rounds

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "outlier_threshold",
                sa.Numeric(precision=5, scale=2),
                nullable=False,
                server_default="15",
            )
        )
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum("contest", "calibration", name="roundkind", native_enum=False, length=24),
                nullable=False,
                server_default="contest",
            )
        )
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consensus_score", sa.Double(), nullable=True))
        batch_op.add_column(
            sa.Column("consensus_reason", sa.String(length=500), nullable=False, server_default="")
        )
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outlier_note", sa.String(length=500), nullable=False, server_default="")
        )
    # The defaults filled the existing rows; the models give new rows theirs.
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("outlier_threshold", server_default=None)
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.alter_column("consensus_reason", server_default=None)
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.alter_column("outlier_note", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.drop_column("outlier_note")
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_column("consensus_reason")
        batch_op.drop_column("consensus_score")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("outlier_threshold")
