"""The front door: the events of this server and where each room of the day is."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core import db
from core.models import Event

bp = Blueprint("core", __name__)


@bp.route("/")
def home() -> ResponseReturnValue:
    events = db.session().scalars(select(Event).order_by(Event.held_on.desc())).all()
    return render_template("core/home.html", events=events)


@bp.route("/healthz")
def health() -> ResponseReturnValue:
    return {"ok": True}
