"""The organiser's ceremony pages: Lễ trao giải (freeze, reveal, rehearsal) and Kịch bản chương
trình (the run-sheet), and the MC tablet's page.

Every change is a plain form that comes back to its page. A click that reveals or advances
carries what the page showed (``seen``): the same click sent twice moves nothing twice.
The MC tablet is an organiser's session (any role in the event, such as an account the Ban Tổ
chức adds for the MC on the Nhân sự page): no separate link or token to hand out, lose or revoke.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from core import db
from core.auth import can_manage
from core.errors import Conflict, Invalid, Malformed
from core.manage import MenuItem, acting_organiser, event_page
from core.models import Event, EventRole
from core.models.base import MAX_ID
from display import ceremony, reveal
from display.modes import mode_of, modes
from scoring import freeze
from scoring.manage.results import PRIZE_NAMES
from scoring.standings import live_snapshot

bp = Blueprint(
    "display_ceremony", __name__, url_prefix="/manage/<slug>", template_folder="templates"
)
mc = Blueprint("display_mc", __name__, template_folder="templates")

STEPS = {"up": -1, "down": 1}


def _seen() -> int | None:
    text = request.form.get("seen", "")
    return int(text) if text.isascii() and text.isdecimal() and int(text) <= MAX_ID else None


def _mode_name(value: str) -> str:
    found = mode_of(value)
    return str(found.label) if found else value


# --- Lễ trao giải: freeze, reveal, rehearsal ---------------------------------------------------


def _ceremony_page(event: Event, problem: str = "", status: int = 200) -> ResponseReturnValue:
    session = db.session()
    real = ceremony.find_reveal(session, event, rehearsal=False)
    practice = ceremony.find_reveal(session, event, rehearsal=True)
    page = render_template(
        "display/manage/ceremony.html",
        event=event,
        frozen=freeze.current(session, event),
        live=live_snapshot(session, event, 0),
        real=real,
        upcoming=None if real is None else reveal.upcoming(real.steps, real.shown),
        practice=practice,
        practice_next=None if practice is None else reveal.upcoming(practice.steps, practice.shown),
        screens=ceremony.event_screens(session, event),
        prize_names=PRIZE_NAMES,
        mode_name=_mode_name,
        may_edit=can_manage(event, EventRole.MANAGER),
        problem=problem,
        section="ceremony",
    )
    return page, status


def _back(event: Event) -> ResponseReturnValue:
    return redirect(url_for("display_ceremony.ceremony_page", slug=event.slug))


def _refused(event: Event, error: Conflict | Invalid) -> ResponseReturnValue:
    db.rollback()
    return _ceremony_page(event, error.message, 409 if isinstance(error, Conflict) else 422)


@bp.route("/ceremony")
@event_page()
def ceremony_page(event: Event) -> ResponseReturnValue:
    """The ceremony's control page: the freeze, the reveal with the next step's preview (here
    only), and the rehearsal."""
    return _ceremony_page(event)


@bp.route("/ceremony/freeze", methods=["POST"])
@event_page(EventRole.MANAGER)
def freeze_standings(event: Event) -> ResponseReturnValue:
    try:
        freeze.freeze(db.write(), event, acting_organiser())
    except Conflict as error:
        return _refused(event, error)
    flash(
        _("Đã đóng băng kết quả: màn hình, điện thoại và API giữ nguyên bảng xếp hạng này."), "info"
    )
    return _back(event)


@bp.route("/ceremony/unfreeze", methods=["POST"])
@event_page(EventRole.MANAGER)
def unfreeze_standings(event: Event) -> ResponseReturnValue:
    try:
        freeze.lift(db.write(), event, acting_organiser())
    except Conflict as error:
        return _refused(event, error)
    flash(_("Đã bỏ đóng băng: bảng xếp hạng công khai cập nhật trở lại."), "info")
    return _back(event)


@bp.route("/ceremony/reveal", methods=["POST"])
@event_page(EventRole.MANAGER)
def prepare_reveal(event: Event) -> ResponseReturnValue:
    """Prepare the reveal of the results as they stand now (only the prizes, or every place)."""
    awarded_only = request.form.get("places") != "all"
    try:
        ceremony.start_reveal(db.write(), event, acting_organiser(), awarded_only=awarded_only)
    except Conflict as error:
        return _refused(event, error)
    flash(_("Đã chuẩn bị phần công bố. Chưa có bước nào hiện trên màn hình."), "info")
    return _back(event)


@bp.route("/ceremony/reveal/next", methods=["POST"])
@event_page(EventRole.MANAGER)
def next_reveal_step(event: Event) -> ResponseReturnValue:
    try:
        ceremony.reveal_next(db.write(), event, acting_organiser(), rehearsal=False, seen=_seen())
    except Conflict as error:
        return _refused(event, error)
    return _back(event)


@bp.route("/ceremony/rehearsal", methods=["POST"])
@event_page(EventRole.MANAGER)
def start_rehearsal(event: Event) -> ResponseReturnValue:
    try:
        ceremony.start_rehearsal(
            db.write(), event, acting_organiser(), request.form.get("screen", "")
        )
    except (Conflict, Invalid) as error:
        return _refused(event, error)
    flash(_("Đã bắt đầu tập dượt trên màn hình đã chọn, với dữ liệu mẫu."), "info")
    return _back(event)


@bp.route("/ceremony/rehearsal/next", methods=["POST"])
@event_page(EventRole.MANAGER)
def next_rehearsal_step(event: Event) -> ResponseReturnValue:
    try:
        ceremony.reveal_next(db.write(), event, acting_organiser(), rehearsal=True, seen=_seen())
    except Conflict as error:
        return _refused(event, error)
    return _back(event)


@bp.route("/ceremony/rehearsal/stop", methods=["POST"])
@event_page(EventRole.MANAGER)
def stop_rehearsal(event: Event) -> ResponseReturnValue:
    ceremony.stop_rehearsal(db.write(), event)
    flash(_("Đã kết thúc tập dượt."), "info")
    return _back(event)


# --- Kịch bản chương trình ------------------------------------------------------------------


def _runsheet_page(
    event: Event,
    *,
    form: dict[str, Any] | None = None,
    error: Invalid | None = None,
    problem: str = "",
    status: int = 200,
) -> ResponseReturnValue:
    session = db.session()
    steps = ceremony.run_sheet(session, event)
    current, rehearsal = ceremony.current_step(session, event)
    page = render_template(
        "display/manage/runsheet.html",
        event=event,
        steps=steps,
        current=current,
        rehearsal=rehearsal,
        screens=ceremony.event_screens(session, event),
        modes=[(mode.mode.value, mode.label) for mode in modes()],
        mode_name=_mode_name,
        limits=ceremony.LIMITS,
        may_edit=can_manage(event, EventRole.MANAGER),
        form=form or {},
        error=error,
        problem=problem,
        section="runsheet",
    )
    return page, status


def _back_to_runsheet(event: Event) -> ResponseReturnValue:
    return redirect(url_for("display_ceremony.runsheet", slug=event.slug))


def _step_form(event: Event, key: str, step_id: int | None) -> ResponseReturnValue | None:
    """Add (``step_id`` None) or edit a step from the form; the page again on a mistake."""
    writing = db.write()
    form = {"form": key, **request.form.to_dict()}
    try:
        fields = ceremony.parse_step(request.form, ceremony.event_screens(writing, event))
    except Invalid as error:
        db.rollback()
        return _runsheet_page(event, form=form, error=error, status=422)
    if step_id is None:
        ceremony.add_step(writing, event, fields, acting_organiser())
    else:
        step = ceremony.step_or_404(writing, event, step_id)
        ceremony.edit_step(writing, step, fields, acting_organiser())
    return None


@bp.route("/runsheet")
@event_page()
def runsheet(event: Event) -> ResponseReturnValue:
    """The ceremony's run-sheet: its steps, edited ahead of time, then run one click at a time."""
    return _runsheet_page(event)


