"""The import of an event's jury (Hội đồng chấm thi) from a file (``core.importing``).

One row per judge, keyed by Mã giám khảo: a code not known in the event adds a judge (through
``scoring.service.add_judge``, which recuses them from their own unit's entries), a known one is
brought up to date (``edit_judge``). One chair at most, in the file and in the jury it makes.
The new judges' card links are not shown by the import: the organiser prints the cards from the
jury page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Invalid
from core.i18n import sort_key
from core.importing import Checked, Importer, Item, Status, register
from core.imports import Column, Problem, RowReader, Table, keyed, parse_flag, unknown_unit
from core.models import Event, Organiser, Unit
from core.service import SEALED
from scoring.models import Judge, JuryRole
from scoring.service import JudgeInput, add_judge, edit_judge, read_judge_code

ROLES = {
    "Đại diện Công đoàn": JuryRole.UNION,
    "Đại diện chuyên môn": JuryRole.PROFESSIONAL,
    "Chuyên gia kỹ thuật": JuryRole.EXPERT,
    "Cán bộ quản lý": JuryRole.MANAGER,
}

COLUMNS = (
    Column(
        "code",
        "Mã giám khảo",
        "Judge code",
        True,
        lazy_gettext(
            "Chữ cái không dấu, chữ số, gạch ngang; tối đa 20 ký tự; không trùng trong sự kiện"
        ),
        "GK01",
        14,
    ),
    Column(
        "name", "Họ và tên", "Full name", True, lazy_gettext("Tối đa 200 ký tự"), "Lê Minh Tuấn", 28
    ),
    Column(
        "role",
        "Vai trò",
        "Role",
        True,
        lazy_gettext("Một trong các vai trò được phép"),
        "Chuyên gia kỹ thuật",
        24,
    ),
    Column(
        "unit",
        "Mã đơn vị",
        "Unit code",
        False,
        lazy_gettext("Mã một đơn vị trong danh sách; giám khảo không chấm bài của đơn vị mình"),
        "PCQNAM",
        14,
    ),
    Column(
        "chair",
        "Chủ tịch Hội đồng",
        "Jury chair",
        False,
        lazy_gettext("x (hoặc “có”) cho Chủ tịch Hội đồng, để trống cho các thành viên khác"),
        "x",
        12,
    ),
)
COLUMN = keyed(COLUMNS)


@dataclass(frozen=True)
class JudgeRecord:
    code: str
    name: str
    role: JuryRole
    unit: str  # the unit's code
    chair: bool


@dataclass(frozen=True)
class Jury:
    """What the check compares the file with."""

    units: dict[str, str]  # the units' codes, by their code in capitals
    existing: dict[str, JudgeRecord]  # by code
    sealed: bool


def context(session: Session, event: Event | None, _organiser: Organiser | None) -> Jury:
    assert event is not None  # an import of an event
    units = {unit_id: code for unit_id, code in session.execute(select(Unit.id, Unit.code))}
    judges = session.scalars(select(Judge).where(Judge.event_id == event.id)).all()
    existing = {
        judge.code: JudgeRecord(
            judge.code, judge.name, judge.role, units.get(judge.unit_id or 0, ""), judge.is_chair
        )
        for judge in judges
        if judge.code
    }
    return Jury({code.upper(): code for code in units.values()}, existing, event.status in SEALED)


def check(table: Table, jury: Jury) -> Checked[JudgeRecord]:
    """Each row a judge: a code of its own in the file, a known role and unit; one chair, in the
    file and in the jury once the file is written."""
    checked: Checked[JudgeRecord] = Checked()
    if jury.sealed:
        message = _(
            "Kết quả của sự kiện đã khóa hoặc đã công bố: Hội đồng chấm thi không thay đổi được "
            "nữa."
        )
        checked.problems.append(Problem(0, "", "", message))
        return checked
    seen: dict[str, int] = {}
    chairs: list[tuple[int, str]] = []
    for row in table.rows:
        reader = RowReader(row, COLUMN, checked.problems)
        code = ""
        try:
            code = read_judge_code(reader.text("code", 20)) or ""
        except Invalid as error:
            reader.fault("code", error.message)
        name = reader.text("name", 200)
        role = reader.choice("role", ROLES)
        typed = reader.text("unit", 32).upper()
        unit = jury.units.get(typed, "")
        if typed and not unit:
            reader.fault("unit", unknown_unit(typed, reader.columns["unit"], len(jury.units)))
        chair = bool(reader.read("chair", parse_flag))
        if code in seen:
            reader.fault("code", _("Mã %(code)s đã có ở dòng %(row)s.", code=code, row=seen[code]))
        if code:
            seen[code] = row.number
        if chair:
            chairs.append((row.number, name))
        if reader.faulty or role is None:
            continue
        record = JudgeRecord(code, name, role, unit, chair)
        before = jury.existing.get(code)
        status = (
            Status.NEW
            if before is None
            else Status.CHANGED
            if before != record
            else Status.UNCHANGED
        )
        cells = [code, name, str(_role_name(role)), unit, _("Chủ tịch") if chair else ""]
        checked.items.append(Item(code, [row.number], status, record, cells))
    chair_label = COLUMN["chair"].label
    for number, name in chairs[1:]:
        message = _(
            "Hội đồng chỉ có một Chủ tịch: dòng %(row)s đã là Chủ tịch (%(name)s).",
            row=chairs[0][0],
            name=chairs[0][1],
        )
        checked.problems.append(Problem(number, chair_label, name, message))
    if chairs:
        kept = [
            record for code, record in jury.existing.items() if record.chair and code not in seen
        ]
        for record in kept:
            message = _(
                "Hội đồng đã có Chủ tịch là %(name)s (%(code)s), không có trong tệp. Hãy thêm "
                "dòng của người đó vào tệp, bỏ đánh dấu Chủ tịch.",
                name=record.name,
                code=record.code,
            )
            checked.problems.append(Problem(chairs[0][0], chair_label, "x", message))
    # Who stops being chair is written before who becomes chair.
    checked.items.sort(key=lambda item: item.record.chair)
    checked.problems.sort(key=lambda problem: problem.row)
    return checked


def _role_name(role: JuryRole) -> str:
    return next(name for name, value in ROLES.items() if value == role)


def write(session: Session, event: Event | None, item: Item[JudgeRecord], actor: str) -> None:
    """Add the judge, or bring them up to date, through the jury's own writes."""
    assert event is not None
    record = item.record
    unit_id = (
        session.scalar(select(Unit.id).where(Unit.code == record.unit)) if record.unit else None
    )
    data = JudgeInput(record.name, record.role, unit_id, record.chair, record.code)
    judge = session.scalar(
        select(Judge).where(Judge.event_id == event.id, Judge.code == record.code)
    )
    if judge is None:
        add_judge(session, event, data, actor)
    else:
        edit_judge(session, judge, data, actor)


