"""A bare broadcast, for bench/latency.py only: off unless ``SANGTAO_BENCHMARK=1``.

It sends the posted JSON to an event's screens as ``bench``, with no database work, so that the
benchmark can compare a judge's submit-to-snapshot time with the fan-out alone, on the same server.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from core.auth import csrf, public
from core.realtime import event_room, socketio
from display.events import NAMESPACE

bp = Blueprint("bench", __name__)
csrf.exempt(bp)


@bp.post("/bench/broadcast/<slug>")
@public
def broadcast(slug: str) -> ResponseReturnValue:
    """The benchmark posts a snapshot-sized payload; every screen of the event gets it."""
    socketio.emit("bench", request.get_json(force=True), namespace=NAMESPACE, to=event_room(slug))
    return "", 204
