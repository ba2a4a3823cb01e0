"""kiosk registrations: an exhibit's status, edit code and rejection reason; the kiosk PIN

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

STATUS = sa.Enum(
    "pending", "approved", "rejected", name="exhibitstatus", native_enum=False, length=24
)


def upgrade() -> None:
    # Exhibits made before the kiosk came from imports or the demo: they are approved.
    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", STATUS, nullable=False, server_default="approved"))
        batch_op.add_column(
            sa.Column("edit_code_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("rejected_reason", sa.String(length=500), nullable=False, server_default="")
        )
    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)
        batch_op.alter_column("edit_code_hash", server_default=None)
        batch_op.alter_column("rejected_reason", server_default=None)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kiosk_pin_hash", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("kiosk_pin_hash", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("kiosk_pin_hash")
    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.drop_column("rejected_reason")
        batch_op.drop_column("edit_code_hash")
        batch_op.drop_column("status")