def allowed(session: Session) -> dict[str, list[str]]:
    units = sorted(session.scalars(select(Unit)), key=lambda unit: sort_key(unit.name))
    return {
        "role": list(ROLES),
        "unit": [f"{unit.code} – {unit.name}" for unit in units],
        "chair": ["x"],
    }


IMPORTER: Importer[JudgeRecord] = Importer(
    kind="judges",
    label=lazy_gettext("Giám khảo"),
    about=lazy_gettext(
        "Mỗi dòng là một giám khảo, nhận ra bằng Mã giám khảo: mã chưa có thì thêm giám khảo, mã "
        "đã có thì cập nhật. Giám khảo mới không chấm các bài của đơn vị mình. Thẻ giám khảo "
        "được in ở trang Hội đồng chấm thi."
    ),
    columns=COLUMNS,
    sample_headers=(
        lazy_gettext("Mã giám khảo"),
        lazy_gettext("Họ và tên"),
        lazy_gettext("Vai trò"),
        lazy_gettext("Mã đơn vị"),
        lazy_gettext("Chủ tịch Hội đồng"),
    ),
    context=context,
    check=check,
    write=write,
    allowed=allowed,
    template_name="mau-giam-khao.xlsx",
    next_step=lazy_gettext("Hãy in thẻ cho các giám khảo mới ở trang Hội đồng chấm thi:"),
    next_endpoint="scoring_jury.jury",
)


def init_app() -> None:
    register(IMPORTER)
