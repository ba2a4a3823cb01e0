"""The import of initiatives with their authors into an event's list (``core.importing``).

One row per author. The rows that share a Mã sáng kiến make one initiative, its authors in the
order of the rows (the first is the main author). The initiative's own columns are read from its
first row; later rows may repeat them or leave them empty, but may not say otherwise (a later
row with another title is a problem, not a silent choice). The code is the stable key: a code
not known yet adds an initiative, a known one is brought up to date (its authors replaced as a
set) and put on the event's list if it is not on it. An initiative the file leaves as it is, is
not touched at all: no new date of change, no audit row.

The recognition (Cấp công nhận, Số quyết định, Ngày quyết định) is optional: a file of past years
brings it, so that the programme's dashboard counts what was recognised; left empty, the
recognition already recorded (on the library's page, or by an earlier file) stays as it is.
Only a site administrator writes a recognition (as on the library's page): an event's manager's
file with any of these columns filled is refused at the check, row and column named. An
administrator's is written through ``recognition.update_recognition``, audited in the
initiative's recognition history.
"""

from __future__ import annotations

import re
from dataclasses import asdict, astuple, dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import audit
from core.i18n import money, number, sort_key
from core.importing import Checked, Importer, Item, Status, register
from core.imports import (
    Column,
    Problem,
    RowReader,
    Table,
    folded,
    keyed,
    parse_date,
    parse_money,
    parse_percent,
    shown,
    unknown_unit,
)
from core.models import Event, Organiser, Unit
from initiatives.models import (
    Author,
    EventInitiative,
    Initiative,
    RecognitionLevel,
    Scope,
    SolutionType,
    Term,
    TermKind,
)
from initiatives.novelty import check_novelty
from initiatives.recognition import Recognition as Recognised
from initiatives.recognition import decision_date_problem, update_recognition

CODE = re.compile(r"[A-Z0-9][A-Z0-9._/-]{0,39}")
LONG_TEXT = 20_000
MAX_BENEFIT = 10**15

SOLUTION_TYPES = {
    "Kỹ thuật": SolutionType.TECHNICAL,
    "Quản lý": SolutionType.MANAGEMENT,
    "Tác nghiệp": SolutionType.OPERATIONAL,
    "Ứng dụng tiến bộ kỹ thuật": SolutionType.TECHNOLOGY_APPLICATION,
}
SCOPES = {
    "Đơn vị": Scope.UNIT,
    "Công ty": Scope.COMPANY,
    "Tổng công ty": Scope.CORPORATION,
    "Tập đoàn": Scope.GROUP,
    "Ngoài ngành": Scope.OUTSIDE,
}
LEVELS = {
    "Cấp cơ sở": RecognitionLevel.BASE,
    "Cấp Tổng công ty": RecognitionLevel.CORPORATION,
    "Cấp Tập đoàn": RecognitionLevel.GROUP,
    "Cấp tỉnh/ngành": RecognitionLevel.PROVINCE,
    "Cấp toàn quốc": RecognitionLevel.NATIONAL,
}
MAX_DECISION_NUMBER = 100
RECOGNITION = ("recognition_level", "decision_number", "decision_date")