@bp.route("/runsheet", methods=["POST"])
@event_page(EventRole.MANAGER)
def runsheet_add(event: Event) -> ResponseReturnValue:
    refused = _step_form(event, "add", None)
    if refused is not None:
        return refused
    flash(_("Đã thêm bước vào kịch bản."), "info")
    return _back_to_runsheet(event)


@bp.route("/runsheet/<int:step_id>", methods=["POST"])
@event_page(EventRole.MANAGER)
def runsheet_edit(event: Event, step_id: int) -> ResponseReturnValue:
    refused = _step_form(event, f"step-{step_id}", step_id)
    if refused is not None:
        return refused
    flash(_("Đã lưu bước."), "info")
    return _back_to_runsheet(event)


@bp.route("/runsheet/<int:step_id>/move", methods=["POST"])
@event_page(EventRole.MANAGER)
def runsheet_move(event: Event, step_id: int) -> ResponseReturnValue:
    """Move a step one place earlier (``direction=up``) or later (``down``)."""
    delta = STEPS.get(request.form.get("direction", ""))
    if delta is None:
        raise Malformed("invalid_direction", _("Hãy chọn Lên hoặc Xuống."))
    writing = db.write()
    step = ceremony.step_or_404(writing, event, step_id)
    passed = ceremony.move_step(writing, event, step, delta, acting_organiser())
    if passed is not None:
        message = _(
            "Bước “%(title)s” giờ đứng trước bước đang chạy: “Bước tiếp theo” sẽ không đi qua "
            "bước này.",
            title=passed.title,
        )
        flash(message, "error")
    return _back_to_runsheet(event)


