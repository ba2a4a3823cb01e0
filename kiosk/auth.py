"""Kiosk mode: a tablet at the entrance that registers exhibits for one event and does nothing
else.

An event manager signs in on the tablet and opens kiosk mode: their own sign-in ends on that
tablet (a visitor must not find the organiser's pages behind the kiosk), and the tablet's session
names the event instead. Leaving takes the event's kiosk PIN, set on the exhibits page and stored
as a keyed digest like the judges' PINs: a leaked database gives no PIN away.

An exhibitor who registered corrects the record later with the exhibit's code and the edit code
shown once on the confirmation; the session then names that exhibit until the correction is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import wraps
from typing import Any

from flask import current_app, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.auth import KIOSK, View, audience
from core.errors import Forbidden
from core.lookup import event_or_404
from core.models import Event

SESSION_KEY = "kiosk_event"
EDITING_KEY = "kiosk_editing"
PIN_LENGTHS = range(4, 9)
# No 0/O, 1/I/L: read off a screen, typed on a tablet.
EDIT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
EDIT_LENGTH = 8


def _keyed(message: str) -> str:
    key = current_app.config["SECRET_KEY"]
    secret = key if isinstance(key, bytes) else str(key).encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def kiosk_pin_digest(event_id: int, pin: str) -> str:
    """The kiosk PIN as stored: HMAC-SHA256 under ``SECRET_KEY`` of the event's id and the PIN."""
    return _keyed(f"kiosk-pin:{event_id}:{pin}")


def pin_matches(event: Event, pin: str) -> bool:
    typed = kiosk_pin_digest(event.id, pin)
    stored = event.kiosk_pin_hash or "0" * 64
    return hmac.compare_digest(stored, typed) and bool(event.kiosk_pin_hash)


def new_edit_code() -> str:
    """``K7QM-3XPA``: eight letters and digits that cannot be misread, about 40 bits."""
    letters = "".join(secrets.choice(EDIT_ALPHABET) for _ in range(EDIT_LENGTH))
    return f"{letters[:4]}-{letters[4:]}"


def typed_edit_code(text: str) -> str:
    """What the exhibitor typed, as the code is shown: case, spaces and dashes aside."""
    bare = "".join(c for c in text.upper() if c.isalnum())
    return f"{bare[:4]}-{bare[4:]}"


def edit_code_digest(exhibit_id: int, code: str) -> str:
    return _keyed(f"kiosk-edit:{exhibit_id}:{code}")


def edit_code_matches(exhibit_id: int, stored: str, typed: str) -> bool:
    digest = edit_code_digest(exhibit_id, typed_edit_code(typed))
    return bool(stored) and hmac.compare_digest(stored, digest)


def open_kiosk(event: Event) -> None:
    session.permanent = True
    session[SESSION_KEY] = event.id


def close_kiosk() -> None:
    session.pop(SESSION_KEY, None)
    session.pop(EDITING_KEY, None)


def kiosk_event_id() -> int | None:
    found = session.get(SESSION_KEY)
    return found if isinstance(found, int) else None


def kiosk_page(view: View) -> View:
    """A page of the kiosk of the event named by ``slug``: only a tablet in kiosk mode for it."""

    @wraps(view)
    def wrapper(slug: str, **kwargs: Any) -> ResponseReturnValue:
        event = event_or_404(slug)
        if kiosk_event_id() != event.id:
            message = _("Trang này chỉ mở trên máy tính bảng đang ở chế độ kiosk của sự kiện.")
            raise Forbidden("forbidden", message)
        return view(event, **kwargs)

    return audience(KIOSK)(wrapper)
