"""Commit, then emit: a committed change to the scores reaches every screen as one snapshot."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from core import db
from core.models import Event
from display import socketio
from display.events import NAMESPACE, room
from scoring.service import results_changed
from scoring.standings import snapshot

log = logging.getLogger(__name__)


def broadcast_standings(app: Flask, event_id: int, **_: Any) -> None:
    """Compute the event's snapshot once and send it to the event's room.

    The change is already committed: a failure here is logged, never turned into an error for
    the judge whose sheet was saved. Screens catch up from the next snapshot or on reconnect.
    """
    try:
        with db.new_session(write=False) as session:
            event = session.get(Event, event_id)
            if event is None:
                return
            current = snapshot(session, event)
            slug = event.slug
        socketio.emit("standings", current, namespace=NAMESPACE, to=room(slug))
    except Exception:
        log.exception("could not broadcast the standings of event %s", event_id)


def subscribe(app: Flask) -> None:
    results_changed.connect(broadcast_standings, sender=app, weak=False)
