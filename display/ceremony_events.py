"""Socket.IO handlers of the ``/mc`` namespace: the MC tablet follows the run-sheet here.

Like the organiser's dashboard, the connection carries the organiser's session cookie and is
refused unless that organiser may open the event; a refresh asks again, so that an organiser
signed out or taken off the event stops receiving at the next one.
"""

from __future__ import annotations

import time
from typing import Any

from flask import session
from flask_socketio import disconnect, emit, join_room

from core import db, realtime
from core.auth import can_manage
from core.lookup import event_by_slug
from core.models import Event, EventRole
from display.ceremony import RUNSHEET_FEED

NAMESPACE = "/mc"
# The page asks every 30 s; a connection asking more often than this is answered once.
REFRESH_EVERY = 5.0


def _allowed_event(data: Any) -> Event | None:
    slug = data.get("event") if isinstance(data, dict) else None
    event = event_by_slug(slug) if isinstance(slug, str) else None
    if event is None or not can_manage(event, EventRole.VIEWER):
        return None
    return event


def _send_current(event: Event) -> None:
    emit(RUNSHEET_FEED, realtime.snapshot(RUNSHEET_FEED, db.session(), event))


def on_connect(auth: Any = None) -> bool:
    """The MC tablet connects with ``auth={"event": slug}``."""
    event = _allowed_event(auth)
    if event is None:
        return False
    join_room(realtime.event_room(event.slug))
    db.session().commit()
    _send_current(event)
    return True


def on_refresh(data: Any = None) -> None:
    """The MC tablet asks for the current step again, as it does every 30 s."""
    now = time.monotonic()
    if now - session.get("refreshed_at", -REFRESH_EVERY) < REFRESH_EVERY:
        return
    session["refreshed_at"] = now
    event = _allowed_event(data)
    if event is None:
        disconnect()
        return
    _send_current(event)
