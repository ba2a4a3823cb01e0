"""Rounds and running order (Vòng thi và thứ tự thuyết trình): the event's rounds, the entries of
each drawn from the event's list of initiatives, their running order, and withdrawals.

Every change works as a plain form; on a round's page the script (``static/js/pages/rounds.js``)
moves entries by drag and drop or the keyboard and saves the whole order through
``POST /api/v1/events/<slug>/rounds/<round_id>/order``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy.orm import Session

from core import db
from core.auth import can_manage
from core.errors import Conflict, Invalid, Malformed, NotFound, status_of
from core.manage import MenuItem, acting_organiser, event_page, form_id
from core.models import Event, EventRole, Round, RoundKind, RoundStatus
from core.models.base import MAX_ID
from core.service import SEALED
from scoring.models import Entry, EntryStatus
from scoring.rounds import (
    MAX_ROUND_NAME,
    MAX_WITHDRAWN_REASON,
    add_entries,
    add_round,
    candidates,
    delete_round,
    event_rounds,
    finish_pitch,
    move_entry,
    move_round,
    reinstate_entry,
    remove_entry,
    rename_round,
    reorder_entries,
    round_entries,
    start_pitch,
    suggested_round_name,
    withdraw_entry,
)

bp = Blueprint("scoring_rounds", __name__, url_prefix="/manage/<slug>")
api = Blueprint("scoring_rounds_api", __name__, url_prefix="/api/v1/events/<slug>")

STEPS = {"up": -1, "down": 1}
ENTRY_STATUS_NAMES = {
    EntryStatus.SCHEDULED: lazy_gettext("Chờ thuyết trình"),
    EntryStatus.PITCHING: lazy_gettext("Đang thuyết trình"),
    EntryStatus.DONE: lazy_gettext("Đã thuyết trình"),
    EntryStatus.WITHDRAWN: lazy_gettext("Đã rút khỏi hội thi"),
}


def _round_or_404(session: Session, event: Event, round_id: int) -> Round:
    round_ = session.get(Round, round_id) if 0 < round_id <= MAX_ID else None
    if round_ is None or round_.event_id != event.id:
        raise NotFound("round_not_found", _("Không tìm thấy vòng thi này."))
    return round_


def _entry_or_404(session: Session, round_: Round, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id) if 0 < entry_id <= MAX_ID else None
    if entry is None or entry.round_id != round_.id:
        raise NotFound("entry_not_found", _("Không tìm thấy bài dự thi này trong sự kiện."))
    return entry


def _step() -> int:
    step = STEPS.get(request.form.get("direction", ""))
    if step is None:
        raise Malformed("invalid_direction", _("Hãy chọn Lên hoặc Xuống."))
    return step


# --- The rounds ---------------------------------------------------------------------------------


def _rounds_page(
    event: Event,
    *,
    status: int = 200,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    problem: str = "",
) -> ResponseReturnValue:
    """The rounds' page; ``form`` and ``errors`` belong to the form named by ``form["form"]``:
    ``add``, or ``round-<id>`` for a rename."""
    session = db.session()
    page = render_template(
        "scoring/manage/rounds.html",
        event=event,
        rounds=event_rounds(session, event),
        suggested=suggested_round_name(session, event),
        may_edit=can_manage(event, EventRole.MANAGER),
        sealed=event.status in SEALED,
        locked=RoundStatus.LOCKED,
        max_name=MAX_ROUND_NAME,
        form=form or {},
        errors=errors or {},
        problem=problem,
        section="rounds",
    )
    return page, status


def _back_to_rounds(event: Event) -> ResponseReturnValue:
    return redirect(url_for("scoring_rounds.rounds", slug=event.slug))


@bp.route("/rounds")
@event_page()
def rounds(event: Event) -> ResponseReturnValue:
    """The event's rounds in their order; managers add, rename, move and delete them."""
    return _rounds_page(event)


@bp.route("/rounds", methods=["POST"])
@event_page(EventRole.MANAGER)
def rounds_add(event: Event) -> ResponseReturnValue:
    """A new round, after the last."""
    form = {
        "form": "add",
        "name": request.form.get("name", ""),
        "kind": request.form.get("kind", ""),
    }
    kind = RoundKind.CALIBRATION if form["kind"] == RoundKind.CALIBRATION else RoundKind.CONTEST
    try:
        added = add_round(db.write(), event, form["name"], acting_organiser(), kind)
    except (Invalid, Conflict) as error:
        db.rollback()
        return _rounds_page(
            event, status=status_of(error), form=form, errors={"add": error.message}
        )
    flash(_("Đã thêm vòng “%(name)s”.", name=added.name), "info")
    return _back_to_rounds(event)