@bp.route("/runsheet/<int:step_id>/delete", methods=["POST"])
@event_page(EventRole.MANAGER)
def runsheet_delete(event: Event, step_id: int) -> ResponseReturnValue:
    writing = db.write()
    ceremony.delete_step(
        writing, event, ceremony.step_or_404(writing, event, step_id), acting_organiser()
    )
    flash(_("Đã xóa bước khỏi kịch bản."), "info")
    return _back_to_runsheet(event)


@bp.route("/runsheet/start", methods=["POST"])
@event_page(EventRole.MANAGER)
def runsheet_start(event: Event) -> ResponseReturnValue:
    """Go back before the first step: for the ceremony, or for a rehearsal (``rehearsal=on``)
    in which the MC tablet follows and the screens do not."""
    rehearsal = request.form.get("rehearsal") == "on"
    try:
        ceremony.start_run(db.write(), event, acting_organiser(), rehearsal=rehearsal)
    except Conflict as error:
        db.rollback()
        return _runsheet_page(event, problem=error.message, status=409)
    if rehearsal:
        flash(
            _(
                "Tập dượt kịch bản: máy tính bảng của người dẫn chương trình đi theo, "
                "màn hình lớn giữ nguyên."
            ),
            "info",
        )
    else:
        flash(_("Kịch bản đã sẵn sàng từ bước đầu tiên."), "info")
    return _back_to_runsheet(event)


@bp.route("/runsheet/next", methods=["POST"])
@event_page(EventRole.MANAGER)
def runsheet_next(event: Event) -> ResponseReturnValue:
    """Bước tiếp theo: the screens and the MC tablet together."""
    writing = db.write()
    try:
        step = ceremony.advance(writing, event, acting_organiser(), seen=_seen())
    except Conflict as error:
        db.rollback()
        return _runsheet_page(event, problem=error.message, status=409)
    _current, rehearsal = ceremony.current_step(writing, event)
    if step.reveal and not rehearsal and not ceremony.find_reveal(writing, event, rehearsal=False):
        message = _(
            "Bước “%(title)s” công bố kết quả, nhưng phần công bố chưa được chuẩn bị: không có "
            "kết quả nào được công bố. Trên trang Lễ trao giải, bấm “Chuẩn bị phần công bố”.",
            title=step.title,
        )
        flash(message, "error")
    return _back_to_runsheet(event)


# --- The MC tablet --------------------------------------------------------------------------


@mc.route("/mc/<slug>")
@event_page()
def mc_page(event: Event) -> ResponseReturnValue:
    """The MC tablet: the current step's lines as a teleprompter, the place it revealed, the next
    step's title."""
    return render_template(
        "display/mc.html",
        event=event,
        initial=ceremony.runsheet_snapshot(db.session(), event, 0),
        reveal_labels=ceremony.reveal_labels(),
    )


def menu_items(_event: Event) -> list[MenuItem]:
    return [
        MenuItem(
            "ceremony", lazy_gettext("Lễ trao giải"), "display_ceremony.ceremony_page", position=42
        ),
        MenuItem(
            "runsheet",
            lazy_gettext("Kịch bản chương trình"),
            "display_ceremony.runsheet",
            position=44,
        ),
    ]
