"""A realistic demo event: Vietnamese units, initiatives, judges and the default rubric.

The people are invented; the initiatives paraphrase the kind that won prizes in 2024-2025. Being
part of the composition root, it is the one module of ``core`` that builds the other packages' rows.

Beside the event, the demo's unit gets a support team member (Tổ hỗ trợ sáng kiến) and a few
dossiers of recognition, one in each state the support team meets: submitted, being supported
(with a private note), returned for a missing author share, recognised with a decision. They go
through the workflow's own services (``initiatives.dossiers``), so their steps, audit trail and
checklist are those of real ones. Most of the event's initiatives were recognised already
(``DECISIONS``, written by ``initiatives.recognition``), so the programme's dashboard counts some.
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
    Organiser,
    Round,
    Unit,
)
from core.service import free_slug
from display.models import Screen
from initiatives import dossiers
from initiatives.imports import AuthorRecord
from initiatives.models import (
    Author,
    Dossier,
    EventInitiative,
    Initiative,
    RecognitionLevel,
    Scope,
    SolutionType,
    SupportMember,
)
from initiatives.recognition import Recognition, update_recognition
from initiatives.record_form import Registration
from kiosk.models import Exhibit
from scoring.models import Criterion, Entry, Judge, JuryRole, Recusal
from scoring.rubric import default_criteria

DEMO_ORGANISER = "bantochuc@demo.sangtao.vn"
DEMO_SUPPORT = "tohotro@demo.sangtao.vn"
SUPPORT_NAME = "Phạm Thị Ngọc Diệp"

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

# The decisions that recognised some of them already (level, number, date), by booth: the
# programme's dashboard and the library's filters have something to count.
DECISIONS = {
    "A01": (RecognitionLevel.CORPORATION, "412/QĐ-EVNCPC", date(2026, 3, 20)),
    "A02": (RecognitionLevel.GROUP, "2087/QĐ-EVN", date(2025, 11, 14)),
    "A03": (RecognitionLevel.GROUP, "1190/QĐ-EVN", date(2025, 6, 30)),
    "B01": (RecognitionLevel.CORPORATION, "856/QĐ-EVNNPC", date(2025, 9, 12)),
    "B02": (RecognitionLevel.BASE, "233/QĐ-PCDN", date(2026, 5, 8)),
    "B03": (RecognitionLevel.BASE, "1675/QĐ-PCTTH", date(2025, 12, 1)),
    "C01": (RecognitionLevel.CORPORATION, "970/QĐ-EVNGENCO1", date(2026, 6, 15)),
}

# name, role, unit, chair
JUDGES = [
    ("Nguyễn Thị Kim Oanh", JuryRole.UNION, "EVNCPC", True),
    ("Trần Quốc Khánh", JuryRole.PROFESSIONAL, "PCQNAM", False),
    ("Lê Hoàng Nam", JuryRole.EXPERT, "EVNNPT", False),
    ("Phan Thị Thanh Tâm", JuryRole.MANAGER, "EVN", False),
    ("Vũ Đình Long", JuryRole.EXPERT, "PCDANANG", False),
]


@dataclass(frozen=True)
class DemoDossier:
    """A worker's dossier of the demo: its record, and how far the support team took it."""

    worker: str  # whose personal link holds it: dossiers of the same worker share one link
    title: str
    unit: str
    theme: str
    kind: SolutionType
    applied_on: date
    prior_state: str
    solution: str
    effects: str
    benefit: int | None
    non_monetary: str
    authors: list[tuple[str, str, str, int]]  # name, job title, qualification, share (%)
    state: str  # "submitted", "supporting", "returned" or "recognised"
    said: str = ""  # the team's private note, or its reason for returning the dossier


