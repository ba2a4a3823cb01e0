"""The jury chair's console (Chủ tịch Hội đồng): per round, progress, raw beside adjusted, the
outliers to resolve, each sheet in detail; verify, agree a consensus, lock (seal) and reopen.

Open to the event's jury chair on their tablet and to its managers and owners
(``scoring.auth.chair_or_manager``); an organiser sees it inside the organiser layout. Judges
never see each other's scores: any other judge is refused.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, db
from core.auth import can_manage, signed_in_organiser
from core.errors import Conflict, Invalid, NotFound
from core.manage import MenuItem
from core.models import Event, EventRole, Round, RoundKind, RoundStatus
from core.service import Blocked
from scoring import calibration
from scoring.auth import chair_or_manager, signed_in_judge
from scoring.chair import console, round_blockers, sheet_detail
from scoring.chair_service import read_score, resolve_outlier, set_consensus, verify_sheet
from scoring.manage.results import FLAG_NAMES, METHOD_NAMES
from scoring.models import Entry, Judge, ScoreSheet
from scoring.seal import MAX_REASON, lock_round, reopen_round, seal_in_force, seals_of

bp = Blueprint("scoring_chair", __name__, url_prefix="/manage/<slug>/chair")


def _actor(event: Event) -> str:
    """Who acts, as the audit log names them: the organiser if one manages the event, else the
    chair whose tablet this is. Also puts the organiser's pages in their layout."""
    organiser = signed_in_organiser()
    if organiser is not None and can_manage(event, EventRole.MANAGER):
        g.manage_event = event
        return audit.actor(organiser)
    judge = signed_in_judge()
    return f"judge:{judge.id}" if judge is not None else "chair"


def _round(session: Session, event: Event, round_id: int) -> Round:
    found = session.get(Round, round_id)
    if found is None or found.event_id != event.id:
        raise NotFound("round_not_found", _("Không tìm thấy vòng thi này."))
    return found


def _sheet(session: Session, event: Event, sheet_id: str) -> ScoreSheet:
    found = session.get(ScoreSheet, sheet_id)
    if found is None or found.judge.event_id != event.id:
        raise NotFound("sheet_not_found", _("Không tìm thấy phiếu chấm này."))
    return found


def _render(template: str, event: Event, **context: Any) -> str:
    _actor(event)
    return render_template(template, event=event, section="chair", **context)


@bp.route("")
@chair_or_manager
def index(event: Event) -> ResponseReturnValue:
    """The event's rounds, each with its state and seal; the calibration feedback of all."""
    session = db.session()
    rounds = session.scalars(
        select(Round).where(Round.event_id == event.id).order_by(Round.position)
    ).all()
    judges = {j.id: j for j in session.scalars(select(Judge).where(Judge.event_id == event.id))}
    return _render(
        "scoring/manage/chair.html",
        event,
        rounds=[(row, seal_in_force(session, row)) for row in rounds],
        feedback=calibration.feedback(calibration.calibration_sheets(session, event)),
        judges=judges,
    )


