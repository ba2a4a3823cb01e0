"""Phones following live: ``/live/<event>``, opened from the QR code on the big screen.

The page shows the standings and the released people's choice, the same snapshots the screens
get (built once per change), and follows them by polling ``/live/<event>/snapshot.json`` with their
version as ETag: a poll is answered from the snapshots of the event's latest build, kept in memory
(``core.realtime.Publisher.latest``), with no database read; an unchanged event costs an empty 304.
docs/architecture.md says why polling rather than Socket.IO (the Socket.IO client alone weighs
more than the whole page may).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from core import db, qr, realtime
from core.auth import public
from core.links import external_url
from core.lookup import event_or_404
from core.models import Event
from display.feeds import PEOPLES_CHOICE, at_the_freeze
from scoring.standings import FEED as STANDINGS

bp = Blueprint("live", __name__, template_folder="templates")

FEEDS = [STANDINGS, PEOPLES_CHOICE]
# How often a phone asks, in seconds: an unchanged event answers 304 with no body.
POLL_EVERY = 4


@bp.route("/live/<slug>")
@public
def page(slug: str) -> ResponseReturnValue:
    """The phone's page, with the current snapshots inside: it shows at once, socket or not."""
    event = event_or_404(slug)
    return render_template(
        "display/live.html", event=event, snapshots=_current(event), poll_every=POLL_EVERY
    )


def _current(event: Event) -> dict[str, realtime.Snapshot]:
    """The phones' snapshots; while the standings are frozen, as at the freeze (the people's
    choice is not the jury's: released during a freeze, it shows)."""
    session = db.session()
    return at_the_freeze({feed: realtime.snapshot(feed, session, event) for feed in FEEDS})


def _polled(slug: str) -> dict[str, realtime.Snapshot]:
    """The phones' snapshots from the event's latest build, kept in memory: no database read.
    From the database only when none is kept that nothing committed since has overtaken (a
    server just started); that build is kept for the next polls."""
    publisher = realtime.publisher()
    latest = publisher.latest(slug)
    if latest is None:
        _version, latest = publisher.current(db.session(), event_or_404(slug))
    return {feed: latest[feed] for feed in FEEDS}


@bp.route("/live/<slug>/snapshot.json")
@public
def snapshot(slug: str) -> ResponseReturnValue:
    """The phones' snapshots, or 304 while their version is the one the phone has.

    Each answer closes its connection: a phone asks every few seconds, and 2,000 phones keeping
    theirs open would hold every place of ``SANGTAO_MAX_CONNECTIONS`` (core/server.py) that the
    judges' tablets and the screens need. A new connection on the venue's LAN costs a round trip.
    """
    current = _polled(slug)
    # Taken before the versions are pinned to the freeze's: the frozen standings' never moves,
    # and the people's choice's moves when it is released, even during a freeze.
    tag = f"v{max(snapshot['version'] for snapshot in current.values())}"
    unchanged = tag in request.if_none_match
    response = Response(status=304) if unchanged else jsonify(at_the_freeze(current))
    response.set_etag(tag)
    response.cache_control.no_cache = True
    response.headers["Connection"] = "close"
    return response


@bp.route("/live/<slug>/qr.svg")
@public
def qr_code(slug: str) -> ResponseReturnValue:
    """The QR code of the phone's page, as the big screens show it."""
    event = event_or_404(slug)
    return Response(qr.svg(external_url("live.page", slug=event.slug)), mimetype="image/svg+xml")