DOSSIERS = [
    DemoDossier(
        worker="phat",
        title="Gá uốn cáp thép cứng cho đội quản lý vận hành lưới điện",
        unit="PCQNAM",
        theme="technical",
        kind=SolutionType.TECHNICAL,
        applied_on=date(2026, 4, 15),
        prior_state="Uốn cáp thép cứng bằng tay, hai người mất khoảng 40 phút mỗi đầu cáp.",
        solution="Gá uốn bằng thép tấm với ba con lăn và cần gạt, lắp trên xe thi công.",
        effects="Một người uốn xong một đầu cáp trong 10 phút, không làm xước lớp mạ kẽm.",
        benefit=85_000_000,
        non_monetary="",
        authors=[
            ("Huỳnh Tấn Phát", "Tổ trưởng", "Kỹ sư điện", 50),
            ("Trần Thị Thu Hà", "Kỹ sư", "Kỹ sư điện", 30),
        ],
        state="returned",
        said="Tỷ lệ đóng góp của hai tác giả mới cộng lại 80%. Anh Phát bổ sung đồng tác giả "
        "còn lại và tỷ lệ của người đó (hoặc sửa tỷ lệ để tổng đúng 100%), rồi nộp lại hồ sơ.",
    ),
    DemoDossier(
        worker="phat",
        title="Bài giảng an toàn điện bằng thực tế ảo (VR) cho công nhân mới",
        unit="PCQNAM",
        theme="technical",
        kind=SolutionType.TECHNOLOGY_APPLICATION,
        applied_on=date(2025, 9, 8),
        prior_state="Công nhân mới học an toàn điện qua bài giảng và tranh ảnh, ít được thực hành.",
        solution="Bài giảng thực tế ảo: thao tác trên trạm biến áp ảo, sai bước nào báo ngay.",
        effects="120 công nhân mới đã học; không còn lỗi thao tác ở lần sát hạch đầu tiên.",
        benefit=None,
        non_monetary="An toàn lao động: thực hành các tình huống nguy hiểm mà không có rủi ro.",
        authors=[
            ("Huỳnh Tấn Phát", "Tổ trưởng", "Kỹ sư điện", 60),
            ("Lê Minh Tuấn", "Công nhân", "Cao đẳng nghề điện", 40),
        ],
        state="recognised",
    ),
    DemoDossier(
        worker="anh",
        title="Xe phun nước xử lý sự cố hạ thế trong hẻm nhỏ",
        unit="PCDANANG",
        theme="customer",
        kind=SolutionType.TECHNICAL,
        applied_on=date(2026, 6, 1),
        prior_state="Xe chuyên dùng không vào được hẻm dưới 2 m; sự cố hạ thế xử lý chậm.",
        solution="Xe đẩy ba bánh mang bình nước, bơm áp lực và sào cách điện, vào được mọi hẻm.",
        effects="Thời gian xử lý sự cố hạ thế trong hẻm giảm từ 90 xuống 35 phút.",
        benefit=120_000_000,
        non_monetary="",
        authors=[
            ("Đặng Ngọc Ánh", "Đội trưởng", "Kỹ sư điện", 50),
            ("Ngô Quang Vinh", "Công nhân", "Cao đẳng nghề điện", 30),
            ("Dương Thị Hồng Nhung", "Kỹ sư", "Kỹ sư điện", 20),
        ],
        state="submitted",
    ),
    DemoDossier(
        worker="tung",
        title="Phiếu công tác và phiếu thao tác điện tử trên máy tính bảng",
        unit="PCHUE",
        theme="digital",
        kind=SolutionType.TECHNOLOGY_APPLICATION,
        applied_on=date(2026, 3, 2),
        prior_state="Phiếu công tác viết tay, ký giấy, chuyển qua nhiều người trước khi thao tác.",
        solution="Phiếu lập và ký trên máy tính bảng, đối chiếu sơ đồ lưới điện tức thời.",
        effects="Không còn phiếu sai sơ đồ; thời gian chuẩn bị thao tác giảm một nửa.",
        benefit=None,
        non_monetary="An toàn điện: mọi bước thao tác được đối chiếu và lưu vết.",
        authors=[
            ("Võ Thanh Tùng", "Kỹ sư", "Kỹ sư điện", 60),
            ("Đỗ Thị Mai Phương", "Chuyên viên", "Cử nhân công nghệ thông tin", 40),
        ],
        state="supporting",
        said="Đã gọi anh Tùng: sẽ gửi ảnh chụp màn hình phiếu điện tử và biên bản áp dụng thử "
        "tại Điện lực Phú Vang trước thứ Sáu.",
    ),
]
# The recognised one's decision: level, number, date.
DECISION = (RecognitionLevel.CORPORATION, "1523/QĐ-EVNCPC", date(2026, 10, 20))


