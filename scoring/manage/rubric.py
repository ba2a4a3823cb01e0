"""The rubric (Thang điểm): the editor, the default, and a preview of the judge's sheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from core import audit, db
from core.auth import can_manage, signed_in_organiser
from core.errors import Conflict
from core.i18n import locale_code
from core.manage import MenuItem, event_page
from core.models import Event, EventRole, Round
from scoring.models import Criterion
from scoring.results import UNTRIMMED_MEAN
from scoring.rubric import (
    MAX_BANDS,
    MAX_CRITERIA,
    CriterionDraft,
    Problem,
    criteria,
    draft_of,
    drafts_from_form,
    edited,
    parse_number,
    rubric_problems,
    shown,
)
from scoring.rubric_service import restore_default_rubric, rubric_lock, save_rubric

bp = Blueprint("scoring_rubric", __name__, url_prefix="/manage/<slug>")


@dataclass(frozen=True)
class Flagged:
    """A problem of the rubric as the summary above the form lists it: which criterion, what,
    and the box to jump to."""

    field: str
    where: str
    message: str


def _flagged(problems: Sequence[Problem], drafts: Sequence[CriterionDraft]) -> list[Flagged]:
    found = []
    for problem in problems:
        number = problem.field.removeprefix("c").split("-", 1)[0]
        if problem.field.startswith("c") and number.isdigit() and int(number) < len(drafts):
            name = drafts[int(number)].name_vi
            where = _("Tiêu chí %(number)s", number=int(number) + 1)
            where = f"{where} ({name})" if name else where
            found.append(Flagged(problem.field, where, problem.message))
        elif problem.field == "weights" and drafts:
            found.append(Flagged("c0-weight", _("Trọng số"), problem.message))
        else:
            found.append(Flagged("add-criterion", _("Thang điểm"), problem.message))
    return found


def _weight_total(drafts: Sequence[CriterionDraft]) -> str:
    """The weights' sum as typed, for the bar above the form; what cannot be read counts 0."""
    return shown(sum((parse_number(draft.weight) or Decimal(0) for draft in drafts), Decimal(0)))


def _tie_break_names(event: Event, rows: Sequence[Criterion]) -> list[str]:
    names = {row.key: row.name(locale_code()) for row in rows}
    untrimmed = _("điểm trung bình của mọi phiếu (không bỏ phiếu nào)")
    return [
        untrimmed if rule == UNTRIMMED_MEAN else names.get(rule, rule) for rule in event.tie_break
    ]


def _rubric_page(
    event: Event,
    drafts: Sequence[CriterionDraft] | None = None,
    *,
    problems: Sequence[Problem] = (),
    status: int = 200,
    unsaved: bool = False,
    focus: str = "",
    lock: str | None = None,
) -> ResponseReturnValue:
    session = db.session()
    rows = criteria(session, event.id)
    lock = lock or rubric_lock(session, event)
    drafts = [draft_of(row) for row in rows] if drafts is None else drafts
    errors: dict[str, str] = {}
    for problem in problems:
        errors[problem.field] = f"{errors.get(problem.field, '')} {problem.message}".strip()
    page = render_template(
        "scoring/manage/rubric.html",
        event=event,
        rows=rows,
        drafts=drafts,
        errors=errors,
        flagged=_flagged(problems, drafts),
        weight_total=_weight_total(drafts),
        tie_break=_tie_break_names(event, rows),
        lock=lock,
        may_edit=can_manage(event, EventRole.MANAGER),
        may_copy=can_manage(event, EventRole.OWNER),
        unsaved=unsaved,
        focus=focus,
        max_criteria=MAX_CRITERIA,
        max_bands=MAX_BANDS,
        shown=shown,
        section="rubric",
    )
    return page, status


@bp.route("/rubric")
@event_page()
def rubric(event: Event) -> ResponseReturnValue:
    """The event's rubric: its managers edit it while it is unlocked; the others read it, and
    why it is locked."""
    return _rubric_page(event)


