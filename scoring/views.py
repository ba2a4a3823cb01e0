"""The judges' tablet pages: the magic link, the sign-in with code and PIN, the list of
pitches, one score sheet per screen."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import db
from core.auth import limiter, public, throttle_message
from core.errors import NotFound
from core.i18n import nfc
from core.models import Event, EventStatus, Round, RoundKind
from core.views import by_address, setting
from initiatives.models import Initiative
from scoring import offline
from scoring.assignments import COVERED
from scoring.auth import (
    PIN_DIGITS,
    card_of,
    judge_by_pin,
    judge_by_token,
    judge_required,
    sign_in_judge,
    sign_out_judge,
)
from scoring.calibration import calibration_sheets, feedback, has_calibration
from scoring.models import Entry, EntryStatus, Judge, Recusal, ScoreSheet, SheetStatus
from scoring.rubric import criteria
from scoring.service import round_locked, sheet_state

bp = Blueprint("scoring", __name__, template_folder="templates")


def _link_failed(response: Response) -> bool:
    return response.status_code == 404


@bp.route("/j/<token>")
@public
# Tokens are too long to guess; the limit keeps a guesser from hammering the server anyway. Only
# failures count: a room of tablets behind one address opens its cards at once.
@limiter.limit(
    setting("JUDGE_LINK_LIMIT_PER_ADDRESS"), key_func=by_address, deduct_when=_link_failed
)
def magic_link(token: str) -> ResponseReturnValue:
    """The judge's QR card opens this; it signs the tablet in and drops the token from the URL."""
    judge = judge_by_token(token)
    if judge is None:
        message = _("Đường dẫn đăng nhập không đúng hoặc đã bị thu hồi. Hãy liên hệ Ban Tổ chức.")
        return render_template("core/error.html", status=404, message=message), 404
    sign_in_judge(judge)
    return redirect(offline.first_page())


JUDGING = (EventStatus.OPEN, EventStatus.SCORING)


@bp.route("/j")
@public
def pin_events() -> ResponseReturnValue:
    """Where a tablet without a camera starts (the address printed on the cards): the events
    being judged now, or straight to the form when there is one."""
    events = db.session().scalars(
        select(Event).where(Event.status.in_(JUDGING)).order_by(Event.held_on.desc(), Event.name)
    )
    found = list(events)
    if len(found) == 1:
        return redirect(url_for("scoring.pin_login", slug=found[0].slug))
    return render_template("scoring/pin_events.html", events=found)


def _judging_event(slug: str) -> Event:
    event = db.session().scalar(select(Event).where(Event.slug == slug))
    if event is None or event.status not in JUDGING:
        raise NotFound("event_not_found", _("Sự kiện này không có phần chấm điểm đang diễn ra."))
    return event


def typed_code() -> str:
    """The Mã giám khảo as typed: spaces dropped, upper case, as stored."""
    return nfc(request.form.get("code", "")).strip().replace(" ", "").upper()[:20]


def typed_pin() -> str:
    """The PIN's digits; the card prints them in two groups of three."""
    return "".join(nfc(request.form.get("pin", "")).split())[:20]


def by_card() -> str:
    """Wrong PINs are counted per card, whatever the address: once the card is replaced, the
    new one starts afresh. A code nobody has is counted by itself."""
    slug = str((request.view_args or {}).get("slug", ""))[:200]
    code = typed_code()
    row = (
        db.session()
        .execute(
            select(Judge.id, Judge.token_hash)
            .join(Event, Event.id == Judge.event_id)
            .where(Event.slug == slug, Judge.code == code)
        )
        .first()
    )
    if row is None:
        return f"pin:{slug}:{code}"
    return f"pin:judge:{row.id}:{card_of(row.token_hash)}"


def _pin_failed(response: Response) -> bool:
    return response.status_code == 401


def _pin_form(event: Event, problem: str = "") -> str:
    return render_template(
        "scoring/pin.html", event=event, code=typed_code(), problem=problem, digits=PIN_DIGITS
    )


def _refused(message: str) -> Response:
    """The form again, saying why; ``core.auth.throttled`` sends it as a 429."""
    slug = str((request.view_args or {}).get("slug", ""))
    return Response(_pin_form(_judging_event(slug), message))


def _too_many_from_here(_limit: RequestLimit) -> Response:
    return _refused(throttle_message())


def _card_locked(_limit: RequestLimit) -> Response:
    return _refused(
        _(
            "PIN của mã giám khảo %(code)s đã bị nhập sai nhiều lần nên tạm bị khóa. Hãy nhờ "
            "Ban Tổ chức cấp thẻ mới, hoặc quét mã QR trên thẻ.",
            code=typed_code(),
        )
    )