COLUMNS = (
    Column(
        "code",
        "Mã sáng kiến",
        "Initiative code",
        True,
        lazy_gettext(
            "Mã ổn định của sáng kiến, chữ không dấu và số, tối đa 40 ký tự; các dòng cùng mã "
            "là các tác giả của cùng một sáng kiến"
        ),
        "SK-2026-001",
        16,
    ),
    Column(
        "title",
        "Tên sáng kiến",
        "Title",
        True,
        lazy_gettext("Tối đa 500 ký tự; ở các dòng sau của cùng sáng kiến có thể để trống"),
        "Robot sửa chữa dây chống sét và cáp quang OPGW",
        40,
    ),
    Column(
        "unit",
        "Mã đơn vị",
        "Unit code",
        True,
        lazy_gettext("Mã một đơn vị trong danh sách đơn vị"),
        "PCQNAM",
        14,
    ),
    Column(
        "theme",
        "Chuyên đề",
        "Theme",
        False,
        lazy_gettext("Một chuyên đề trong danh sách"),
        "Số hóa quy trình vận hành",
        26,
    ),
    Column(
        "field", "Lĩnh vực", "Field", False, lazy_gettext("Một lĩnh vực trong danh sách"), "", 22
    ),
    Column(
        "solution_type",
        "Loại giải pháp",
        "Solution type",
        True,
        lazy_gettext("Một trong các loại được phép"),
        "Kỹ thuật",
        18,
    ),
    Column(
        "first_applied_on",
        "Ngày áp dụng lần đầu",
        "First applied on",
        False,
        lazy_gettext("dd/mm/yyyy"),
        "05/12/2025",
        14,
    ),
    Column("summary", "Tóm tắt", "Summary", False, lazy_gettext("Văn bản"), "", 40),
    Column(
        "prior_state", "Tình trạng trước đây", "Prior state", False, lazy_gettext("Văn bản"), "", 30
    ),
    Column("solution", "Nội dung giải pháp", "Solution", False, lazy_gettext("Văn bản"), "", 30),
    Column(
        "applicability", "Khả năng áp dụng", "Applicability", False, lazy_gettext("Văn bản"), "", 30
    ),
    Column("effects", "Hiệu quả", "Effects", False, lazy_gettext("Văn bản"), "", 30),
    Column(
        "benefit",
        "Giá trị làm lợi (đồng/năm)",
        "Benefit (VND per year)",
        False,
        lazy_gettext("Số đồng nguyên, ví dụ 1.234.567; để trống nếu chưa lượng hóa được bằng tiền"),
        "150.000.000",
        18,
    ),
    Column(
        "non_monetary",
        "Lợi ích không tính thành tiền",
        "Non-monetary benefits",
        False,
        lazy_gettext("Văn bản"),
        "",
        30,
    ),
    Column(
        "scope",
        "Phạm vi nhân rộng",
        "Scope",
        False,
        lazy_gettext("Một trong các phạm vi được phép; để trống là Đơn vị"),
        "Tổng công ty",
        16,
    ),
    Column(
        "recognition_level",
        "Cấp công nhận",
        "Recognition level",
        False,
        lazy_gettext(
            "Một trong các cấp được phép; để trống nếu chưa được công nhận (cấp đã ghi thì giữ "
            "nguyên)"
        ),
        "Cấp cơ sở",
        18,
    ),
    Column(
        "decision_number",
        "Số quyết định",
        "Decision number",
        False,
        lazy_gettext("Số quyết định công nhận, tối đa 100 ký tự"),
        "125/QĐ-PCQNAM",
        16,
    ),
    Column(
        "decision_date",
        "Ngày quyết định",
        "Decision date",
        False,
        lazy_gettext("dd/mm/yyyy; năm của quyết định là năm được tính trong Chương trình"),
        "20/06/2025",
        14,
    ),
    Column(
        "confidential",
        "Thông tin cần bảo mật",
        "Confidential information",
        False,
        lazy_gettext("Văn bản; không bao giờ hiện trên trang công khai"),
        "",
        24,
    ),
    Column(
        "author",
        "Họ và tên tác giả",
        "Author",
        True,
        lazy_gettext("Một tác giả mỗi dòng; tác giả ở dòng đầu là tác giả chính"),
        "Nguyễn Văn Hùng",
        24,
    ),
    Column(
        "birth_date",
        "Ngày sinh",
        "Date of birth",
        False,
        lazy_gettext("dd/mm/yyyy"),
        "14/03/1985",
        12,
    ),
    Column(
        "workplace",
        "Nơi công tác",
        "Workplace",
        False,
        lazy_gettext("Tối đa 300 ký tự"),
        "Đội Quản lý vận hành lưới điện cao thế",
        26,
    ),
    Column(
        "job_title", "Chức danh", "Job title", False, lazy_gettext("Tối đa 200 ký tự"), "Kỹ sư", 16
    ),
    Column(
        "qualification",
        "Trình độ chuyên môn",
        "Qualification",
        False,
        lazy_gettext("Tối đa 200 ký tự"),
        "Kỹ sư điện",
        18,
    ),
    Column(
        "employee_code",
        "Mã nhân viên",
        "Employee code",
        False,
        lazy_gettext(
            "Mã nhân viên của tác giả, tối đa 40 ký tự; chương trình 10.000 sáng kiến đếm mỗi "
            "người một lần theo mã này"
        ),
        "NV00123",
        14,
    ),
    Column(
        "contribution",
        "Tỷ lệ đóng góp (%)",
        "Contribution (%)",
        True,
        lazy_gettext(
            "Số lớn hơn 0, không quá 100, ví dụ 60 hoặc 60,5; các tác giả của một sáng kiến "
            "cộng lại đúng 100"
        ),
        "60",
        12,
    ),
)
COLUMN = keyed(COLUMNS)
# The initiative's own columns: read from its first row, the same or empty on the others.
OWN = (
    "title",
    "unit",
    "theme",
    "field",
    "solution_type",
    "first_applied_on",
    "summary",
    "prior_state",
    "solution",
    "applicability",
    "effects",
    "benefit",
    "non_monetary",
    "scope",
    "recognition_level",
    "decision_number",
    "decision_date",
    "confidential",
)