def _focus_after(action: str, drafts: Sequence[CriterionDraft]) -> str:
    """The box to put the cursor in once the form comes back: the new criterion's key, the new
    band's bottom."""
    if action == "add":
        return f"c{len(drafts) - 1}-key"
    number = action.removeprefix("add-band-")
    if number != action and number.isascii() and number.isdigit() and int(number) < len(drafts):
        return f"c{number}-b{len(drafts[int(number)].bands) - 1}-min"
    return ""


@bp.route("/rubric", methods=["POST"])
@event_page(EventRole.MANAGER)
def edit_rubric(event: Event) -> ResponseReturnValue:
    """The editor's form: ``action=save`` checks and saves the whole rubric at once (the weights
    must add up to 100% together); the other buttons (add, remove, move a criterion or a band)
    change the form only, to be saved afterwards."""
    lock = rubric_lock(db.session(), event)
    if lock is not None:
        return _rubric_page(event, status=409, lock=lock)
    drafts = drafts_from_form(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        drafts = edited(drafts, action)
        return _rubric_page(event, drafts, unsaved=True, focus=_focus_after(action, drafts))
    problems = rubric_problems(drafts)
    if problems:
        return _rubric_page(event, drafts, problems=problems, status=422)
    organiser = signed_in_organiser()
    assert organiser is not None
    try:
        saved = save_rubric(db.write(), event, drafts, audit.actor(organiser))
    except Conflict as error:
        db.rollback()
        return _rubric_page(event, status=409, lock=error.message)
    if saved.changed:
        flash(_("Đã lưu thang điểm."), "info")
    else:
        flash(_("Thang điểm không có gì thay đổi."), "info")
    for note in saved.notes:
        flash(note, "info")
    return redirect(url_for("scoring_rubric.rubric", slug=event.slug))


@bp.route("/rubric/default", methods=["POST"])
@event_page(EventRole.MANAGER)
def restore_rubric(event: Event) -> ResponseReturnValue:
    """Put back the default rubric (DOMAIN.md) in place of the event's criteria."""
    organiser = signed_in_organiser()
    assert organiser is not None
    try:
        restore_default_rubric(db.write(), event, audit.actor(organiser))
    except Conflict as error:
        db.rollback()
        return _rubric_page(event, status=409, lock=error.message)
    flash(_("Đã khôi phục thang điểm mặc định."), "info")
    return redirect(url_for("scoring_rubric.rubric", slug=event.slug))


@dataclass(frozen=True)
class _Named:
    name: str


@dataclass(frozen=True)
class _SampleInitiative:
    title: str
    unit: _Named


@dataclass(frozen=True)
class SamplePitch:
    """What the judge's sheet reads of an entry, for a pitch that exists nowhere."""

    id: int
    running_order: int
    round: _Named
    initiative: _SampleInitiative


@bp.route("/rubric/preview")
@event_page()
def preview_rubric(event: Event) -> ResponseReturnValue:
    """The judge's sheet with the event's rubric as saved, for a sample pitch. The organiser may
    try it: nothing is kept on this browser nor sent (the page has no outbox)."""
    session = db.session()
    first_round = session.scalar(
        select(Round.name).where(Round.event_id == event.id).order_by(Round.position)
    )
    pitch = SamplePitch(
        id=0,
        running_order=1,
        round=_Named(first_round or _("Vòng chung khảo")),
        initiative=_SampleInitiative(
            _("Bài mẫu: Cảnh báo quá nhiệt tủ điện hạ thế bằng IoT"),
            _Named(_("Đơn vị của tác giả")),
        ),
    )
    return render_template(
        "scoring/sheet.html",
        preview=True,
        event=event,
        judge=None,
        entry=pitch,
        recusal=None,
        criteria=criteria(session, event.id),
        sheet_id="preview",
        state=None,
        position=1,
        count=1,
        next_entry=None,
    )


def menu_item(_event: Event) -> MenuItem:
    return MenuItem("rubric", lazy_gettext("Thang điểm"), "scoring_rubric.rubric", position=27)