@bp.route("/j/<slug>/pin", methods=["GET", "POST"])
@public
# Every attempt from an address counts (a burst of guesses cannot outrun the check); per card,
# only wrong PINs do, so that a judge who typed it right is never locked out by others.
@limiter.limit(
    setting("PIN_LIMIT_PER_ADDRESS"),
    key_func=by_address,
    methods=["POST"],
    on_breach=_too_many_from_here,
)
@limiter.limit(
    setting("PIN_LIMIT_PER_CARD"),
    key_func=by_card,
    methods=["POST"],
    deduct_when=_pin_failed,
    on_breach=_card_locked,
)
def pin_login(slug: str) -> ResponseReturnValue:
    """A tablet without a camera signs in with the code and PIN printed on the judge's card."""
    event = _judging_event(slug)
    if request.method == "GET":
        return _pin_form(event)
    code, pin = typed_code(), typed_pin()
    if not code or not pin:
        return _pin_form(event, _("Hãy nhập mã giám khảo và PIN in trên thẻ.")), 422
    judge = judge_by_pin(event.id, code, pin)
    if judge is None:
        message = _(
            "Mã giám khảo hoặc PIN không đúng, hoặc thẻ đã được thay. Hãy xem lại thẻ, hoặc "
            "hỏi Ban Tổ chức."
        )
        return _pin_form(event, message), 401
    sign_in_judge(judge)
    return redirect(offline.first_page())


@bp.route("/judge/sw.js")
@public
def service_worker() -> ResponseReturnValue:
    """The tablet's service worker: it keeps the judge's pages for when the Wi-Fi drops."""
    return offline.worker()


@bp.route("/judge/logout", methods=["POST"])
@judge_required
def logout(_judge: Judge) -> ResponseReturnValue:
    """Signs this tablet out (a shared tablet, the end of the day); the card signs it in again."""
    sign_out_judge()
    flash(_("Đã đăng xuất. Quét mã QR trên thẻ giám khảo để đăng nhập lại."), "info")
    return redirect(url_for("core.home"))


def pitches_of(judge: Judge) -> list[Entry]:
    """The entries of the judge's event still in the contest and in the judge's panels (see
    ``scoring.assignments``), in running order; those the judge is recused from stay on the list,
    marked, so that the judge sees why they are not to be scored."""
    return list(
        db.session().scalars(
            select(Entry)
            .join(Entry.round)
            .join(Judge, Judge.id == judge.id)
            .where(Round.event_id == judge.event_id, Entry.status != EntryStatus.WITHDRAWN, COVERED)
            .options(joinedload(Entry.initiative).joinedload(Initiative.unit))
            .order_by(Round.position, Entry.running_order)
        )
    )


def recusals_of(judge: Judge) -> dict[int, Recusal]:
    rows = db.session().scalars(select(Recusal).where(Recusal.judge_id == judge.id))
    return {recusal.entry_id: recusal for recusal in rows}


@bp.route("/judge")
@judge_required
def pitches(judge: Judge) -> ResponseReturnValue:
    """Every pitch of the event with this judge's progress on it."""
    if offline.SIGNED_IN in request.args:
        return redirect(url_for("scoring.pitches"))  # the worker has seen the mark
    sheets = {
        sheet.entry_id: sheet
        for sheet in db.session().scalars(select(ScoreSheet).where(ScoreSheet.judge_id == judge.id))
    }
    recused = recusals_of(judge)
    entries = pitches_of(judge)
    # The progress counts the contest: a calibration pitch is a rehearsal (see below).
    to_score = [
        entry
        for entry in entries
        if entry.id not in recused and entry.round.kind != RoundKind.CALIBRATION
    ]
    done = sum(
        1
        for entry in to_score
        if entry.id in sheets and sheets[entry.id].status != SheetStatus.DRAFT
    )
    return render_template(
        "scoring/pitches.html",
        judge=judge,
        entries=entries,
        sheets=sheets,
        recused=recused,
        done=done,
        total=len(to_score),
        counted={entry.id for entry in to_score},
        calibration=has_calibration(db.session(), judge.event),
    )


@bp.route("/judge/calibration")
@judge_required
def calibration(judge: Judge) -> ResponseReturnValue:
    """The judge's own calibration, privately: how lenient and how spread their sample sheets
    are against the panel's. Never another judge's figures."""
    found = feedback(calibration_sheets(db.session(), judge.event)).get(judge.id)
    return render_template("scoring/calibration.html", judge=judge, mine=found)


@bp.route("/judge/entries/<int:entry_id>")
@judge_required
def sheet(judge: Judge, entry_id: int) -> ResponseReturnValue:
    """One score sheet per screen: a band, then a whole or half point, per criterion."""
    session = db.session()
    entries = pitches_of(judge)
    entry = next((e for e in entries if e.id == entry_id), None)
    if entry is None:
        message = _("Không tìm thấy bài dự thi này.")
        return render_template("core/error.html", status=404, message=message), 404
    existing = session.scalar(
        select(ScoreSheet).where(ScoreSheet.judge_id == judge.id, ScoreSheet.entry_id == entry.id)
    )
    position = entries.index(entry)
    return render_template(
        "scoring/sheet.html",
        judge=judge,
        entry=entry,
        recusal=recusals_of(judge).get(entry.id),
        criteria=criteria(session, judge.event_id),
        sheet_id=existing.id if existing else str(uuid.uuid4()),
        # When: a page kept on the tablet may be older than the outbox's latest answer.
        state={**sheet_state(existing), "updated_at": existing.updated_at.isoformat()}
        if existing
        else None,
        locked=round_locked(entry),
        position=position + 1,
        count=len(entries),
        next_entry=entries[position + 1] if position + 1 < len(entries) else None,
    )