@dataclass(frozen=True)
class AuthorRecord:
    full_name: str
    birth_date: date | None
    workplace: str
    job_title: str
    qualification: str
    contribution_pct: Decimal
    # None: the file gives none; the programme then tells people apart by name and birth date.
    employee_code: str | None = None


@dataclass(frozen=True)
class Recognition:
    level: RecognitionLevel
    decision_number: str
    decision_date: date | None


@dataclass(frozen=True)
class InitiativeRecord:
    code: str
    title: str
    unit: str  # the unit's code
    theme: str
    field: str
    solution_type: SolutionType
    first_applied_on: date | None
    summary: str
    prior_state: str
    solution: str
    applicability: str
    effects: str
    benefit_vnd: int | None
    non_monetary_benefits: str
    scope: Scope
    confidential: str
    authors: tuple[AuthorRecord, ...]
    # None: the file says nothing of it (the recognition recorded stays as it is).
    recognition: Recognition | None = None


@dataclass(frozen=True)
class Known:
    """What the check compares the file with."""

    units: dict[str, str]  # the units' codes, by their code in capitals
    themes: dict[str, str]  # the list's own spelling, by name
    fields: dict[str, str]
    existing: dict[str, InitiativeRecord]  # by code
    listed: set[str]  # the codes on the event's list
    may_recognise: bool = False  # the importing organiser is a site administrator


def _record(initiative: Initiative, unit: str) -> InitiativeRecord:
    """The initiative as a record of the file; ``unit`` is its unit's code."""
    authors = tuple(
        AuthorRecord(
            author.full_name,
            author.birth_date,
            author.workplace,
            author.job_title,
            author.qualification,
            author.contribution_pct,
            author.employee_code,
        )
        for author in initiative.authors
    )
    own = {
        column.name: getattr(initiative, column.name)
        for column in fields(InitiativeRecord)
        if column.name not in ("code", "unit", "authors", "recognition")
    }
    level = initiative.recognition_level
    recognition = (
        Recognition(level, initiative.decision_number, initiative.decision_date) if level else None
    )
    return InitiativeRecord(
        code=initiative.code or "", unit=unit, authors=authors, recognition=recognition, **own
    )


def context(session: Session, event: Event | None, organiser: Organiser | None) -> Known:
    assert event is not None  # an import of an event
    units = {unit.code: unit.id for unit in session.scalars(select(Unit))}
    codes = {unit_id: code for code, unit_id in units.items()}
    terms = session.scalars(select(Term)).all()
    existing = session.scalars(
        select(Initiative)
        .where(Initiative.code.is_not(None))
        .options(selectinload(Initiative.authors))
    ).all()
    listed = session.scalars(
        select(Initiative.code)
        .join(EventInitiative, EventInitiative.initiative_id == Initiative.id)
        .where(EventInitiative.event_id == event.id, Initiative.code.is_not(None))
    ).all()
    return Known(
        units={code.upper(): code for code in units},
        themes={term.name: term.name for term in terms if term.kind == TermKind.THEME},
        fields={term.name: term.name for term in terms if term.kind == TermKind.FIELD},
        existing={
            initiative.code or "": _record(initiative, codes.get(initiative.unit_id or 0, ""))
            for initiative in existing
        },
        listed={code for code in listed if code},
        may_recognise=organiser is not None and organiser.is_admin,
    )


