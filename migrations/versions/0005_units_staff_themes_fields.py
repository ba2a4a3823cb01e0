"""units' staff headcount; the editable lists of themes (chuyên đề) and fields (lĩnh vực)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:12:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The five themes the union's guidance names, and the sector's main fields; the administrators
# change both lists from the browser (/manage/themes).
THEMES = (
    "Tiết kiệm điện",
    "Số hóa quy trình vận hành",
    "Nâng cao dịch vụ khách hàng",
    "Cải tiến kỹ thuật – công nghệ",
    "Tối ưu hóa chi phí sản xuất – kinh doanh",
)
FIELDS = (
    "Phát điện",
    "Truyền tải điện",
    "Phân phối điện",
    "Kinh doanh và dịch vụ khách hàng",
    "Công nghệ thông tin và chuyển đổi số",
    "An toàn và môi trường",
    "Quản trị và tổ chức",
)


def upgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_count", sa.Integer(), nullable=True))

    term = op.create_table(
        "term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("theme", "field", name="termkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term")),
        sa.UniqueConstraint("kind", "name", name=op.f("uq_term_kind")),
    )
    op.bulk_insert(
        term,
        [
            {"kind": kind, "name": name, "position": position}
            for kind, names in (("theme", THEMES), ("field", FIELDS))
            for position, name in enumerate(names, start=1)
        ],
    )


def downgrade() -> None:
    op.drop_table("term")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("staff_count")