@bp.route("/rounds/<int:round_id>/name", methods=["POST"])
@event_page(EventRole.MANAGER)
def rounds_rename(event: Event, round_id: int) -> ResponseReturnValue:
    key = f"round-{round_id}"
    form = {"form": key, "name": request.form.get("name", "")}
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    try:
        rename_round(writing, round_, form["name"], acting_organiser())
    except (Invalid, Conflict) as error:
        db.rollback()
        return _rounds_page(event, status=status_of(error), form=form, errors={key: error.message})
    flash(_("Đã đổi tên vòng thành “%(name)s”.", name=round_.name), "info")
    return _back_to_rounds(event)


@bp.route("/rounds/<int:round_id>/move", methods=["POST"])
@event_page(EventRole.MANAGER)
def rounds_move(event: Event, round_id: int) -> ResponseReturnValue:
    """Move a round one place earlier (``direction=up``) or later (``down``)."""
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    try:
        move_round(writing, round_, _step(), acting_organiser())
    except Conflict as error:
        db.rollback()
        return _rounds_page(event, status=status_of(error), problem=error.message)
    return _back_to_rounds(event)


@bp.route("/rounds/<int:round_id>/delete", methods=["POST"])
@event_page(EventRole.MANAGER)
def rounds_delete(event: Event, round_id: int) -> ResponseReturnValue:
    """Delete a round and its entries, as long as no judge has a sheet for one of them."""
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    name = round_.name
    try:
        delete_round(writing, round_, acting_organiser())
    except Conflict as error:
        db.rollback()
        return _rounds_page(event, status=status_of(error), problem=error.message)
    flash(_("Đã xóa vòng “%(name)s”.", name=name), "info")
    return _back_to_rounds(event)


# --- One round: its entries and their running order ---------------------------------------------


def _round_page(
    event: Event,
    round_: Round,
    *,
    status: int = 200,
    form: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    problem: str = "",
) -> ResponseReturnValue:
    """A round's page; ``form`` and ``errors`` belong to the form named by ``form["form"]``:
    ``add`` (entries), or ``withdraw-<entry id>``."""
    session = db.session()
    query = request.args.get("q", "")
    sealed = event.status in SEALED
    locked = round_.status == RoundStatus.LOCKED
    page = render_template(
        "scoring/manage/round.html",
        event=event,
        round=round_,
        rows=round_entries(session, round_),
        candidates=candidates(session, round_, query),
        query=query,
        may_edit=can_manage(event, EventRole.MANAGER) and not sealed and not locked,
        sealed=sealed,
        locked=locked,
        max_reason=MAX_WITHDRAWN_REASON,
        status_names=ENTRY_STATUS_NAMES,
        withdrawn=EntryStatus.WITHDRAWN,
        pitching=EntryStatus.PITCHING,
        form=form or {},
        errors=errors or {},
        problem=problem,
        section="rounds",
    )
    return page, status


def _back_to_round(event: Event, round_: Round) -> ResponseReturnValue:
    return redirect(url_for("scoring_rounds.round_page", slug=event.slug, round_id=round_.id))


@bp.route("/rounds/<int:round_id>")
@event_page()
def round_page(event: Event, round_id: int) -> ResponseReturnValue:
    """A round's entries in running order; managers add entries from the event's list (``q``
    filters it), reorder, withdraw and reinstate them."""
    return _round_page(event, _round_or_404(db.session(), event, round_id))


@bp.route("/rounds/<int:round_id>/entries", methods=["POST"])
@event_page(EventRole.MANAGER)
def round_add_entries(event: Event, round_id: int) -> ResponseReturnValue:
    """Put the ticked initiatives into the round, at the end of its running order."""
    chosen = request.form.getlist("initiative")
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    ids = [found for found in map(form_id, chosen) if found is not None]
    try:
        if len(ids) != len(chosen):
            raise Conflict("initiative_unavailable", _("Hãy tải lại trang rồi chọn lại."))
        added = add_entries(writing, round_, ids, acting_organiser())
    except (Invalid, Conflict) as error:
        db.rollback()
        form = {"form": "add", "initiative": chosen}
        return _round_page(
            event, round_, status=status_of(error), form=form, errors={"add": error.message}
        )
    flash(
        _("Đã thêm %(count)s bài vào vòng “%(name)s”.", count=len(added.entries), name=round_.name),
        "info",
    )
    if added.recused:
        flash(
            _(
                "Đã ghi %(count)s lượt giám khảo không chấm bài của chính đơn vị mình.",
                count=added.recused,
            ),
            "info",
        )
    return _back_to_round(event, round_)


