"""The administrators' import of the unit tree (Đơn vị) from a file, at ``/manage/units/import``.

One row per unit, keyed by its code: Mã đơn vị, Tên đơn vị, Mã đơn vị cấp trên, Số CBCNV. A
parent may be a unit already known or one further down the same file (the order of the rows
does not matter); the units are written parents first. A unit is never put under itself or
under one of its own sub-units, whether by the file alone or by the file and the tree together.
The rules of a single unit are those of the units' form (``core.admin``), and the audit rows
have the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

from core import audit, db
from core.admin import CODE, MAX_NAME, _described
from core.api import job_json, job_or_404
from core.auth import admin_required
from core.errors import Invalid
from core.i18n import sort_key
from core.importing import Checked, Importer, Item, Status, register, upload_or_404
from core.imports import Column, Problem, RowReader, Table, keyed, parse_whole, shown
from core.manage_imports import (
    imports_page,
    preview_page,
    start_apply,
    start_check,
    template_file,
    too_large,
)
from core.models import Event, Organiser, Unit

bp = Blueprint("unit_imports", __name__, url_prefix="/manage/units/import")

COLUMNS = (
    Column(
        "code",
        "Mã đơn vị",
        "Unit code",
        required=True,
        hint=lazy_gettext("Chữ cái không dấu, chữ số, dấu chấm, gạch ngang; tối đa 32 ký tự"),
        example="PCQNAM",
        width=16,
    ),
    Column(
        "name",
        "Tên đơn vị",
        "Unit name",
        required=True,
        hint=lazy_gettext("Tối đa 200 ký tự"),
        example="Công ty Điện lực Quảng Nam",
        width=44,
    ),
    Column(
        "parent",
        "Mã đơn vị cấp trên",
        "Parent unit code",
        hint=lazy_gettext(
            "Mã của một đơn vị đã có, hoặc của một dòng khác trong tệp; để trống nếu là cấp "
            "cao nhất"
        ),
        example="EVNCPC",
        width=20,
    ),
    Column(
        "staff",
        "Số CBCNV",
        "Staff",
        hint=lazy_gettext("Số nguyên; để trống nếu chưa biết"),
        example="1250",
        width=12,
    ),
)


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    parent: str | None  # the parent's code
    staff: int | None


def context(
    session: Session, _event: Event | None, _organiser: Organiser | None
) -> dict[str, UnitRecord]:
    """The units there are, by code."""
    units = session.scalars(select(Unit)).all()
    codes = {unit.id: unit.code for unit in units}
    return {
        unit.code: UnitRecord(
            unit.code,
            unit.name,
            codes.get(unit.parent_id) if unit.parent_id is not None else None,
            unit.staff_count,
        )
        for unit in units
    }


def check(table: Table, known: dict[str, UnitRecord]) -> Checked[UnitRecord]:
    """Each row a unit: code free in the file, parent known (in the tree or the file), no
    cycle; the items ordered parents first."""
    columns = keyed(COLUMNS)
    checked: Checked[UnitRecord] = Checked()
    found: dict[str, tuple[int, UnitRecord]] = {}
    mentioned: set[str] = set()  # every code of the file, even on a row at fault
    for row in table.rows:
        reader = RowReader(row, columns, checked.problems)
        code = reader.text("code", 32).upper()
        if code and not CODE.fullmatch(code):
            reader.fault(
                "code",
                _(
                    "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc "
                    "gạch dưới, tối đa 32 ký tự."
                ),
            )
        name = reader.text("name", MAX_NAME)
        parent = reader.text("parent", 32).upper() or None
        staff = reader.read("staff", parse_whole)
        if code in found:
            reader.fault(
                "code", _("Mã %(code)s đã có ở dòng %(row)s.", code=code, row=found[code][0])
            )
        if parent is not None and parent == code:
            reader.fault("parent", _("Một đơn vị không thể là cấp trên của chính nó."))
        mentioned.add(code)
        if not reader.faulty:
            found[code] = (row.number, UnitRecord(code, name, parent, staff))
    tree = {code: record.parent for code, record in known.items()}
    tree.update(dict.fromkeys(mentioned - set(tree)))
    tree.update({code: record.parent for code, (_row, record) in found.items()})
    parent_label = columns["parent"].label
    for code, (number, record) in found.items():
        if record.parent is not None and record.parent not in tree:
            message = _(
                "Đơn vị cấp trên %(code)s không có trong danh sách đơn vị, cũng không có "
                "trong tệp.",
                code=record.parent,
            )
            checked.problems.append(Problem(number, parent_label, record.parent, message))
        elif _in_cycle(code, tree):
            message = _(
                "Không thể đặt %(code)s dưới %(parent)s: %(parent)s đang là đơn vị trực thuộc "
                "của %(code)s.",
                code=code,
                parent=record.parent,
            )
            checked.problems.append(Problem(number, parent_label, record.parent or "", message))
    faulty = {problem.row for problem in checked.problems}
    for code in _parents_first(found, tree):
        number, record = found[code]
        if number in faulty:
            continue
        before = known.get(code)
        status = (
            Status.NEW
            if before is None
            else Status.CHANGED
            if before != record
            else Status.UNCHANGED
        )
        cells = [record.code, record.name, record.parent or "", shown(record.staff)]
        checked.items.append(Item(code, [number], status, record, cells))
    checked.problems.sort(key=lambda problem: problem.row)
    return checked


def _in_cycle(code: str, tree: dict[str, str | None]) -> bool:
    seen = {code}
    parent = tree.get(code)
    while parent is not None and parent in tree:
        if parent in seen:
            return True
        seen.add(parent)
        parent = tree[parent]
    return False


def _parents_first(
    found: dict[str, tuple[int, UnitRecord]], tree: dict[str, str | None]
) -> list[str]:
    """The codes of the file, each after its parent when the parent is in the file too."""

    def depth(code: str) -> int:
        steps, parent = 0, tree.get(code)
        while parent is not None and steps < len(tree):
            steps, parent = steps + 1, tree.get(parent)
        return steps

    return sorted(found, key=lambda code: (depth(code), found[code][0]))


def write(session: Session, _event: Event | None, item: Item[UnitRecord], actor: str) -> None:
    """Create the unit, or bring it up to date; audited as the units' form does."""
    record = item.record
    parent_id = None
    if record.parent is not None:
        parent_id = session.scalar(select(Unit.id).where(Unit.code == record.parent))
        if parent_id is None:
            raise Invalid(
                "unknown_parent",
                _("Đơn vị cấp trên %(code)s không có trong danh sách.", code=record.parent),
            )
    unit = session.scalar(select(Unit).where(Unit.code == record.code))
    if unit is None:
        unit = Unit(
            code=record.code, name=record.name, parent_id=parent_id, staff_count=record.staff
        )
        session.add(unit)
        session.flush()
        audit.record(
            session,
            actor,
            "unit.created",
            f"unit:{unit.id}",
            after=_described(unit),
            reason="import",
        )
        return
    before = _described(unit)
    unit.name, unit.parent_id, unit.staff_count = record.name, parent_id, record.staff
    if _described(unit) != before:
        audit.record(
            session,
            actor,
            "unit.updated",
            f"unit:{unit.id}",
            before=before,
            after=_described(unit),
            reason="import",
        )
    session.flush()


