"""initiative library: search columns, actual benefit, the novelty check's similarities

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from core.models.base import UTCDateTime
from initiatives.search import collation_key, search_text

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SECTIONS = (
    "code",
    "title",
    "summary",
    "field",
    "theme",
    "prior_state",
    "solution",
    "applicability",
    "effects",
)


def _backfill() -> None:
    """The search columns of the initiatives already there, as the app would write them."""
    connection = op.get_bind()
    names: dict[int, list[str]] = {}
    for initiative_id, full_name in connection.execute(
        sa.text("SELECT initiative_id, full_name FROM author ORDER BY initiative_id, position")
    ):
        names.setdefault(initiative_id, []).append(full_name)
    rows = connection.execute(sa.text(f"SELECT id, {', '.join(SECTIONS)} FROM initiative"))
    for row in rows.mappings().all():
        record = SimpleNamespace(
            **dict(row),
            authors=[SimpleNamespace(full_name=name) for name in names.get(row["id"], [])],
        )
        connection.execute(
            sa.text("UPDATE initiative SET search_text = :text, title_key = :key WHERE id = :id"),
            {
                "text": search_text(record),  # type: ignore[arg-type]
                "key": collation_key(record.title),
                "id": row["id"],
            },
        )


def upgrade() -> None:
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.add_column(sa.Column("benefit_actual_vnd", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("title_key", sa.Text(), nullable=False, server_default=""))
    _backfill()
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.alter_column("search_text", server_default=None)
        batch_op.alter_column("title_key", server_default=None)
        batch_op.create_index(batch_op.f("ix_initiative_title_key"), ["title_key"])
    op.create_table(
        "similarity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=4, scale=3), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("novelty", "replication", name="similaritykind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "decision",
            sa.Enum(
                "distinct", "duplicate", name="similaritydecision", native_enum=False, length=24
            ),
            nullable=True,
        ),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("found_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_similarity_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["initiative.id"],
            name=op.f("fk_similarity_other_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_similarity")),
        sa.UniqueConstraint("initiative_id", "other_id", name=op.f("uq_similarity_initiative_id")),
    )
    op.create_index(op.f("ix_similarity_initiative_id"), "similarity", ["initiative_id"])
    op.create_index(op.f("ix_similarity_other_id"), "similarity", ["other_id"])


def downgrade() -> None:
    op.drop_table("similarity")
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_title_key"))
        batch_op.drop_column("title_key")
        batch_op.drop_column("search_text")
        batch_op.drop_column("benefit_actual_vnd")
