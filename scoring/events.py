"""Socket.IO handlers of the organiser's dashboard: ``/dashboard`` for every organiser of the
event, ``/dashboard-scores`` for its managers and owners (the score spread chart).

The connection carries the organiser's session cookie (the page's own origin: see
``core.links.origin_check``); it is refused unless that organiser may open the event's dashboard,
or, on ``/dashboard-scores``, see its scores. A refresh asks again, so that an organiser signed out
or taken off the event stops receiving at the next one.
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
from scoring.dashboard import FEED, SCORES_FEED

NAMESPACE = "/dashboard"
SCORES_NAMESPACE = "/dashboard-scores"
# The feeds of each namespace, and who may receive them.
FEEDS = {NAMESPACE: [FEED], SCORES_NAMESPACE: [SCORES_FEED]}
ROLES = {NAMESPACE: EventRole.VIEWER, SCORES_NAMESPACE: EventRole.MANAGER}
# The page asks every 30 s; a connection asking more often than this is answered once.
REFRESH_EVERY = 5.0


def _allowed_event(data: Any, namespace: str) -> Event | None:
    slug = data.get("event") if isinstance(data, dict) else None
    event = event_by_slug(slug) if isinstance(slug, str) else None
    if event is None or not can_manage(event, ROLES[namespace]):
        return None
    return event


def _send_current(event: Event, namespace: str) -> None:
    for feed in FEEDS[namespace]:
        emit(feed, realtime.snapshot(feed, db.session(), event))


def _connect(namespace: str, auth: Any) -> bool:
    event = _allowed_event(auth, namespace)
    if event is None:
        return False
    # Join, then read afresh: a change committed in between reaches the page one way or another.
    join_room(realtime.event_room(event.slug))
    db.session().commit()
    _send_current(event, namespace)
    return True


def _refresh(namespace: str, data: Any) -> None:
    now = time.monotonic()
    if now - session.get("refreshed_at", -REFRESH_EVERY) < REFRESH_EVERY:
        return
    session["refreshed_at"] = now
    event = _allowed_event(data, namespace)
    if event is None:
        disconnect()
        return
    _send_current(event, namespace)


def on_connect(auth: Any = None) -> bool:
    """An organiser's dashboard connects with ``auth={"event": slug}``."""
    return _connect(NAMESPACE, auth)


def on_refresh(data: Any = None) -> None:
    """An organiser's dashboard asks for a fresh snapshot, as it does every 30 s."""
    _refresh(NAMESPACE, data)


def on_connect_scores(auth: Any = None) -> bool:
    """A manager's dashboard connects for the score spread with ``auth={"event": slug}``."""
    return _connect(SCORES_NAMESPACE, auth)


def on_refresh_scores(data: Any = None) -> None:
    """A manager's dashboard asks for a fresh score spread, as it does every 30 s."""
    _refresh(SCORES_NAMESPACE, data)
