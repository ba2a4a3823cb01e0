"""The site administrators' pages outside any event: their links, and the EVN unit tree.

Every organiser page shows an administrator the links to these pages in its title bar; each
package adds its own through ``signals.admin_menu`` (``initiatives`` adds the themes and fields).

The unit tree (Đơn vị) is data, since names change with mergers: administrators add a unit (its
code is unique, in capitals), rename it, move it under another parent and set its staff
headcount (Số CBCNV, for the target of 10% of staff as authors). A unit is never put under itself
nor under one of its own sub-units. A unit is deleted only when nothing refers to it: every
column of every package's tables that refers to a unit is found by inspecting the tables, so that
a new one is never forgotten, and the refusal says what still refers to it. Every change is
written to the audit log.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit, db, signals
from core.auth import admin_required, signed_in_organiser
from core.errors import Conflict, Invalid, NotFound
from core.i18n import nfc, sort_key
from core.imports import Unreadable, parse_whole
from core.models import Base, Organiser, Unit
from core.models.base import MAX_ID

bp = Blueprint("admin", __name__, url_prefix="/manage")

CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,31}")
# Ids and headcounts: nine digits at most stay within the columns' range (2**31 - 1).
NUMBER = re.compile(r"[0-9]{1,9}")
MAX_NAME = 200


# --- The administrators' links ------------------------------------------------------------------


@dataclass(frozen=True)
class AdminLink:
    """A link of the title bar to an administrators' page that takes no URL argument."""

    label: Any  # a lazy string, translated when the bar is drawn
    endpoint: str
    position: int = 100


def admin_links() -> list[AdminLink]:
    """The administrators' pages, in order; nothing for anyone else."""
    organiser = signed_in_organiser()
    if organiser is None or not organiser.is_admin:
        return []
    links: list[AdminLink] = []
    for _receiver, contributed in signals.admin_menu.send():
        links.extend(contributed if isinstance(contributed, list) else [contributed])
    return sorted(links, key=lambda link: link.position)


def organiser_links() -> list[AdminLink]:
    """The pages the packages offer the signed-in organiser in the title bar, in order."""
    organiser = signed_in_organiser()
    if organiser is None:
        return []
    links: list[AdminLink] = []
    for _receiver, contributed in signals.organiser_links.send(organiser):
        if contributed:
            links.extend(contributed if isinstance(contributed, list) else [contributed])
    return sorted(links, key=lambda link: link.position)


def _units_link(_sender: None) -> AdminLink:
    return AdminLink(lazy_gettext("Đơn vị"), "admin.units", position=20)


# --- Reads --------------------------------------------------------------------------------------


@dataclass
class Node:
    """A unit and its sub-units, in Vietnamese order of their names."""

    unit: Unit
    children: list[Node] = field(default_factory=list)


def unit_tree(session: Session) -> list[Node]:
    """Every unit under its parent, the top units first, each level in Vietnamese order."""
    nodes = {unit.id: Node(unit) for unit in session.scalars(select(Unit))}
    roots: list[Node] = []
    for node in sorted(nodes.values(), key=lambda node: sort_key(node.unit.name)):
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def flatten(tree: list[Node]) -> list[tuple[Unit, int]]:
    """The tree as lines, parents before children, with each unit's depth."""
    lines: list[tuple[Unit, int]] = []
    stack = [(node, 0) for node in reversed(tree)]
    while stack:
        node, depth = stack.pop()
        lines.append((node.unit, depth))
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return lines


def unit_lines(session: Session) -> list[tuple[Unit, int]]:
    """Every unit as a select lists it: the tree, flattened, with each unit's depth."""
    return flatten(unit_tree(session))


