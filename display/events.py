"""Socket.IO handlers of the ``/display`` namespace: big screens connect here."""

from __future__ import annotations

import time
from typing import Any

from flask import session
from flask_socketio import emit, join_room

from core import db, realtime
from core.lookup import event_by_slug
from core.models import Event
from display.ceremony import REVEAL_FEED
from scoring.standings import FEED

NAMESPACE = "/display"
FEEDS = [FEED, REVEAL_FEED]
# A screen asks every 30 s; a connection asking more often than this is answered once.
REFRESH_EVERY = 5.0


def _event(slug: Any) -> Event | None:
    return event_by_slug(slug) if isinstance(slug, str) else None


def _send_current(event: Event) -> None:
    for feed in FEEDS:
        emit(feed, realtime.snapshot(feed, db.session(), event))


def on_connect(auth: Any = None) -> bool:
    """A big screen connects with ``auth={"event": slug, "screen": name}``."""
    event = _event(auth.get("event") if isinstance(auth, dict) else None)
    if event is None:
        return False
    # Join, then read afresh (the lookup's read transaction ends first): a change committed in
    # between reaches the screen one way or the other.
    join_room(realtime.event_room(event.slug))
    db.session().commit()
    _send_current(event)
    return True


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
