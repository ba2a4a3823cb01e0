"""A realistic demo event: Vietnamese units, initiatives, judges and the default rubric.

The people are invented; the initiatives paraphrase the kind that won prizes in 2024-2025. Being
part of the composition root, it is the one module of ``core`` that builds the other packages' rows.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import hash_password, hash_token, new_token, save_organiser
from core.models import (
    Aggregation,
    Event,
    EventMember,
    EventRole,
    EventStatus,
    Round,
    Unit,
)
from core.service import free_slug
from display.models import Screen
from initiatives.models import Author, EventInitiative, Initiative, Scope, SolutionType
from kiosk.models import Exhibit
from scoring.models import Criterion, Entry, Judge, JuryRole, Recusal
from scoring.rubric import default_criteria

DEMO_ORGANISER = "bantochuc@demo.sangtao.vn"

UNITS = [
    ("EVN", "Tập đoàn Điện lực Việt Nam", None),
    ("EVNCPC", "Tổng công ty Điện lực miền Trung", "EVN"),
    ("EVNNPC", "Tổng công ty Điện lực miền Bắc", "EVN"),
    ("EVNNPT", "Tổng công ty Truyền tải điện Quốc gia", "EVN"),
    ("EVNGENCO1", "Tổng công ty Phát điện 1", "EVN"),
    ("PCQNAM", "Công ty Điện lực Quảng Nam", "EVNCPC"),
    ("PCDANANG", "Công ty TNHH MTV Điện lực Đà Nẵng", "EVNCPC"),
    ("PCHUE", "Công ty Điện lực Thừa Thiên Huế", "EVNCPC"),
    ("PCTHAIBINH", "Công ty Điện lực Thái Bình", "EVNNPC"),
    ("PTC2", "Công ty Truyền tải điện 2", "EVNNPT"),
    ("NMHOABINH", "Công ty Thủy điện Hòa Bình", "EVN"),
    ("NDUONGBI", "Công ty Nhiệt điện Uông Bí", "EVNGENCO1"),
    ("EVNICT", "Công ty Viễn thông Điện lực và Công nghệ thông tin", "EVN"),
]

THEMES = {
    "saving": "Tiết kiệm điện",
    "digital": "Số hóa quy trình vận hành",
    "customer": "Nâng cao dịch vụ khách hàng",
    "technical": "Cải tiến kỹ thuật – công nghệ",
    "cost": "Tối ưu hóa chi phí sản xuất – kinh doanh",
}

# title, unit, theme, type, benefit (đồng/năm or None), scope, booth, authors (name, share)
INITIATIVES: list[
    tuple[str, str, str, SolutionType, int | None, Scope, str, list[tuple[str, int]]]
] = [
    (
        "Ứng dụng AI phát hiện nguy cơ mất an toàn lưới điện từ ảnh chụp flycam",
        "PCQNAM",
        "digital",
        SolutionType.TECHNOLOGY_APPLICATION,
        1_200_000_000,
        Scope.CORPORATION,
        "A01",
        [("Nguyễn Văn Hùng", 60), ("Trần Thị Thu Hà", 40)],
    ),
    (
        "Robot sửa chữa dây chống sét và cáp quang OPGW trên đường dây truyền tải",
        "PTC2",
        "technical",
        SolutionType.TECHNICAL,
        850_000_000,
        Scope.GROUP,
        "A02",
        [("Lê Minh Tuấn", 50), ("Phạm Quốc Bảo", 30), ("Võ Thanh Tùng", 20)],
    ),
    (
        "Khớp nối mặt bích thay mối hàn đồng ở bộ làm mát ổ đỡ tổ máy thủy điện",
        "NMHOABINH",
        "cost",
        SolutionType.TECHNICAL,
        16_000_000_000,
        Scope.GROUP,
        "A03",
        [("Bùi Đức Thắng", 100)],
    ),
    (
        "Chụp chắn chim đầu cột giảm sự cố một pha trên đường dây 22 kV",
        "PCTHAIBINH",
        "technical",
        SolutionType.TECHNICAL,
        150_000_000,
        Scope.CORPORATION,
        "B01",
        [
            ("Đỗ Thị Mai Phương", 40),
            ("Ngô Quang Vinh", 30),
            ("Huỳnh Tấn Phát", 20),
            ("Dương Thị Hồng Nhung", 10),
        ],
    ),
    (
        "Ghi chỉ số công tơ bằng ảnh chụp điện thoại (OCR)",
        "PCDANANG",
        "digital",
        SolutionType.TECHNOLOGY_APPLICATION,
        85_000_000,
        Scope.CORPORATION,
        "B02",
        [("Hoàng Thị Lan Anh", 60), ("Đặng Ngọc Ánh", 40)],
    ),
    (
        "Chatbot chăm sóc khách hàng tra cứu hóa đơn và lịch ngừng cấp điện",
        "PCHUE",
        "customer",
        SolutionType.TECHNOLOGY_APPLICATION,
        None,
        Scope.COMPANY,
        "B03",
        [("Trần Thị Thu Hà", 100)],
    ),
    (
        "Giảm dầu FO khi khởi động lò hơi nhà máy nhiệt điện than",
        "NDUONGBI",
        "saving",
        SolutionType.OPERATIONAL,
        1_050_000_000,
        Scope.CORPORATION,
        "C01",
        [("Phạm Quốc Bảo", 50), ("Lê Minh Tuấn", 30), ("Ngô Quang Vinh", 20)],
    ),
    (
        "Cổng đăng nhập một lần và chia sẻ dữ liệu nội bộ",
        "EVNICT",
        "digital",
        SolutionType.MANAGEMENT,
        None,
        Scope.GROUP,
        "C02",
        [("Võ Thanh Tùng", 60), ("Dương Thị Hồng Nhung", 40)],
    ),
    (
        "Cảnh báo quá nhiệt tủ hạ thế bằng cảm biến IoT",
        "PCQNAM",
        "saving",
        SolutionType.TECHNICAL,
        120_000_000,
        Scope.COMPANY,
        "C03",
        [("Huỳnh Tấn Phát", 100)],
    ),
]

# name, role, unit, chair
JUDGES = [
    ("Nguyễn Thị Kim Oanh", JuryRole.UNION, "EVNCPC", True),
    ("Trần Quốc Khánh", JuryRole.PROFESSIONAL, "PCQNAM", False),
    ("Lê Hoàng Nam", JuryRole.EXPERT, "EVNNPT", False),
    ("Phan Thị Thanh Tâm", JuryRole.MANAGER, "EVN", False),
    ("Vũ Đình Long", JuryRole.EXPERT, "PCDANANG", False),
]


@dataclass
class SeededDemo:
    event: Event
    organiser_email: str
    organiser_password: str
    judge_tokens: list[tuple[Judge, str]] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)

    def describe(self, link: Callable[..., str]) -> dict[str, Any]:
        """The ``seed-demo --json`` contract of DESIGN.md."""
        return {
            "event": self.event.slug,
            "organiser": {"email": self.organiser_email, "password": self.organiser_password},
            "judges": [
                {
                    "name": judge.name,
                    "role": judge.role.value,
                    "token": token,
                    "login_url": link("scoring.magic_link", token=token),
                }
                for judge, token in self.judge_tokens
            ],
            "entries": [{"id": e.id, "title": e.initiative.title} for e in self.entries],
            "criteria": [{"key": c.key, "max": int(c.max_score)} for c in self.criteria],
            "display_url": link(
                "display.named_screen", slug=self.event.slug, key="hoi-truong-chinh"
            ),
            "organiser_url": link("manage.overview", slug=self.event.slug),
        }


def _units(session: Session) -> dict[str, Unit]:
    units = {u.code: u for u in session.scalars(select(Unit))}
    for code, name, parent in UNITS:
        if code not in units:
            units[code] = Unit(code=code, name=name, parent=units[parent] if parent else None)
            session.add(units[code])
    return units


def seed(session: Session) -> SeededDemo:
    """Add a demo event in the scoring phase; a second run adds another, never overwrites.

    The demo organiser is a site administrator and the owner of every demo event.
    """
    password = secrets.token_urlsafe(9)
    password_hash = hash_password(password)  # before the first statement opens the transaction
    units = _units(session)
    organiser = save_organiser(
        session,
        email=DEMO_ORGANISER,
        name="Ban Tổ chức (demo)",
        password_hash=password_hash,
        admin=True,
    )

    event = Event(
        slug=free_slug(session, "Ngày hội sáng tạo 2026"),
        name="Ngày hội Lao động sáng tạo EVNCPC 2026",
        held_on=date(2026, 12, 5),
        venue="Hội trường Tổng công ty Điện lực miền Trung, Đà Nẵng",
        unit=units["EVNCPC"],
        status=EventStatus.SCORING,
        aggregation=Aggregation.MEAN,
    )
    session.add_all([event, EventMember(event=event, organiser=organiser, role=EventRole.OWNER)])
    demo = SeededDemo(event, DEMO_ORGANISER, password)
    demo.criteria.extend(default_criteria(event))
    final = Round(event=event, name="Vòng chung khảo", position=1)
    session.add_all(
        [
            *demo.criteria,
            final,
            Screen(event=event, name="Hội trường chính", key="hoi-truong-chinh"),
        ]
    )

    for order, (title, unit, theme, kind, benefit, scope, booth, authors) in enumerate(
        INITIATIVES, start=1
    ):
        initiative = Initiative(
            title=title,
            summary=f"{title}: giải pháp do người lao động {units[unit].name} đề xuất và áp dụng.",
            unit=units[unit],
            investor=units[unit].name,
            field="Điện lực",
            theme=THEMES[theme],
            solution_type=kind,
            first_applied_on=date(2025, 3 + order % 9, 1 + order),
            benefit_vnd=benefit,
            scope=scope,
            authors=[
                Author(
                    position=i,
                    full_name=name,
                    workplace=units[unit].name,
                    contribution_pct=Decimal(share),
                )
                for i, (name, share) in enumerate(authors, start=1)
            ],
        )
        entry = Entry(round=final, initiative=initiative, running_order=order)
        session.add_all([Exhibit(event=event, initiative=initiative, booth=booth), entry])
        demo.entries.append(entry)

    for number, (name, role, unit, chair) in enumerate(JUDGES, start=1):
        token = new_token()
        judge = Judge(
            event=event,
            code=f"GK{number:02d}",
            name=name,
            role=role,
            unit=units[unit],
            is_chair=chair,
            token_hash=hash_token(token),
        )
        session.add(judge)
        demo.judge_tokens.append((judge, token))
    session.flush()
    session.add_all(
        EventInitiative(event_id=event.id, initiative_id=entry.initiative_id)
        for entry in demo.entries
    )

    # A judge from the entry's own unit does not score it (recused by default).
    for judge, _token in demo.judge_tokens:
        for entry in demo.entries:
            if entry.initiative.unit_id == judge.unit_id:
                session.add(Recusal(judge_id=judge.id, entry_id=entry.id))
    session.flush()
    return demo
