"""The organiser's pages of the pitch contest: judging progress, and the jury (Hội đồng chấm
thi) with its judges, their cards and their recusals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core import audit, db, qr
from core.auth import can_manage, signed_in_organiser
from core.errors import Conflict, Invalid, NotFound, status_of
from core.i18n import locale_code, nfc
from core.links import external_url
from core.manage import MenuItem, event_page
from core.models import Event, EventRole, Round, Unit
from core.service import SEALED
from initiatives.models import Initiative
from scoring.models import COUNTED, Criterion, Entry, Judge, JuryRole, Recusal
from scoring.progress import judging_progress, set_aside_sheets
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
from scoring.service import (
    add_judge,
    edit_judge,
    read_judge_form,
    recuse_by_hand,
    reissue_card,
    set_judge_active,
    take_back_recusal,
)

bp = Blueprint("scoring_manage", __name__, url_prefix="/manage/<slug>", template_folder="templates")


@bp.route("/judging")
@event_page()
def judging(event: Event) -> ResponseReturnValue:
    """Judging progress: each judge's sheets, submitted and in draft, out of those expected;
    and the sheets that a recusal took out of the count."""
    return render_template(
        "scoring/manage/judging.html",
        event=event,
        progress=judging_progress(db.session(), event),
        set_aside=set_aside_sheets(db.session(), event),
        may_reissue=can_manage(event, EventRole.MANAGER),
        section="judging",
    )


@bp.route("/judges/<int:judge_id>/card", methods=["POST"])
@event_page(EventRole.MANAGER)
def new_card(event: Event, judge_id: int) -> ResponseReturnValue:
    """A new card for a judge whose card was lost or seen by others. The new link is shown
    once, on this answer, which no browser keeps."""
    organiser = signed_in_organiser()
    assert organiser is not None
    writing = db.write()
    judge = writing.get(Judge, judge_id)
    if judge is None or judge.event_id != event.id:
        raise NotFound("judge_not_found", _("Không tìm thấy giám khảo này."))
    token = reissue_card(writing, judge, actor=audit.actor(organiser))
    link = external_url("scoring.magic_link", token=token)
    page = render_template(
        "scoring/manage/card.html", event=event, judge=judge, link=link, qr=qr.svg_data_uri(link)
    )
    return page, 200, {"Cache-Control": "no-store"}


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "judging", lazy_gettext("Tiến độ chấm điểm"), "scoring_manage.judging", position=30
    )


# --- The jury (Hội đồng chấm thi) ---------------------------------------------------------------

JURY_ROLE_NAMES = {
    JuryRole.UNION: lazy_gettext("Đại diện Công đoàn"),
    JuryRole.PROFESSIONAL: lazy_gettext("Đại diện chuyên môn"),
    JuryRole.EXPERT: lazy_gettext("Chuyên gia kỹ thuật"),
    JuryRole.MANAGER: lazy_gettext("Cán bộ quản lý"),
}
# Ids beyond the columns' range name nothing; the databases would refuse to compare them.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class JuryMember:
    """A judge on the jury page: who they are, and the entries they do not score, each with
    its title and whether a sheet the judge sent for it is set aside."""

    judge: Judge
    recusals: list[tuple[Recusal, str, bool]]


def jury_members(session: Session, event: Event) -> list[JuryMember]:
    """The event's judges, active first, by name, each with their recusals in running order."""
    judges = session.scalars(
        select(Judge)
        .where(Judge.event_id == event.id)
        .options(joinedload(Judge.unit))
        .order_by(Judge.active.desc(), Judge.name)
    ).all()
    # A sheet sent before the recusal: it counts again if the recusal is taken back.
    set_aside = {
        (row.judge.id, row.entry_id)
        for row in set_aside_sheets(session, event)
        if row.status in COUNTED
    }
    recusals: dict[int, list[tuple[Recusal, str, bool]]] = {judge.id: [] for judge in judges}
    for recusal, title in session.execute(
        select(Recusal, Initiative.title)
        .join(Entry, Entry.id == Recusal.entry_id)
        .join(Round, Round.id == Entry.round_id)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(Round.event_id == event.id)
        .order_by(Round.position, Entry.running_order)
    ).tuples():
        key = (recusal.judge_id, recusal.entry_id)
        recusals[recusal.judge_id].append((recusal, title, key in set_aside))
    return [JuryMember(judge, recusals[judge.id]) for judge in judges]