def check(table: Table, known: Known) -> Checked[InitiativeRecord]:
    """Group the rows by code; check each cell, each initiative's authors (no one twice, the
    shares adding up to 100) and that later rows do not contradict the first."""
    checked: Checked[InitiativeRecord] = Checked()
    groups: dict[str, list[RowReader]] = {}
    for row in table.rows:
        reader = RowReader(row, COLUMN, checked.problems)
        code = reader.text("code", 40).upper().replace(" ", "")
        if code and not CODE.fullmatch(code):
            reader.fault(
                "code",
                _("Mã sáng kiến chỉ gồm chữ cái không dấu, chữ số và . _ / -, tối đa 40 ký tự."),
            )
        if code:
            groups.setdefault(code, []).append(reader)
    for code, readers in groups.items():
        record = _initiative(code, readers, known, checked.problems)
        if record is None or any(reader.faulty for reader in readers):
            continue
        before = known.existing.get(code)
        if record.recognition is None and before is not None:
            record = replace(record, recognition=before.recognition)
        if before is None:
            status = Status.NEW
        elif before != record or code not in known.listed:
            status = Status.CHANGED
        else:
            status = Status.UNCHANGED
        rows = [reader.row.number for reader in readers]
        checked.items.append(Item(code, rows, status, record, _cells(record)))
    checked.problems.sort(key=lambda problem: problem.row)
    return checked


def _initiative(
    code: str, readers: list[RowReader], known: Known, problems: list[Problem]
) -> InitiativeRecord | None:
    first = readers[0]
    typed = first.text("unit", 32).upper()
    unit = known.units.get(typed, "")
    if typed and not unit:
        first.fault("unit", unknown_unit(typed, first.columns["unit"], len(known.units)))
    theme = first.choice("theme", known.themes) or ""
    field = first.choice("field", known.fields) or ""
    benefit = first.read("benefit", parse_money)
    if benefit is not None and benefit >= MAX_BENEFIT:
        first.fault("benefit", _("Giá trị làm lợi lớn quá mức có thể."))
    own = {
        "title": first.text("title", 500),
        "solution_type": first.choice("solution_type", SOLUTION_TYPES),
        "first_applied_on": first.read("first_applied_on", parse_date),
        "summary": first.text("summary", LONG_TEXT),
        "prior_state": first.text("prior_state", LONG_TEXT),
        "solution": first.text("solution", LONG_TEXT),
        "applicability": first.text("applicability", LONG_TEXT),
        "effects": first.text("effects", LONG_TEXT),
        "non_monetary_benefits": first.text("non_monetary", LONG_TEXT),
        "scope": first.choice("scope", SCOPES) or Scope.UNIT,
        "confidential": first.text("confidential", LONG_TEXT),
    }
    for reader in readers[1:]:
        for key in (key for key in OWN if key not in first.faults):
            value, expected = reader.raw(key), first.raw(key)
            if shown(value) and shown(value) != shown(expected):
                reader.fault(
                    key,
                    _(
                        "Dòng %(row)s của cùng mã %(code)s ghi khác: “%(other)s”. Hãy ghi "
                        "giống nhau, hoặc để trống ở các dòng sau.",
                        row=first.row.number,
                        code=code,
                        other=shown(expected),
                    ),
                )
    recognition = _recognition(first, known.may_recognise)
    authors = _authors(code, readers, problems)
    if any(reader.faulty for reader in readers) or authors is None:
        return None
    return InitiativeRecord(
        code=code,
        unit=unit,
        theme=theme,
        field=field,
        benefit_vnd=benefit,
        authors=authors,
        recognition=recognition,
        **own,
    )