@dataclass
class SeededDemo:
    event: Event
    organiser_email: str
    organiser_password: str
    judge_tokens: list[tuple[Judge, str]] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    support_email: str = DEMO_SUPPORT
    # One worker's personal link (its token): the returned and the recognised dossier.
    dossier_token: str = ""

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
            "support": {"email": self.support_email, "password": self.organiser_password},
            "dossier_link": link("dossier_worker.mine", link=self.dossier_token),
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

    The demo organiser is a site administrator and the owner of every demo event. Call it in a
    request context: the dossiers' workflow words its checks in the reader's language.
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

    recognised: list[tuple[Initiative, tuple[RecognitionLevel, str, date]]] = []
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
        if booth in DECISIONS:
            recognised.append((initiative, DECISIONS[booth]))

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
    for initiative, (level, decision_number, decided_on) in recognised:
        decision = Recognition(level, decision_number, decided_on, initiative.benefit_vnd, None)
        update_recognition(session, initiative, decision, organiser)

    # A judge from the entry's own unit does not score it (recused by default).
    for judge, _token in demo.judge_tokens:
        for entry in demo.entries:
            if entry.initiative.unit_id == judge.unit_id:
                session.add(Recusal(judge_id=judge.id, entry_id=entry.id))
    session.flush()
    member = _support_member(session, units["EVNCPC"], organiser, password_hash)
    demo.dossier_token = _dossiers(session, units, member)
    return demo


def _support_member(
    session: Session, unit: Unit, organiser: Organiser, password_hash: str
) -> Organiser:
    """The demo unit's support team member; they sign in with the demo organiser's password."""
    member = save_organiser(
        session, email=DEMO_SUPPORT, name=SUPPORT_NAME, password_hash=password_hash
    )
    already = session.scalar(
        select(SupportMember.id).where(
            SupportMember.unit_id == unit.id, SupportMember.organiser_id == member.id
        )
    )
    if already is None:
        dossiers.add_member(session, unit, DEMO_SUPPORT, organiser)
    return member


def _registration(units: dict[str, Unit], made: DemoDossier) -> Registration:
    unit = units[made.unit]
    return Registration(
        title=made.title,
        unit_id=unit.id,
        theme=THEMES[made.theme],
        field="Điện lực",
        solution_type=made.kind,
        first_applied_on=made.applied_on,
        prior_state=made.prior_state,
        solution=made.solution,
        applicability=f"Áp dụng được tại các đội của {unit.name}.",
        effects=made.effects,
        benefit_vnd=made.benefit,
        non_monetary_benefits=made.non_monetary,
        scope=Scope.COMPANY,
        confidential="",
        authors=tuple(
            AuthorRecord(name, None, unit.name, job_title, qualification, Decimal(share))
            for name, job_title, qualification, share in made.authors
        ),
    )


def _dossiers(session: Session, units: dict[str, Unit], member: Organiser) -> str:
    """The demo's dossiers, each taken by the support team as far as its state; the token of
    the first worker's personal link."""
    links: dict[str, tuple[str, str]] = {}
    for made in DOSSIERS:
        _token, digest = links.setdefault(made.worker, dossiers.new_link())
        dossier = dossiers.start_dossier(session, _registration(units, made), digest, submit=True)
        if made.state != "submitted":
            dossiers.take_into_support(session, dossier, member)
        if made.state == "supporting":
            dossiers.comment(session, dossier, made.said, member)
        elif made.state == "returned":
            dossiers.return_dossier(session, dossier, made.said, member)
        elif made.state == "recognised":
            _recognise(session, dossier, member)
    return links[DOSSIERS[0].worker][0]


def _recognise(session: Session, dossier: Dossier, member: Organiser) -> None:
    dossiers.mark_complete(session, dossier, member)
    level, decision_number, decided_on = DECISION
    dossiers.recognise(session, dossier, level, decision_number, decided_on, member)