def event_entries(session: Session, event: Event) -> list[tuple[int, str]]:
    """The event's entries, as the recusal form lists them: id and title, in running order."""
    rows = session.execute(
        select(Entry.id, Initiative.title)
        .join(Round, Round.id == Entry.round_id)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(Round.event_id == event.id)
        .order_by(Round.position, Entry.running_order)
    ).tuples()
    return list(rows)


def _jury_page(
    event: Event,
    *,
    status: int = 200,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    editing: int | None = None,
    problem: str = "",
) -> ResponseReturnValue:
    """The jury page; ``form`` and ``errors`` belong to the form of judge ``editing``, to the
    new judge's form (``editing`` None, ``form["form"] == "add"``) or to the recusal's form
    (``form["form"] == "recusal"``)."""
    session = db.session()
    page = render_template(
        "scoring/manage/jury.html",
        event=event,
        members=jury_members(session, event),
        entries=event_entries(session, event),
        units=session.scalars(select(Unit).order_by(Unit.name)).all(),
        roles=list(JuryRole),
        jury_role_names=JURY_ROLE_NAMES,
        may_edit=can_manage(event, EventRole.MANAGER),
        sealed=event.status in SEALED,
        form=form or {},
        errors=errors or {},
        editing=editing,
        problem=problem,
        section="jury",
    )
    return page, status


def _actor() -> str:
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only organisers in
    return audit.actor(organiser)


def _judge_or_404(session: Session, event: Event, judge_id: int) -> Judge:
    judge = session.get(Judge, judge_id) if 0 < judge_id <= MAX_ID else None
    if judge is None or judge.event_id != event.id:
        raise NotFound("judge_not_found", _("Không tìm thấy giám khảo này."))
    return judge


def _typed(*keys: str) -> dict[str, str]:
    return {key: nfc(request.form.get(key, "")).strip() for key in keys}


@bp.route("/jury")
@event_page()
def jury(event: Event) -> ResponseReturnValue:
    """The Hội đồng chấm thi: each judge, their role, unit and recusals; managers change it."""
    return _jury_page(event)


