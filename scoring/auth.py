"""Judges: a magic link on the judge's card signs a tablet in; the API also takes the token.

The token is stored only as a SHA-256 digest (``core.auth.hash_token``); a deactivated judge's
token and session stop working at once. A tablet's session names the card it was opened with
(:func:`card_of`): once the card is reissued (``scoring.service.record_cards``), sessions opened
with the old one stop working too.

A card also carries a six-digit PIN, for a tablet without a camera (``/j``): stored as a keyed
digest (:func:`pin_digest`), refused for an inactive judge, and replaced with the card.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import wraps
from typing import Any

from flask import current_app, make_response, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select

from core import db
from core.auth import View, audience, can_manage, csrf, hash_token, signed_in_organiser
from core.errors import Forbidden, Unauthenticated
from core.lookup import event_or_404
from core.models import EventRole
from scoring.models import Judge

JUDGE = "judge"
PIN_DIGITS = 6
# The event's managers (and owners, and the site administrators) and its jury chair.
CHAIR_OR_MANAGER = "chair or event manager"
JUDGE_HEADER = "Sangtao-Judge"


# Built once: every request of a judge's tablet asks it.
_BY_TOKEN = select(Judge).where(Judge.token_hash == bindparam("token_hash"))


def judge_by_token(token: str) -> Judge | None:
    judge = db.session().scalar(_BY_TOKEN, {"token_hash": hash_token(token)})
    return judge if judge is not None and judge.active else None


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def pin_digest(judge_id: int, pin: str) -> str:
    """A PIN as stored: HMAC-SHA256 under the app's ``SECRET_KEY``, of the judge's id and the PIN.

    A million PINs are quickly tried against a plain hash; the key is not in the database, so a
    leaked copy of it gives no PIN away, and the judge's id makes equal PINs differ."""
    key = current_app.config["SECRET_KEY"]
    secret = key if isinstance(key, bytes) else str(key).encode()
    return hmac.new(secret, f"pin:{judge_id}:{pin}".encode(), hashlib.sha256).hexdigest()


def judge_by_pin(event_id: int, code: str, pin: str) -> Judge | None:
    """The active judge of ``event_id`` whose card has this code and PIN. The digests are
    compared in constant time; an unknown code costs the same digest as a wrong PIN."""
    judge = db.session().scalar(select(Judge).where(Judge.event_id == event_id, Judge.code == code))
    stored = judge.pin_hash if judge is not None and judge.pin_hash else "0" * 64
    typed = pin_digest(judge.id if judge is not None else 0, pin)
    if not hmac.compare_digest(stored, typed) or judge is None or not judge.active:
        return None
    return judge


def card_of(token_hash: str) -> str:
    """What a tablet's session keeps of the card it was opened with. The session cookie is
    signed, not encrypted: a digest of the token's digest tells its reader nothing."""
    return hashlib.sha256(f"card:{token_hash}".encode()).hexdigest()[:32]


def sign_in_judge(judge: Judge) -> None:
    """Sign the tablet in, its session complete at once (the forms' CSRF token too): no page
    the judge opens afterwards writes the cookie, so an answer that lands after the next signing
    in or out cannot bring this judge back."""
    session.permanent = True
    session["judge_id"] = judge.id
    session["judge_card"] = card_of(judge.token_hash)
    generate_csrf()


def sign_out_judge() -> None:
    session.pop("judge_id", None)
    session.pop("judge_card", None)


def signed_in_judge() -> Judge | None:
    """The judge of this tablet's session, while active and while their card is the one the
    session was opened with."""
    judge_id, card = session.get("judge_id"), session.get("judge_card")
    if not isinstance(judge_id, int) or not isinstance(card, str):
        return None
    judge = db.session().get(Judge, judge_id)
    if judge is None or not judge.active:
        return None
    return judge if hmac.compare_digest(card, card_of(judge.token_hash)) else None


def judge_required(view: View) -> View:
    """A judge's page: the signed-in judge is passed as the first argument. The answer names the
    judge (``Sangtao-Judge``): the tablet's service worker (scoring/offline.py) keeps the pages
    of one judge only, and forgets them when another one signs in; the browser keeps none."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        judge = signed_in_judge()
        if judge is None:
            message = _("Hãy mở đường dẫn hoặc quét mã QR trên thẻ giám khảo của bạn.")
            return render_template("core/error.html", status=401, message=message), 401
        response = make_response(view(judge, *args, **kwargs))
        response.headers[JUDGE_HEADER] = str(judge.id)
        # Not in the browser's cache either: Back, after a signing out or another judge's signing
        # in, would show it without asking the server or the worker.
        response.headers["Cache-Control"] = "no-store"
        return response

    return audience(JUDGE)(wrapper)


def api_judge() -> Judge:
    """The judge behind an API request: ``Authorization: Bearer <token>``, or the session their
    link opened plus the ``X-CSRFToken`` header."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        judge = judge_by_token(header[7:].strip())
        if judge is None:
            raise Unauthenticated(
                "invalid_token", _("Mã đăng nhập của giám khảo không đúng hoặc đã bị thu hồi.")
            )
        return judge
    judge = signed_in_judge()
    if judge is None:
        raise Unauthenticated("unauthorized", _("Giám khảo cần mở đường dẫn đăng nhập của mình."))
    csrf.protect()
    return judge


def judge_api(view: View) -> View:
    """A JSON endpoint of the judges' tablets: the judge is passed as the first argument."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        return view(api_judge(), *args, **kwargs)

    return audience(JUDGE)(wrapper)


def _bearer_judge() -> Judge | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    judge = judge_by_token(header[7:].strip())
    if judge is None:
        raise Unauthenticated(
            "invalid_token", _("Mã đăng nhập của giám khảo không đúng hoặc đã bị thu hồi.")
        )
    return judge


def chair_or_manager(view: View) -> View:
    """A JSON endpoint of the event named by ``slug`` that shows what only those who decide the
    results may see (every method's scores): its managers, owners and the site administrators,
    signed in; its jury chair, by bearer token or tablet session. The event is passed as the
    first argument. Nobody known: 401; someone else (a viewer, another judge): 403."""

    @wraps(view)
    def wrapper(slug: str, **kwargs: Any) -> ResponseReturnValue:
        judge = _bearer_judge() or signed_in_judge()
        organiser = signed_in_organiser()
        if judge is None and organiser is None:
            raise Unauthenticated("unauthorized", _("Bạn cần đăng nhập."))
        event = event_or_404(slug)
        chair = judge is not None and judge.is_chair and judge.event_id == event.id
        if not chair and not (organiser is not None and can_manage(event, EventRole.MANAGER)):
            message = _("Chỉ Ban Tổ chức điều hành sự kiện và Chủ tịch Hội đồng xem được kết quả.")
            raise Forbidden("forbidden", message)
        return view(event, **kwargs)

    return audience(CHAIR_OR_MANAGER)(wrapper)
