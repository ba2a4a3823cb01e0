"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 16:22:11.541838
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organiser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organiser")),
        sa.UniqueConstraint("email", name=op.f("uq_organiser_email")),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["unit.id"], name=op.f("fk_unit_parent_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_code")),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "open",
                "scoring",
                "locked",
                "published",
                name="eventstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "aggregation",
            sa.Enum(
                "mean",
                "trimmed",
                "zscore",
                "judge_effect",
                name="aggregation",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("tie_break", sa.JSON(), nullable=False),
        sa.Column("min_prize_score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("vote_opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vote_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("standings_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_event_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("slug", name=op.f("uq_event_slug")),
    )
    op.create_table(
        "initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("investor", sa.String(length=300), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column(
            "solution_type",
            sa.Enum(
                "technical",
                "management",
                "operational",
                "technology_application",
                name="solutiontype",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("first_applied_on", sa.Date(), nullable=True),
        sa.Column("prior_state", sa.Text(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("applicability", sa.Text(), nullable=False),
        sa.Column("effects", sa.Text(), nullable=False),
        sa.Column("benefit_vnd", sa.BigInteger(), nullable=True),
        sa.Column("non_monetary_benefits", sa.Text(), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "unit",
                "company",
                "corporation",
                "group",
                "outside",
                name="scope",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "recognition_level",
            sa.Enum(
                "base",
                "corporation",
                "group",
                "province",
                "national",
                name="recognitionlevel",
                native_enum=False,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("decision_number", sa.String(length=100), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("confidential", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_initiative_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative")),
    )
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiative_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "photo", "video", "document", name="attachmentkind", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("caption", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_attachment_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_initiative_id"), ["initiative_id"], unique=False
        )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_audit_log_event_id_event")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_event_id"), ["event_id"], unique=False)

    op.create_table(
        "author",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("workplace", sa.String(length=300), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("qualification", sa.String(length=200), nullable=False),
        sa.Column("contribution_pct", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_author_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author")),
    )
    with op.batch_alter_table("author", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_author_initiative_id"), ["initiative_id"], unique=False
        )

    op.create_table(
        "ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("badge", "kiosk", name="ballotchannel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_ballot_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot")),
        sa.UniqueConstraint("token", name=op.f("uq_ballot_token")),
    )
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_event_id"), ["event_id"], unique=False)

    op.create_table(
        "criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.Numeric(precision=6, scale=4), nullable=False),
        sa.Column("max_score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("step", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_criterion_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion")),
        sa.UniqueConstraint("event_id", "key", name=op.f("uq_criterion_event_id")),
    )
    op.create_table(
        "exhibit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("booth", sa.String(length=32), nullable=False),
        sa.Column("qr_token", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_exhibit_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"], ["initiative.id"], name=op.f("fk_exhibit_initiative_id_initiative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibit")),
        sa.UniqueConstraint("event_id", "initiative_id", name=op.f("uq_exhibit_event_id")),
        sa.UniqueConstraint("qr_token", name=op.f("uq_exhibit_qr_token")),
    )
    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exhibit_event_id"), ["event_id"], unique=False)

    op.create_table(
        "judge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "union",
                "professional",
                "expert",
                "manager",
                name="juryrole",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("is_chair", sa.Boolean(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_judge_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_judge_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judge")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_judge_token_hash")),
    )
    with op.batch_alter_table("judge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_judge_event_id"), ["event_id"], unique=False)

    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "locked", name="roundstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_round_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round")),
        sa.UniqueConstraint("event_id", "position", name=op.f("uq_round_event_id")),
    )
    op.create_table(
        "screen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "leaderboard",
                "pitching",
                "peoples_choice",
                "exhibit_wall",
                "reveal",
                "announcement",
                name="screenmode",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_screen_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screen")),
        sa.UniqueConstraint("event_id", "name", name=op.f("uq_screen_event_id")),
    )
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("running_order", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "pitching",
                "done",
                "withdrawn",
                name="entrystatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"], ["initiative.id"], name=op.f("fk_entry_initiative_id_initiative")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_entry_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry")),
        sa.UniqueConstraint("round_id", "initiative_id", name=op.f("uq_entry_round_id")),
    )
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_round_id"), ["round_id"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via_qr", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibit_id"],
            ["exhibit.id"],
            name=op.f("fk_visit_exhibit_id_exhibit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_exhibit_id"), ["exhibit_id"], unique=False)

    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("exhibit_id", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"], ["ballot.id"], name=op.f("fk_vote_ballot_id_ballot")
        ),
        sa.ForeignKeyConstraint(
            ["exhibit_id"], ["exhibit.id"], name=op.f("fk_vote_exhibit_id_exhibit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint("ballot_id", name=op.f("uq_vote_ballot_id")),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_exhibit_id"), ["exhibit_id"], unique=False)

    op.create_table(
        "recusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entry.id"], name=op.f("fk_recusal_entry_id_entry"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"], ["judge.id"], name=op.f("fk_recusal_judge_id_judge"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recusal")),
        sa.UniqueConstraint("judge_id", "entry_id", name=op.f("uq_recusal_judge_id")),
    )
    with op.batch_alter_table("recusal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recusal_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "score_sheet",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "submitted", "verified", name="sheetstatus", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entry.id"], name=op.f("fk_score_sheet_entry_id_entry")
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"], ["judge.id"], name=op.f("fk_score_sheet_judge_id_judge")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheet")),
        sa.UniqueConstraint("judge_id", "entry_id", name=op.f("uq_score_sheet_judge_id")),
    )
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheet_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "score",
        sa.Column("sheet_id", sa.String(length=36), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criterion.id"], name=op.f("fk_score_criterion_id_criterion")
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["score_sheet.id"],
            name=op.f("fk_score_sheet_id_score_sheet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sheet_id", "criterion_id", name=op.f("pk_score")),
    )


def downgrade() -> None:
    op.drop_table("score")
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_sheet_entry_id"))

    op.drop_table("score_sheet")
    with op.batch_alter_table("recusal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recusal_entry_id"))

    op.drop_table("recusal")
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_exhibit_id"))

    op.drop_table("vote")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_exhibit_id"))

    op.drop_table("visit")
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_round_id"))

    op.drop_table("entry")
    op.drop_table("screen")
    op.drop_table("round")
    with op.batch_alter_table("judge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judge_event_id"))

    op.drop_table("judge")
    with op.batch_alter_table("exhibit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibit_event_id"))

    op.drop_table("exhibit")
    op.drop_table("criterion")
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_event_id"))

    op.drop_table("ballot")
    with op.batch_alter_table("author", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_author_initiative_id"))

    op.drop_table("author")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_event_id"))

    op.drop_table("audit_log")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_initiative_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_unit_id"))

    op.drop_table("initiative")
    op.drop_table("event")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_parent_id"))

    op.drop_table("unit")
    op.drop_table("organiser")