def _recognition(first: RowReader, may_recognise: bool) -> Recognition | None:
    """The recognition the first row gives, if any; a decision needs its level, and only an
    administrator may give one."""
    if not may_recognise:
        for key in RECOGNITION:
            if shown(first.raw(key)):
                first.fault(
                    key,
                    _(
                        "Chỉ quản trị hệ thống được ghi cấp công nhận, số và ngày quyết định. "
                        "Hãy để trống cột này, hoặc nhờ quản trị hệ thống nhập tệp."
                    ),
                )
        return None
    level = first.choice("recognition_level", LEVELS)
    decision_number = first.text("decision_number", MAX_DECISION_NUMBER)
    decided_on = first.read("decision_date", parse_date)
    if problem := decision_date_problem(decided_on):
        first.fault("decision_date", problem)
    if (
        level is None
        and "recognition_level" not in first.faults
        and (decision_number or decided_on)
    ):
        first.fault("recognition_level", _("Hãy ghi cấp công nhận của quyết định này."))
    return Recognition(level, decision_number, decided_on) if level is not None else None


def _authors(
    code: str, readers: list[RowReader], problems: list[Problem]
) -> tuple[AuthorRecord, ...] | None:
    authors: list[AuthorRecord] = []
    seen: dict[str, int] = {}
    for reader in readers:
        name = reader.text("author", 200)
        share = reader.read("contribution", parse_percent)
        birth = reader.read("birth_date", parse_date)
        if name and folded(name) in seen:
            reader.fault(
                "author",
                _(
                    "%(name)s đã có ở dòng %(row)s của cùng sáng kiến.",
                    name=name,
                    row=seen[folded(name)],
                ),
            )
        seen[folded(name)] = reader.row.number
        if name and share is not None:
            authors.append(
                AuthorRecord(
                    name,
                    birth,
                    reader.text("workplace", 300),
                    reader.text("job_title", 200),
                    reader.text("qualification", 200),
                    share,
                    reader.text("employee_code", 40) or None,
                )
            )
    if any(reader.faulty for reader in readers):
        return None
    total = sum((author.contribution_pct for author in authors), Decimal(0))
    if total != 100:
        rows = ", ".join(str(reader.row.number) for reader in readers)
        message = _(
            "Tỷ lệ đóng góp của sáng kiến %(code)s (dòng %(rows)s) cộng lại là %(total)s%%, "
            "phải đúng 100%%.",
            code=code,
            rows=rows,
            total=_share(total),
        )
        readers[0].fault("contribution", message, _share(total))
        return None
    return tuple(authors)


def _share(value: Decimal) -> str:
    """60 or 60,5: as many decimals as the share has."""
    return number(value, 0 if value == value.to_integral() else 2)


def _cells(record: InitiativeRecord) -> list[str]:
    authors = ", ".join(
        f"{author.full_name} ({_share(author.contribution_pct)}%)" for author in record.authors
    )
    return [record.code, record.title, record.unit, authors, money(record.benefit_vnd)]


def _described(record: InitiativeRecord) -> dict[str, Any]:
    """What the audit log keeps of an initiative: its record, in JSON."""
    described = asdict(record)
    described["first_applied_on"] = (
        record.first_applied_on.isoformat() if record.first_applied_on else None
    )
    if record.recognition is not None:
        decided_on = record.recognition.decision_date
        described["recognition"] = {
            "level": record.recognition.level.value,
            "decision_number": record.recognition.decision_number,
            "decision_date": decided_on.isoformat() if decided_on else None,
        }
    described["authors"] = [
        {
            **asdict(author),
            "birth_date": author.birth_date.isoformat() if author.birth_date else None,
            "contribution_pct": str(author.contribution_pct),
        }
        for author in record.authors
    ]
    return described


def _described_text(record: InitiativeRecord) -> tuple[str, str, str, str | None]:
    """What the novelty check compares: a change to it checks the initiative again."""
    return record.title, record.summary, record.solution, record.unit


