"""Socket.IO handlers of the ``/display`` namespace: big screens connect here."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO, emit, join_room
from sqlalchemy import select

from core import db
from core.models import Event
from scoring.standings import Snapshot, snapshot

NAMESPACE = "/display"


def room(slug: str) -> str:
    return f"event:{slug}"


def _current(slug: str) -> Snapshot | None:
    with db.new_session(write=False) as session:
        event = session.scalar(select(Event).where(Event.slug == slug))
        return None if event is None else snapshot(session, event)


def _exists(slug: str) -> bool:
    with db.new_session(write=False) as session:
        return session.scalar(select(Event.id).where(Event.slug == slug)) is not None


def on_connect(auth: Any = None) -> bool:
    """A big screen connects with ``auth={"event": slug, "screen": name}``."""
    slug = auth.get("event") if isinstance(auth, dict) else None
    if not isinstance(slug, str) or not _exists(slug):
        return False
    # Join, then read: a change committed in between reaches the screen one way or the other.
    join_room(room(slug))
    current = _current(slug)
    if current is not None:
        emit("standings", current)
    return True


def on_refresh(data: Any = None) -> None:
    """A screen asks for a fresh snapshot, as it does after every reconnect."""
    slug = data.get("event") if isinstance(data, dict) else None
    current = _current(slug) if isinstance(slug, str) else None
    if current is not None:
        emit("standings", current)


def register(socketio: SocketIO) -> None:
    socketio.on_event("connect", on_connect, namespace=NAMESPACE)
    socketio.on_event("refresh", on_refresh, namespace=NAMESPACE)