def allowed(session: Session) -> dict[str, list[str]]:
    units = sorted(session.scalars(select(Unit)), key=lambda unit: sort_key(unit.name))
    return {"parent": [f"{unit.code} – {unit.name}" for unit in units]}


IMPORTER: Importer[UnitRecord] = Importer(
    kind="units",
    label=lazy_gettext("Đơn vị"),
    about=lazy_gettext(
        "Mỗi dòng là một đơn vị, nhận ra bằng Mã đơn vị: mã chưa có thì thêm, mã đã có thì cập "
        "nhật tên, cấp trên và Số CBCNV. Đơn vị cấp trên có thể nằm ở dòng sau trong cùng tệp."
    ),
    columns=COLUMNS,
    sample_headers=(
        lazy_gettext("Mã đơn vị"),
        lazy_gettext("Tên đơn vị"),
        lazy_gettext("Mã đơn vị cấp trên"),
        lazy_gettext("Số CBCNV"),
    ),
    context=context,
    check=check,
    write=write,
    allowed=allowed,
    template_name="mau-don-vi.xlsx",
    site=True,
)


# --- Pages --------------------------------------------------------------------------------------


def _job_url(job_id: str) -> str:
    return url_for("unit_imports.job", job_id=job_id)


def _preview_url(upload_id: str) -> str:
    return url_for("unit_imports.preview", upload_id=upload_id)


def _page(errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    return imports_page(
        "core/admin/unit_import.html",
        [IMPORTER],
        None,
        lambda _kind: url_for("unit_imports.upload"),
        lambda _kind: url_for("unit_imports.template"),
        errors,
        status,
    )


@bp.route("")
@admin_required
def imports() -> ResponseReturnValue:
    """Import units from a file."""
    return _page()


@bp.route("/template.xlsx")
@admin_required
def template() -> ResponseReturnValue:
    """The units' XLSX template."""
    return template_file(IMPORTER)


@bp.route("", methods=["POST"])
@admin_required
def upload() -> ResponseReturnValue:
    """Upload a file of units: checked off the request, then previewed."""
    try:
        job_page = start_check(IMPORTER, None, _preview_url, _job_url)
    except Invalid as error:
        db.rollback()
        return _page({IMPORTER.kind: error.message}, 422)
    return redirect(job_page)


@bp.route("/<upload_id>")
@admin_required
def preview(upload_id: str) -> ResponseReturnValue:
    """A checked file of units, or the result of its import."""
    upload = upload_or_404(upload_id, IMPORTER.kind, None)
    apply_url = url_for("unit_imports.apply", upload_id=upload_id)
    return preview_page("core/admin/unit_import_preview.html", IMPORTER, None, upload, apply_url)


@bp.route("/<upload_id>/apply", methods=["POST"])
@admin_required
def apply(upload_id: str) -> ResponseReturnValue:
    """Write a checked file of units, off the request."""
    upload = upload_or_404(upload_id, IMPORTER.kind, None)
    return redirect(start_apply(IMPORTER, None, upload, _preview_url(upload_id), _job_url))


@bp.route("/jobs/<job_id>")
@admin_required
def job(job_id: str) -> ResponseReturnValue:
    """The check or the write of a file of units, live."""
    found = job_or_404(job_id)
    if found.event_id is not None or not found.kind.startswith("import-"):
        abort(404)
    return render_template("core/admin/job.html", job=job_json(found))


bp.register_error_handler(RequestEntityTooLarge, too_large)


def init_app(app: Flask) -> None:
    register(IMPORTER)
    app.register_blueprint(bp)
