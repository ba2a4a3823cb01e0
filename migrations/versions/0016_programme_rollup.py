"""programme targets, authors' employee codes, roll-up signers and initiatives' global ids

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("per_year", sa.Integer(), nullable=True),
        sa.Column("cumulative", sa.Integer(), nullable=True),
        sa.Column("author_share_pct", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_programme_target_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_target")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_programme_target_unit_id")),
    )
    op.create_table(
        "rollup_signer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_rollup_signer_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_signer")),
        sa.UniqueConstraint("public_key", name=op.f("uq_rollup_signer_public_key")),
    )
    with op.batch_alter_table("initiative") as batch:
        batch.add_column(sa.Column("global_id", sa.String(length=120), nullable=True))
        batch.create_unique_constraint(op.f("uq_initiative_global_id"), ["global_id"])
    with op.batch_alter_table("author") as batch:
        batch.add_column(sa.Column("employee_code", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("author") as batch:
        batch.drop_column("employee_code")
    with op.batch_alter_table("initiative") as batch:
        batch.drop_constraint(op.f("uq_initiative_global_id"), type_="unique")
        batch.drop_column("global_id")
    op.drop_table("rollup_signer")
    op.drop_table("programme_target")
