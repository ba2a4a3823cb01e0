"""The big-screen pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core import db
from core.models import Event
from scoring.standings import snapshot

bp = Blueprint("display", __name__, template_folder="templates")


@bp.route("/display/<slug>")
def screen(slug: str) -> ResponseReturnValue:
    """A big screen: the leaderboard, kept live over the ``/display`` namespace."""
    session = db.session()
    event = session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return render_template(
        "display/leaderboard.html",
        event=event,
        screen=request.args.get("screen", "main")[:64],
        initial=snapshot(session, event),
    )