def _round_page(
    event: Event, round_: Round, errors: dict[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    session = db.session()
    page = _render(
        "scoring/manage/chair_round.html",
        event,
        round=round_,
        console=console(session, round_),
        blockers=round_blockers(session, round_) if round_.status == RoundStatus.OPEN else [],
        seal=seal_in_force(session, round_),
        seals=seals_of(session, round_),
        method_names=METHOD_NAMES,
        flag_names=FLAG_NAMES,
        threshold=event.outlier_threshold,
        max_reason=MAX_REASON,
        errors=errors or {},
        form=request.form,
        calibration=round_.kind == RoundKind.CALIBRATION,
    )
    return page, status


@bp.route("/rounds/<int:round_id>")
@chair_or_manager
def round_page(event: Event, round_id: int) -> ResponseReturnValue:
    """One round on the console."""
    return _round_page(event, _round(db.session(), event, round_id))


def _back(event: Event, round_id: int) -> ResponseReturnValue:
    return redirect(url_for("scoring_chair.round_page", slug=event.slug, round_id=round_id))


@bp.route("/sheets/<sheet_id>")
@chair_or_manager
def sheet_page(event: Event, sheet_id: str) -> ResponseReturnValue:
    """One sheet in detail: each criterion's score and comment, the judge's comment."""
    session = db.session()
    detail = sheet_detail(session, _sheet(session, event, sheet_id))
    return _render("scoring/manage/chair_sheet.html", event, detail=detail)


@bp.route("/sheets/<sheet_id>/verify", methods=["POST"])
@chair_or_manager
def verify(event: Event, sheet_id: str) -> ResponseReturnValue:
    """Xác nhận phiếu chấm."""
    session = db.write()
    sheet = _sheet(session, event, sheet_id)
    try:
        verify_sheet(session, sheet, _actor(event))
    except Conflict as error:
        db.rollback()
        flash(error.message, "error")
    else:
        flash(_("Đã xác nhận phiếu chấm của %(name)s.", name=sheet.judge.name), "info")
    return _back(event, sheet.entry.round_id)


@bp.route("/sheets/<sheet_id>/outlier", methods=["POST"])
@chair_or_manager
def outlier(event: Event, sheet_id: str) -> ResponseReturnValue:
    """Ghi nhận một phiếu lệch xa trung vị, with the chair's note."""
    session = db.write()
    sheet = _sheet(session, event, sheet_id)
    round_ = sheet.entry.round
    try:
        resolve_outlier(session, sheet, request.form.get("note", ""), _actor(event))
    except (Invalid, Conflict) as error:
        db.rollback()
        return _round_page(
            event, _round(db.session(), event, round_.id), {sheet_id: error.message}, 422
        )
    flash(_("Đã ghi nhận phiếu chấm lệch."), "info")
    return _back(event, round_.id)


@bp.route("/entries/<int:entry_id>/consensus", methods=["POST"])
@chair_or_manager
def consensus(event: Event, entry_id: int) -> ResponseReturnValue:
    """Điểm thống nhất of an entry, within its panel's range, with a reason; empty clears it."""
    session = db.write()
    entry = session.get(Entry, entry_id)
    if entry is None or entry.round.event_id != event.id:
        raise NotFound("entry_not_found", _("Không tìm thấy bài dự thi này trong sự kiện."))
    round_id = entry.round_id
    try:
        score = read_score(request.form.get("score", ""))
        set_consensus(session, entry, score, request.form.get("reason", ""), _actor(event))
    except (Invalid, Conflict) as error:
        db.rollback()
        errors = {f"consensus-{entry_id}": error.message}
        return _round_page(event, _round(db.session(), event, round_id), errors, 422)
    flash(_("Đã lưu điểm thống nhất."), "info")
    return _back(event, round_id)


@bp.route("/rounds/<int:round_id>/lock", methods=["POST"])
@chair_or_manager
def lock(event: Event, round_id: int) -> ResponseReturnValue:
    """Khóa vòng thi and seal its result; missing sheets only with the box ticked."""
    session = db.write()
    round_ = _round(session, event, round_id)
    override = request.form.get("override") == "1"
    try:
        seal = lock_round(session, round_, _actor(event), override=override)
    except Blocked as error:
        db.rollback()
        return _round_page(
            event, _round(db.session(), event, round_id), {"lock": error.message}, 409
        )
    except (Invalid, Conflict) as error:
        db.rollback()
        flash(error.message, "error")
        return _back(event, round_id)
    flash(_("Đã khóa và niêm phong vòng thi. Mã SHA-256: %(digest)s", digest=seal.sha256), "info")
    return _back(event, round_id)


@bp.route("/rounds/<int:round_id>/reopen", methods=["POST"])
@chair_or_manager
def reopen(event: Event, round_id: int) -> ResponseReturnValue:
    """Mở lại vòng thi, only with a written reason."""
    session = db.write()
    round_ = _round(session, event, round_id)
    try:
        reopen_round(session, round_, request.form.get("reason", ""), _actor(event))
    except Invalid as error:
        db.rollback()
        return _round_page(
            event, _round(db.session(), event, round_id), {"reopen": error.message}, 422
        )
    except Conflict as error:
        db.rollback()
        flash(error.message, "error")
        return _back(event, round_id)
    flash(_("Đã mở lại vòng thi; niêm phong cũ được giữ trong lịch sử."), "info")
    return _back(event, round_id)


@bp.route("/rounds/<int:round_id>/seal.json")
@chair_or_manager
def seal_file(event: Event, round_id: int) -> ResponseReturnValue:
    """The canonical result file of the seal in force, byte for byte as hashed."""
    session = db.session()
    round_ = _round(session, event, round_id)
    seal = seal_in_force(session, round_)
    if seal is None:
        raise NotFound("seal_not_found", _("Vòng thi chưa được niêm phong."))
    name = f"{event.slug}-vong-{round_.position}-{seal.sha256[:12]}.json"
    return Response(
        seal.document.encode("utf-8"),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "chair",
        lazy_gettext("Chủ tịch Hội đồng"),
        "scoring_chair.index",
        role=EventRole.MANAGER,
        position=36,
    )
