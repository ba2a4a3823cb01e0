"""The programme dashboard (Chương trình 10.000 sáng kiến) at ``/manage/programme``, for every
organiser: recognised initiatives per year and cumulative against the targets, the share of staff
who are authors, per unit rolled up the unit tree, with a forecast to the programme's last year.
Administrators set the targets at ``/manage/programme/targets`` (the figures' rules are in
``initiatives.programme``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, db
from core.admin import flatten, unit_tree
from core.auth import admin_required, organiser_required, signed_in_organiser
from core.errors import Invalid
from core.i18n import number
from core.models import Organiser, Unit
from initiatives.models import Author, Initiative, ProgrammeTarget
from initiatives.programme import (
    AuthorLine,
    Figures,
    Recognised,
    Target,
    Trajectory,
    UnitRow,
    figures,
    trajectory,
)

bp = Blueprint("programme", __name__, url_prefix="/manage/programme", template_folder="templates")

WHOLE = "all"
COUNT = re.compile(r"[0-9]{1,7}")
YEAR = re.compile(r"20[0-9]{2}")
MAX_SPAN = 20


@dataclass(frozen=True)
class Programme:
    """Everything the dashboard shows: the figures per unit (None: the whole programme), the
    unit tree as lines, and the programme's years."""

    figures: dict[int | None, Figures]
    lines: list[tuple[Unit, int]]
    first_year: int
    last_year: int


def programme_row(session: Session) -> ProgrammeTarget:
    """The whole programme's targets and years (a new, unsaved row with the defaults if none)."""
    row = session.scalar(select(ProgrammeTarget).where(ProgrammeTarget.unit_id.is_(None)))
    return row or ProgrammeTarget(
        unit_id=None,
        per_year=2500,
        cumulative=10000,
        author_share_pct=Decimal(10),
        first_year=2025,
        last_year=2028,
    )


@dataclass(frozen=True)
class Reading:
    """What the dashboard and the periodic reports (``manage_reports.read_report``) both read,
    so that they count from the same lines: the programme's row, the unit tree, the targets, and
    the authors of the recognised initiatives with their initiative's id, in its authors' order."""

    whole: ProgrammeTarget
    lines: list[tuple[Unit, int]]
    units: list[UnitRow]
    targets: dict[int | None, Target]
    authors: list[tuple[int, AuthorLine]]


def read_programme(session: Session) -> Reading:
    whole = programme_row(session)
    authors = [
        (initiative_id, AuthorLine(unit_id, decided, name, born, code))
        for initiative_id, unit_id, decided, name, born, code in session.execute(
            select(
                Author.initiative_id,
                Initiative.unit_id,
                Initiative.decision_date,
                Author.full_name,
                Author.birth_date,
                Author.employee_code,
            )
            .join(Initiative, Author.initiative_id == Initiative.id)
            .where(Initiative.recognition_level.is_not(None))
            .order_by(Author.initiative_id, Author.position, Author.id)
        ).tuples()
    ]
    lines = flatten(unit_tree(session))
    units = [UnitRow(unit.id, unit.parent_id, unit.staff_count) for unit, _depth in lines]
    targets: dict[int | None, Target] = {
        row.unit_id: Target(row.per_year, row.cumulative, row.author_share_pct)
        for row in session.scalars(select(ProgrammeTarget))
    }
    targets[None] = Target(whole.per_year, whole.cumulative, whole.author_share_pct)
    return Reading(whole, lines, units, targets, authors)


def programme(session: Session) -> Programme:
    """Read the recognised initiatives, their authors, the units and the targets, and count."""
    read = read_programme(session)
    recognised = [
        Recognised(unit_id, decided_on)
        for unit_id, decided_on in session.execute(
            select(Initiative.unit_id, Initiative.decision_date).where(
                Initiative.recognition_level.is_not(None)
            )
        ).tuples()
    ]
    whole = read.whole
    authors = [line for _initiative_id, line in read.authors]
    counted = figures(
        recognised, authors, read.units, read.targets, whole.first_year, whole.last_year
    )
    return Programme(counted, read.lines, whole.first_year, whole.last_year)


def chart_data(shown: Figures, path: Trajectory, last_year: int) -> dict[str, Any]:
    """What the page's script draws: the yearly counts against the yearly target, and the
    cumulative line, solid so far and dashed after, against the cumulative target."""
    return {
        "years": path.years,
        "perYear": [shown.per_year[year] for year in path.years],
        "yearlyForecast": [path.yearly_forecast.get(year) for year in path.years],
        "perYearTarget": shown.target.per_year,
        "actual": path.actual,
        "forecast": path.forecast,
        "cumulativeTarget": shown.target.cumulative,
        "lastYear": last_year,
    }


@bp.route("")
@organiser_required
def dashboard() -> ResponseReturnValue:
    """The programme's figures, for the whole or the unit chosen (with its sub-units)."""
    counted = programme(db.session())
    chosen = request.args.get("unit", "")
    unit_id = int(chosen) if chosen.isdigit() and int(chosen) in counted.figures else None
    shown = counted.figures[unit_id]
    path = trajectory(shown.per_year, date.today().year, counted.last_year)
    return render_template(
        "initiatives/programme/dashboard.html",
        programme=counted,
        shown=shown,
        path=path,
        unit_id=unit_id,
        chart=chart_data(shown, path, counted.last_year),
    )


