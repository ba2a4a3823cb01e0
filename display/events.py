"""Socket.IO handlers of the ``/display`` namespace: big screens, their previews on the control
page, and the control page itself connect here.

A screen connects with ``auth={"event": slug, "screen": key}`` and is counted as on; a preview adds
``"preview": true`` and is not. Both join the event's room and receive every feed a mode may need
(:func:`feeds`), on connect and after every change. The control page connects with
``auth={"event": slug, "control": true}`` and the organiser's session cookie: it receives only
``presence``, the number of connections of each screen, whenever one comes or goes.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, request, session
from flask_socketio import emit, join_room

from core import db, realtime
from core.auth import can_manage
from core.lookup import event_by_slug
from core.models import Event, EventRole
from display import modes
from display.feeds import SCREENS

NAMESPACE = "/display"
PRESENCE = "sangtao.display.presence"
# A screen asks every 30 s; a connection asking more often than this is answered once.
REFRESH_EVERY = 5.0


def control_room(slug: str) -> str:
    return f"control:{slug}"


def presence() -> realtime.Presence:
    found: realtime.Presence = current_app.extensions[PRESENCE]
    return found


def _event(slug: Any) -> Event | None:
    return event_by_slug(slug) if isinstance(slug, str) else None


def feeds() -> list[str]:
    """What a screen receives: the screens' modes and settings first (a screen learns its mode
    before it draws), then the feed of every mode."""
    return [SCREENS, *modes.feeds()]


def _send_current(event: Event) -> None:
    for feed in feeds():
        emit(feed, realtime.snapshot(feed, db.session(), event))


def _tell_control(slug: str) -> None:
    emit("presence", presence().counts(slug), namespace=NAMESPACE, to=control_room(slug))


def on_connect(auth: Any = None) -> bool:
    """A big screen, a preview or the control page connects (see the module's docstring)."""
    given = auth if isinstance(auth, dict) else {}
    event = _event(given.get("event"))
    if event is None:
        return False
    if given.get("control") is True:
        if not can_manage(event, EventRole.VIEWER):
            return False
        join_room(control_room(event.slug))
        emit("presence", presence().counts(event.slug))
        return True
    # Join, then read afresh (the lookup's read transaction ends first): a change committed in
    # between reaches the screen one way or the other.
    join_room(realtime.event_room(event.slug))
    db.session().commit()
    _send_current(event)
    key = given.get("screen")
    if given.get("preview") is not True and isinstance(key, str) and key:
        presence().join(request.sid, event.slug, key[:64])  # type: ignore[attr-defined]
        _tell_control(event.slug)
    return True


def on_disconnect(*_reason: Any) -> None:
    """A screen went off, or lost the server; the control page hears of it."""
    left = presence().leave(request.sid)  # type: ignore[attr-defined]
    if left is not None:
        _tell_control(left[0])


def on_refresh(data: Any = None) -> None:
    """A screen asks for a fresh snapshot, as it does every 30 s.

    At most one answer per ``REFRESH_EVERY`` seconds per connection (its Socket.IO session), so
    that a client sending thousands costs the server no more than one.
    """
    now = time.monotonic()
    if now - session.get("refreshed_at", -REFRESH_EVERY) < REFRESH_EVERY:
        return
    session["refreshed_at"] = now
    event = _event(data.get("event") if isinstance(data, dict) else None)
    if event is not None:
        _send_current(event)