@bp.route("/rounds/<int:round_id>/entries/<int:entry_id>/move", methods=["POST"])
@event_page(EventRole.MANAGER)
def round_move_entry(event: Event, round_id: int, entry_id: int) -> ResponseReturnValue:
    """Move an entry one place earlier or later: the form the Lên and Xuống buttons send when
    the page's script is not running."""
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    entry = _entry_or_404(writing, round_, entry_id)
    try:
        move_entry(writing, entry, _step(), acting_organiser())
    except Conflict as error:
        db.rollback()
        return _round_page(event, round_, status=status_of(error), problem=error.message)
    return _back_to_round(event, round_)


@bp.route("/rounds/<int:round_id>/entries/<int:entry_id>/remove", methods=["POST"])
@event_page(EventRole.MANAGER)
def round_remove_entry(event: Event, round_id: int, entry_id: int) -> ResponseReturnValue:
    """Take an entry without sheets out of the round."""
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    entry = _entry_or_404(writing, round_, entry_id)
    title = entry.initiative.title
    try:
        remove_entry(writing, entry, acting_organiser())
    except Conflict as error:
        db.rollback()
        return _round_page(event, round_, status=status_of(error), problem=error.message)
    flash(_("Đã bỏ “%(title)s” ra khỏi vòng.", title=title), "info")
    return _back_to_round(event, round_)


@bp.route("/rounds/<int:round_id>/entries/<int:entry_id>/withdraw", methods=["POST"])
@event_page(EventRole.MANAGER)
def round_withdraw_entry(event: Event, round_id: int, entry_id: int) -> ResponseReturnValue:
    """The entry withdraws from the contest (Rút khỏi hội thi), for the reason given."""
    key = f"withdraw-{entry_id}"
    form = {"form": key, "reason": request.form.get("reason", "")}
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    entry = _entry_or_404(writing, round_, entry_id)
    try:
        withdraw_entry(writing, entry, form["reason"], acting_organiser())
    except (Invalid, Conflict) as error:
        db.rollback()
        return _round_page(
            event, round_, status=status_of(error), form=form, errors={key: error.message}
        )
    flash(_("“%(title)s” đã rút khỏi hội thi.", title=entry.initiative.title), "info")
    return _back_to_round(event, round_)


@bp.route("/rounds/<int:round_id>/entries/<int:entry_id>/reinstate", methods=["POST"])
@event_page(EventRole.MANAGER)
def round_reinstate_entry(event: Event, round_id: int, entry_id: int) -> ResponseReturnValue:
    """A withdrawn entry is back in the contest."""
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    entry = _entry_or_404(writing, round_, entry_id)
    try:
        reinstate_entry(writing, entry, acting_organiser())
    except Conflict as error:
        db.rollback()
        return _round_page(event, round_, status=status_of(error), problem=error.message)
    flash(_("“%(title)s” đã trở lại hội thi.", title=entry.initiative.title), "info")
    return _back_to_round(event, round_)


def _order_of(data: Any) -> list[int]:
    """The ids of ``{"order": [id, ...]}``, or ``Malformed``."""
    order = data.get("order") if isinstance(data, dict) else None
    if not isinstance(order, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) and 0 < item <= MAX_ID
        for item in order
    ):
        raise Malformed(
            "invalid_order", _("Thứ tự (order) phải là danh sách mã các bài dự thi của vòng.")
        )
    return order


@api.post("/rounds/<int:round_id>/order")
@event_page(EventRole.MANAGER)
def round_order(event: Event, round_id: int) -> ResponseReturnValue:
    """The round's whole running order, as the page's script saves it after a drag or a move:
    every entry of the round exactly once (else 409: someone changed the round meanwhile)."""
    order = _order_of(request.get_json(silent=True))
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    reorder_entries(writing, round_, order, acting_organiser())
    return jsonify(order=[row.entry.id for row in round_entries(writing, round_)])


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "rounds", lazy_gettext("Vòng thi và thứ tự"), "scoring_rounds.rounds", position=22
    )


@bp.route("/rounds/<int:round_id>/entries/<int:entry_id>/pitch", methods=["POST"])
@event_page(EventRole.MANAGER)
def round_pitch_entry(event: Event, round_id: int, entry_id: int) -> ResponseReturnValue:
    """``pitching=1``: the entry pitches now (the one before is done); ``pitching=0``: it has
    pitched."""
    writing = db.write()
    round_ = _round_or_404(writing, event, round_id)
    entry = _entry_or_404(writing, round_, entry_id)
    starting = request.form.get("pitching") == "1"
    try:
        (start_pitch if starting else finish_pitch)(writing, entry, acting_organiser())
    except Conflict as error:
        db.rollback()
        return _round_page(event, round_, status=status_of(error), problem=error.message)
    title = entry.initiative.title
    if starting:
        flash(_("“%(title)s” đang thuyết trình.", title=title), "info")
    else:
        flash(_("“%(title)s” đã thuyết trình xong.", title=title), "info")
    return _back_to_round(event, round_)