# --- Targets ------------------------------------------------------------------------------------


def _count(form: Mapping[str, str], name: str, errors: dict[str, str]) -> int | None:
    raw = form.get(name, "").strip().replace(".", "")
    if not raw:
        return None
    if not COUNT.fullmatch(raw):
        errors[name] = _("Hãy nhập một số nguyên từ 0 trở lên, hoặc để trống.")
        return None
    return int(raw)


def _share(form: Mapping[str, str], name: str, errors: dict[str, str]) -> Decimal | None:
    raw = form.get(name, "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        share = Decimal(raw)
    except InvalidOperation:
        share = Decimal(-1)
    if not share.is_finite() or not 0 <= share <= 100:
        errors[name] = _("Tỷ lệ là một số từ 0 đến 100, hoặc để trống.")
        return None
    return share.quantize(Decimal("0.01"))


def read_targets(
    form: Mapping[str, str], unit_ids: list[int]
) -> tuple[dict[int | None, Target], int, int]:
    """The targets of the form, per unit (None: the whole programme), and the programme's first
    and last years; or ``Invalid`` with a message per field in ``details["fields"]``."""
    errors: dict[str, str] = {}
    found: dict[int | None, Target] = {}
    for key, unit_id in [(WHOLE, None), *((str(unit_id), unit_id) for unit_id in unit_ids)]:
        found[unit_id] = Target(
            _count(form, f"per_year-{key}", errors),
            _count(form, f"cumulative-{key}", errors),
            _share(form, f"share-{key}", errors),
        )
    first, last = form.get("first_year", "").strip(), form.get("last_year", "").strip()
    if not (YEAR.fullmatch(first) and YEAR.fullmatch(last)) or not (
        0 <= int(last) - int(first) <= MAX_SPAN
    ):
        errors["years"] = _(
            "Năm bắt đầu và năm kết thúc là hai năm như 2025 và 2028, năm kết thúc không trước "
            "năm bắt đầu, và chương trình dài tối đa %(most)s năm.",
            most=MAX_SPAN,
        )
    if errors:
        raise Invalid("invalid_targets", _("Hãy sửa các ô được đánh dấu."), fields=errors)
    return found, int(first), int(last)


def _described(row: ProgrammeTarget) -> dict[str, Any]:
    share = row.author_share_pct
    return {
        "per_year": row.per_year,
        "cumulative": row.cumulative,
        "author_share_pct": None if share is None else str(share),
        "first_year": row.first_year,
        "last_year": row.last_year,
    }


def set_targets(
    session: Session,
    targets: Mapping[int | None, Target],
    first_year: int,
    last_year: int,
    actor: Organiser,
) -> None:
    """Save the programme's and the units' targets; a unit with no number keeps no row."""
    rows = {row.unit_id: row for row in session.scalars(select(ProgrammeTarget))}
    for unit_id, target in targets.items():
        row = rows.get(unit_id)
        empty = target == Target()
        if row is None and (empty and unit_id is not None):
            continue
        before = _described(row) if row is not None else None
        if row is not None and empty and unit_id is not None:
            session.delete(row)
            after = None
        else:
            if row is None:
                row = ProgrammeTarget(unit_id=unit_id)
                session.add(row)
            row.per_year = target.per_year
            row.cumulative = target.cumulative
            row.author_share_pct = target.author_share_pct
            row.first_year, row.last_year = first_year, last_year
            after = _described(row)
        if before != after:
            subject = f"unit:{unit_id}" if unit_id is not None else "programme"
            audit.record(session, actor, "programme.target", subject, before=before, after=after)
    session.flush()


def _targets_page(
    errors: Mapping[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    session = db.session()
    rows = {row.unit_id: row for row in session.scalars(select(ProgrammeTarget))}
    form = request.form if errors else None
    page = render_template(
        "initiatives/programme/targets.html",
        whole=programme_row(session),
        rows=rows,
        lines=flatten(unit_tree(session)),
        errors=errors or {},
        form=form,
        share=lambda value: "" if value is None else number(value, 2 if value % 1 else 0),
    )
    return page, status


@bp.route("/targets")
@admin_required
def targets() -> ResponseReturnValue:
    """The targets of the whole programme and of each unit that sets its own."""
    return _targets_page()


@bp.route("/targets", methods=["POST"])
@admin_required
def save_targets() -> ResponseReturnValue:
    """Save every target of the form at once."""
    writing = db.write()
    unit_ids = list(writing.scalars(select(Unit.id)))
    try:
        found, first, last = read_targets(request.form, unit_ids)
    except Invalid as error:
        db.rollback()
        return _targets_page(error.details.get("fields", {}), 422)
    actor = signed_in_organiser()
    assert actor is not None  # the decorator let only administrators in
    set_targets(writing, found, first, last, actor)
    flash(_("Đã lưu chỉ tiêu."), "info")
    return redirect(url_for("programme.dashboard"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