def write(session: Session, event: Event | None, item: Item[InitiativeRecord], actor: str) -> None:
    """Add the initiative or bring it up to date, and put it on the event's list."""
    assert event is not None
    record = item.record
    unit_id = session.scalar(select(Unit.id).where(Unit.code == record.unit))
    initiative = session.scalar(
        select(Initiative)
        .where(Initiative.code == record.code)
        .options(selectinload(Initiative.authors))
    )
    if initiative is None:
        initiative = Initiative(code=record.code)
        session.add(initiative)
        before = None
    else:
        unit = session.get(Unit, initiative.unit_id) if initiative.unit_id is not None else None
        before = _record(initiative, unit.code if unit is not None else "")
    if before != record:
        for name in (
            "title",
            "theme",
            "field",
            "solution_type",
            "first_applied_on",
            "summary",
            "prior_state",
            "solution",
            "applicability",
            "effects",
            "benefit_vnd",
            "non_monetary_benefits",
            "scope",
            "confidential",
        ):
            if getattr(initiative, name) != getattr(record, name):
                setattr(initiative, name, getattr(record, name))
        if initiative.unit_id != unit_id:
            initiative.unit_id = unit_id
        if before is None or before.authors != record.authors:
            initiative.authors = [
                Author(position=position, **asdict(author))
                for position, author in enumerate(record.authors, start=1)
            ]
        session.flush()
        if record.recognition is not None:
            level, number, decided_on = astuple(record.recognition)
            benefits = initiative.benefit_vnd, initiative.benefit_actual_vnd
            update_recognition(
                session, initiative, Recognised(level, number, decided_on, *benefits), actor
            )
        if before is None or _described_text(before) != _described_text(record):
            check_novelty(session, initiative)
        action = "initiative.imported" if before is None else "initiative.updated"
        audit.record(
            session,
            actor,
            action,
            f"initiative:{initiative.id}",
            event_id=event.id,
            before=None if before is None else _described(before),
            after=_described(record),
            reason="import",
        )
    listed = session.scalar(
        select(EventInitiative.id).where(
            EventInitiative.event_id == event.id, EventInitiative.initiative_id == initiative.id
        )
    )
    if listed is None:
        session.add(EventInitiative(event_id=event.id, initiative_id=initiative.id))
        audit.record(
            session,
            actor,
            "initiative.listed",
            f"initiative:{initiative.id}",
            event_id=event.id,
            reason="import",
        )
    session.flush()


def allowed(session: Session) -> dict[str, list[str]]:
    units = sorted(session.scalars(select(Unit)), key=lambda unit: sort_key(unit.name))
    terms = session.scalars(select(Term).order_by(Term.position, Term.id)).all()
    return {
        "unit": [f"{unit.code} – {unit.name}" for unit in units],
        "theme": [term.name for term in terms if term.kind == TermKind.THEME],
        "field": [term.name for term in terms if term.kind == TermKind.FIELD],
        "solution_type": list(SOLUTION_TYPES),
        "scope": list(SCOPES),
        "recognition_level": list(LEVELS),
    }


IMPORTER: Importer[InitiativeRecord] = Importer(
    kind="initiatives",
    label=lazy_gettext("Sáng kiến và tác giả"),
    about=lazy_gettext(
        "Mỗi dòng là một tác giả; các dòng cùng Mã sáng kiến là các tác giả của cùng một sáng "
        "kiến, theo thứ tự dòng (dòng đầu là tác giả chính). Thông tin của sáng kiến lấy ở dòng "
        "đầu; ở các dòng sau có thể ghi lại y như vậy hoặc để trống. Mã đã có thì sáng kiến được "
        "cập nhật; sáng kiến được đưa vào danh sách của sự kiện."
    ),
    columns=COLUMNS,
    sample_headers=(
        lazy_gettext("Mã sáng kiến"),
        lazy_gettext("Tên sáng kiến"),
        lazy_gettext("Mã đơn vị"),
        lazy_gettext("Tác giả"),
        lazy_gettext("Giá trị làm lợi"),
    ),
    context=context,
    check=check,
    write=write,
    allowed=allowed,
    template_name="mau-sang-kien.xlsx",
    next_step=lazy_gettext("Danh sách sáng kiến của sự kiện:"),
    next_endpoint="initiatives_event.initiatives",
)


def init_app() -> None:
    register(IMPORTER)
