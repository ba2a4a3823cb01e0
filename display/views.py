"""The big-screen pages."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from core import db, realtime
from core.auth import public
from core.lookup import event_or_404
from display.ceremony import reveal_labels
from scoring.standings import FEED

bp = Blueprint("display", __name__, template_folder="templates")


@bp.route("/display/<slug>")
@public
def screen(slug: str) -> ResponseReturnValue:
    """A big screen: the leaderboard, kept live over the ``/display`` namespace."""
    event = event_or_404(slug)
    return render_template(
        "display/leaderboard.html",
        event=event,
        screen=request.args.get("screen", "main")[:64],
        initial=realtime.snapshot(FEED, db.session(), event),
        reveal_labels=reveal_labels(),
    )
