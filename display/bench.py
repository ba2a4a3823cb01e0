"""Bare routes, for the benchmarks in bench/ only: off unless ``SANGTAO_BENCHMARK=1``.

``/bench/broadcast`` sends the posted JSON to an event's screens as ``bench``, with no database
work, so that bench/latency.py and bench/screens.py can compare a judge's submit-to-snapshot time
with the fan-out alone, on the same server. ``/bench/snapshot`` keeps the posted JSON in memory
and serves it as ``/live/<event>/snapshot.json`` serves the phones' snapshots (ETag from its
version, 304 when unchanged), with no database work: bench/screens.py's baseline for the phones.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from core.auth import csrf, public
from core.realtime import event_room, socketio
from display.events import NAMESPACE

bp = Blueprint("bench", __name__)
csrf.exempt(bp)

# The payload each event's bare snapshot route serves: the benchmark's process only.
_snapshots: dict[str, dict[str, Any]] = {}


@bp.post("/bench/broadcast/<slug>")
@public
def broadcast(slug: str) -> ResponseReturnValue:
    """The benchmark posts a snapshot-sized payload; every screen of the event gets it."""
    socketio.emit("bench", request.get_json(force=True), namespace=NAMESPACE, to=event_room(slug))
    return "", 204


@bp.post("/bench/snapshot/<slug>")
@public
def keep_snapshot(slug: str) -> ResponseReturnValue:
    """The benchmark posts the phones' payload (with a ``version``); the GET serves it."""
    _snapshots[slug] = request.get_json(force=True)
    return "", 204


@bp.get("/bench/snapshot/<slug>")
@public
def snapshot(slug: str) -> ResponseReturnValue:
    """The posted payload, or 304 while its version is the one the phone has."""
    current = _snapshots.get(slug, {"version": 0})
    tag = f"v{current.get('version', 0)}"
    if tag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{tag}"', "Cache-Control": "no-cache"})
    response = jsonify(current)
    response.set_etag(tag)
    response.cache_control.no_cache = True
    return response