@bp.route("/jury/judges", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_add(event: Event) -> ResponseReturnValue:
    """Add a judge; their card's link and QR code are shown once, on this answer, which no
    browser keeps."""
    form = _typed("name", "role", "unit", "chair") | {"form": "add"}
    try:
        data = read_judge_form(db.session(), form)
        added = add_judge(db.write(), event, data, _actor())
    except (Invalid, Conflict) as error:
        db.rollback()
        errors = error.details.get("fields", {})
        return _jury_page(
            event, status=status_of(error), form=form, errors=errors, problem=error.message
        )
    link = external_url("scoring.magic_link", token=added.token)
    page = render_template(
        "scoring/manage/card.html",
        event=event,
        judge=added.judge,
        link=link,
        qr=qr.svg_data_uri(link),
        added=True,
        recused=added.recused,
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/jury/judges/<int:judge_id>", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_edit(event: Event, judge_id: int) -> ResponseReturnValue:
    """Change a judge's name, role, unit or chair flag."""
    form = _typed("name", "role", "unit", "chair")
    writing = db.write()
    judge = _judge_or_404(writing, event, judge_id)
    try:
        data = read_judge_form(writing, form)
        recused = edit_judge(writing, judge, data, _actor())
    except (Invalid, Conflict) as error:
        db.rollback()
        errors = error.details.get("fields", {})
        return _jury_page(
            event,
            status=status_of(error),
            form=form,
            errors=errors,
            editing=judge_id,
            problem=error.message,
        )
    flash(_("Đã lưu thông tin của %(name)s.", name=judge.name), "info")
    if recused:
        flash(
            _(
                "%(name)s không chấm %(count)s bài của đơn vị mới. Các bài của đơn vị cũ vẫn "
                "được ghi là không chấm: bỏ từng lượt bên dưới nếu không còn đúng.",
                name=judge.name,
                count=recused,
            ),
            "info",
        )
    return redirect(url_for("scoring_manage.jury", slug=event.slug))


@bp.route("/jury/judges/<int:judge_id>/active", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_active(event: Event, judge_id: int) -> ResponseReturnValue:
    """Stop a judge (``active=0``) or restart one (``active=1``)."""
    writing = db.write()
    judge = _judge_or_404(writing, event, judge_id)
    active = request.form.get("active") == "1"
    try:
        set_judge_active(writing, judge, active, _actor())
    except Conflict as error:
        db.rollback()
        return _jury_page(event, status=status_of(error), problem=error.message)
    if active:
        flash(
            _("%(name)s đã trở lại Hội đồng; phiếu của họ lại được tính.", name=judge.name), "info"
        )
    else:
        flash(
            _(
                "%(name)s đã ngừng chấm: phiếu của họ không còn được tính, thẻ và máy tính bảng "
                "của họ đã ngừng hoạt động.",
                name=judge.name,
            ),
            "info",
        )
    return redirect(url_for("scoring_manage.jury", slug=event.slug))


@bp.route("/jury/recusals", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_recuse(event: Event) -> ResponseReturnValue:
    """A judge will not score an entry, for the reason given (empty: same unit as the
    authors); a sheet they sent for it stops counting."""
    form = _typed("judge", "entry", "reason") | {"form": "recusal"}
    writing = db.write()
    judge_id, entry_id = (
        int(form[key]) if form[key].isdecimal() else 0 for key in ("judge", "entry")
    )
    try:
        judge = _judge_or_404(writing, event, judge_id)
        if not 0 < entry_id <= MAX_ID:
            raise NotFound("entry_not_found", _("Hãy chọn một bài dự thi."), field="entry")
        recuse_by_hand(writing, judge, entry_id, form["reason"], _actor())
    except (Invalid, Conflict, NotFound) as error:
        db.rollback()
        field = error.details.get("field") or {
            "judge_not_found": "judge",
            "entry_not_found": "entry",
            "invalid_reason": "reason",
            "already_recused": "entry",
        }.get(error.code, "")
        errors = {field: error.message} if field else {}
        return _jury_page(
            event,
            status=status_of(error),
            form=form,
            errors=errors,
            problem="" if field else error.message,
        )
    flash(_("Đã ghi: %(name)s không chấm bài này.", name=judge.name), "info")
    return redirect(url_for("scoring_manage.jury", slug=event.slug))


@bp.route("/jury/judges/<int:judge_id>/recusals/<int:entry_id>/remove", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_unrecuse(event: Event, judge_id: int, entry_id: int) -> ResponseReturnValue:
    """The judge scores the entry again; a sheet they sent before the recusal counts again."""
    writing = db.write()
    judge = _judge_or_404(writing, event, judge_id)
    if not 0 < entry_id <= MAX_ID:
        raise NotFound("recusal_not_found", _("Giám khảo này không có lượt không chấm bài này."))
    try:
        take_back_recusal(writing, judge, entry_id, _actor())
    except Conflict as error:
        db.rollback()
        return _jury_page(event, status=status_of(error), problem=error.message)
    flash(_("%(name)s lại chấm bài này.", name=judge.name), "info")
    return redirect(url_for("scoring_manage.jury", slug=event.slug))


def jury_menu_item(_event: Event) -> MenuItem:
    return MenuItem("jury", lazy_gettext("Hội đồng chấm thi"), "scoring_manage.jury", position=25)


# --- The rubric (Thang điểm) --------------------------------------------------------------------


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
    return redirect(url_for("scoring_manage.rubric", slug=event.slug))


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
    return redirect(url_for("scoring_manage.rubric", slug=event.slug))


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


def rubric_menu_item(_event: Event) -> MenuItem:
    return MenuItem("rubric", lazy_gettext("Thang điểm"), "scoring_manage.rubric", position=27)
