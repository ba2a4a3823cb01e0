"""The dashboard for the day (Bảng điều khiển): judging progress, the pitch under way, counts and
charts, live without reload. What it shows is built in ``scoring.dashboard`` and pushed by
``scoring.events``; the exhibition's figures come from the packages through
``signals.dashboard_figures`` and are read again on a timer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext

from core import db, realtime
from core.auth import can_manage
from core.manage import Figure, MenuItem, event_page, figures
from core.models import Event, EventRole
from scoring.dashboard import FEED, SCORES_FEED

bp = Blueprint("scoring_dashboard", __name__, url_prefix="/manage/<slug>")
# How often the page reads the exhibition's figures again (visits move no live version).
FIGURES_EVERY = 10


def figures_json(event: Event) -> list[dict[str, Any]]:
    """The packages' figures, their labels in the reader's language."""

    def shown(figure: Figure) -> dict[str, Any]:
        return {
            "key": figure.key,
            "label": str(figure.label),
            "total": figure.total,
            "bars": [list(bar) for bar in figure.bars],
            "chart": None if figure.chart is None else str(figure.chart),
        }

    return [shown(figure) for figure in figures(event, db.session())]


@bp.route("/dashboard")
@event_page()
def dashboard(event: Event) -> ResponseReturnValue:
    """The day at a glance; scores (the spread chart) only for managers and owners."""
    session = db.session()
    sees_scores = can_manage(event, EventRole.MANAGER)
    return render_template(
        "scoring/manage/dashboard.html",
        event=event,
        snapshot=realtime.snapshot(FEED, session, event),
        spread=realtime.snapshot(SCORES_FEED, session, event) if sees_scores else None,
        figures=figures_json(event),
        figures_every=FIGURES_EVERY,
        section="dashboard",
    )


@bp.route("/dashboard/figures")
@event_page()
def dashboard_figures(event: Event) -> ResponseReturnValue:
    """The exhibition's figures again (visits, votes), for the dashboard's timer."""
    return jsonify(figures_json(event)), 200, {"Cache-Control": "no-store"}


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "dashboard", lazy_gettext("Bảng điều khiển"), "scoring_dashboard.dashboard", position=5
    )