def descendants(session: Session, unit: Unit) -> set[int]:
    """The ids of the units under ``unit``, at any depth."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in session.execute(select(Unit.id, Unit.parent_id)).tuples():
        children[parent_id].append(unit_id)
    found: set[int] = set()
    waiting = list(children[unit.id])
    while waiting:
        unit_id = waiting.pop()
        if unit_id not in found:
            found.add(unit_id)
            waiting.extend(children[unit_id])
    return found


def references(session: Session, unit: Unit) -> list[tuple[str, int]]:
    """What still refers to ``unit``: for each column of any table with a foreign key to a unit,
    what its rows are called (the column's ``info["referrer"]``) and how many refer to it."""
    found: list[tuple[str, int]] = []
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.target_fullname != "unit.id":
                continue
            count = session.scalar(
                select(func.count()).select_from(table).where(key.parent == unit.id)
            )
            if count:
                found.append((str(key.parent.info.get("referrer", table.name)), count))
    return found


def unit_or_404(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id) if 0 < unit_id <= MAX_ID else None
    if unit is None:
        raise NotFound("unit_not_found", _("Không tìm thấy đơn vị này."))
    return unit


# --- The form -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInput:
    """A unit's form, read and checked for shape (:func:`read_unit_form`)."""

    code: str
    name: str
    parent_id: int | None
    staff_count: int | None


def read_unit_form(form: Mapping[str, str]) -> UnitInput:
    """The code (in capitals), name, parent and headcount of a unit's form, or ``Invalid`` with a
    message per field in ``details["fields"]``. Whether the code is free and the parent allowed
    is checked by the write, under its lock."""
    code = nfc(form.get("code", "")).strip().upper()
    name = nfc(form.get("name", "")).strip()
    parent = form.get("parent", "").strip()
    staff = form.get("staff_count", "").strip()
    errors: dict[str, str] = {}
    if not CODE.fullmatch(code):
        errors["code"] = _(
            "Mã đơn vị gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới, "
            "tối đa 32 ký tự, ví dụ PCQNAM."
        )
    if not name:
        errors["name"] = _("Hãy nhập tên đơn vị.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("Tên đơn vị dài quá %(limit)s ký tự.", limit=MAX_NAME)
    if parent and not NUMBER.fullmatch(parent):
        errors["parent"] = _("Đơn vị cấp trên này không có trong danh sách.")
    try:
        staff_count = parse_whole(staff)  # 12500 or 12.500, as the list of units writes it
    except Unreadable:
        errors["staff_count"] = _("Số CBCNV là một số nguyên từ 0 trở lên, hoặc để trống.")
    if errors:
        raise Invalid("invalid_unit", _("Hãy sửa các ô được đánh dấu."), fields=errors)
    return UnitInput(code, name, int(parent) if parent else None, staff_count)


# --- Writes: each takes the write session, flushes, audits and raises domain errors -------------


def _described(unit: Unit) -> dict[str, Any]:
    """What the audit log keeps of a unit."""
    return {
        "code": unit.code,
        "name": unit.name,
        "parent": unit.parent_id,
        "staff_count": unit.staff_count,
    }


def _check(session: Session, data: UnitInput, unit: Unit | None) -> None:
    """The code is no other unit's; the parent exists and is neither the unit nor under it."""
    taken = session.scalar(select(Unit).where(Unit.code == data.code))
    if taken is not None and taken is not unit:
        message = _("Mã %(code)s đã là mã của “%(name)s”.", code=data.code, name=taken.name)
        raise Invalid("code_taken", message, field="code")
    if data.parent_id is None:
        return
    parent = session.get(Unit, data.parent_id)
    if parent is None:
        message = _("Đơn vị cấp trên này không có trong danh sách.")
        raise Invalid("unknown_parent", message, field="parent")
    if unit is not None and (parent is unit or parent.id in descendants(session, unit)):
        message = _("Không thể đặt một đơn vị dưới chính nó hay dưới một đơn vị trực thuộc của nó.")
        raise Invalid("unit_cycle", message, field="parent")


def create_unit(session: Session, data: UnitInput, actor: Organiser) -> Unit:
    """A new unit, with its code free and its parent known."""
    _check(session, data, None)
    unit = Unit(
        code=data.code, name=data.name, parent_id=data.parent_id, staff_count=data.staff_count
    )
    session.add(unit)
    session.flush()
    audit.record(session, actor, "unit.created", f"unit:{unit.id}", after=_described(unit))
    session.flush()
    return unit


def update_unit(session: Session, unit: Unit, data: UnitInput, actor: Organiser) -> None:
    """Change a unit's code, name, parent or headcount; never put it under itself."""
    _check(session, data, unit)
    before = _described(unit)
    unit.code, unit.name = data.code, data.name
    unit.parent_id, unit.staff_count = data.parent_id, data.staff_count
    if _described(unit) != before:
        audit.record(
            session, actor, "unit.updated", f"unit:{unit.id}", before=before, after=_described(unit)
        )
    session.flush()


def delete_unit(session: Session, unit: Unit, actor: Organiser) -> None:
    """Delete a unit nothing refers to; otherwise say what does."""
    found = references(session, unit)
    if found:
        what = "; ".join(f"{label}: {count}" for label, count in found)
        message = _(
            "Không thể xóa “%(name)s” vì vẫn còn nơi dùng đến đơn vị này (%(what)s). Hãy chuyển "
            "những mục đó sang đơn vị khác trước.",
            name=unit.name,
            what=what,
        )
        raise Conflict("unit_in_use", message)
    audit.record(session, actor, "unit.deleted", f"unit:{unit.id}", before=_described(unit))
    session.delete(unit)
    session.flush()


# --- Pages --------------------------------------------------------------------------------------


def _me() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only administrators in
    return organiser


def _units_page(problem: str = "", status: int = 200) -> ResponseReturnValue:
    page = render_template("core/admin/units.html", tree=unit_tree(db.session()), problem=problem)
    return page, status


def _unit_form(
    unit: Unit | None, form: Mapping[str, str], errors: Mapping[str, str], status: int = 200
) -> ResponseReturnValue:
    """A unit's form; the parents offered are every unit but this one and those under it."""
    session = db.session()
    excluded = set() if unit is None else {unit.id} | descendants(session, unit)
    parents = [line for line in unit_lines(session) if line[0].id not in excluded]
    page = render_template(
        "core/admin/unit_form.html", unit=unit, form=form, errors=errors, parents=parents
    )
    return page, status


@bp.route("/units")
@admin_required
def units() -> ResponseReturnValue:
    """The unit tree, each unit under its parent."""
    return _units_page()


@bp.route("/units/new", methods=["GET", "POST"])
@admin_required
def new_unit() -> ResponseReturnValue:
    """Add a unit; ``?parent=<id>`` chooses its parent beforehand."""
    if request.method == "GET":
        return _unit_form(None, {"parent": request.args.get("parent", "")}, {})
    try:
        data = read_unit_form(request.form)
        unit = create_unit(db.write(), data, _me())
    except Invalid as error:
        db.rollback()
        return _unit_form(None, request.form, _field_errors(error), 422)
    flash(_("Đã thêm đơn vị “%(name)s”.", name=unit.name), "info")
    return redirect(url_for("admin.units"))


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@admin_required
def edit_unit(unit_id: int) -> ResponseReturnValue:
    """Change a unit's code, name, parent or headcount."""
    if request.method == "GET":
        unit = unit_or_404(db.session(), unit_id)
        form = {
            "code": unit.code,
            "name": unit.name,
            "parent": str(unit.parent_id or ""),
            "staff_count": "" if unit.staff_count is None else str(unit.staff_count),
        }
        return _unit_form(unit, form, {})
    try:
        data = read_unit_form(request.form)
        writing = db.write()
        unit = unit_or_404(writing, unit_id)
        update_unit(writing, unit, data, _me())
    except Invalid as error:
        db.rollback()
        unit = unit_or_404(db.session(), unit_id)
        return _unit_form(unit, request.form, _field_errors(error), 422)
    flash(_("Đã lưu đơn vị “%(name)s”.", name=unit.name), "info")
    return redirect(url_for("admin.units"))


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@admin_required
def remove_unit(unit_id: int) -> ResponseReturnValue:
    """Delete a unit that nothing refers to."""
    writing = db.write()
    unit = unit_or_404(writing, unit_id)
    name = unit.name
    try:
        delete_unit(writing, unit, _me())
    except Conflict as error:
        db.rollback()
        return _units_page(error.message, 409)
    flash(_("Đã xóa đơn vị “%(name)s”.", name=name), "info")
    return redirect(url_for("admin.units"))


def _field_errors(error: Invalid) -> dict[str, str]:
    """The message beside each field at fault, from the form's check or the write's."""
    fields: dict[str, str] = error.details.get("fields") or {
        error.details.get("field", "code"): error.message
    }
    return fields


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(admin_links=admin_links, organiser_links=organiser_links)
    signals.admin_menu.connect(_units_link, weak=False)
