"""The scoring API (``/api/v1``): what the judges' tablets and the screens talk to.

Judges authenticate with ``Authorization: Bearer <token>`` (the token of their magic link), or with
the session their link opened plus the ``X-CSRFToken`` header. Every refusal is JSON
``{"error": code, "message": text}``; see docs/api.md.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import db
from core.auth import csrf, judge_by_token, signed_in_judge
from core.errors import ApiError
from core.models import Event, Judge, ScoreSheet
from scoring import results
from scoring.service import Outcome, parse_sheet, save_sheet, sheet_state
from scoring.standings import rubric, snapshot

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def authenticated_judge() -> Judge:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        judge = judge_by_token(header[7:].strip())
        if judge is None:
            raise ApiError(
                401, "invalid_token", _("Mã đăng nhập của giám khảo không đúng hoặc đã bị thu hồi.")
            )
        return judge
    judge = signed_in_judge()
    if judge is None:
        raise ApiError(401, "unauthorized", _("Giám khảo cần mở đường dẫn đăng nhập của mình."))
    csrf.protect()
    return judge


def sheet_json(sheet: ScoreSheet, outcome: Outcome) -> dict[str, Any]:
    state = sheet_state(sheet)
    total = results.sheet_total(state["scores"], rubric(sheet.judge.event))
    return {
        "id": sheet.id,
        "entry": sheet.entry_id,
        **state,
        "total": None if total is None else round(total, 2),
        "updated_at": sheet.updated_at.isoformat(),
        "outcome": outcome.value,
    }


@bp.post("/scoresheets")
def post_sheet() -> ResponseReturnValue:
    """A judge's tablet saves or submits a sheet; idempotent on the sheet's id."""
    judge = authenticated_judge()
    data = parse_sheet(request.get_json(silent=True))
    session = db.session()
    try:
        saved = save_sheet(session, judge, data)
        # The answer is read inside the transaction, so that nothing reopens one after commit.
        answer = sheet_json(saved.sheet, saved.outcome)
        session.commit()
    except IntegrityError:
        # Two copies of the same new sheet raced (a double tap, a retry); the loser rolls back
        # and finds the winner's row, so the resend is answered as the duplicate it is.
        session.rollback()
        saved = save_sheet(session, judge, data)
        answer = sheet_json(saved.sheet, saved.outcome)
        session.commit()
    return jsonify(answer), 201 if saved.outcome == Outcome.CREATED else 200


@bp.get("/events/<slug>/standings")
def standings(slug: str) -> ResponseReturnValue:
    """The same snapshot the big screens receive."""
    session = db.session()
    event = session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise ApiError(404, "event_not_found", _("Không tìm thấy sự kiện."))
    return jsonify(snapshot(session, event))
