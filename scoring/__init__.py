"""The pitch contest: judges score pitches on tablets; the standings follow live."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import realtime, signals
    from scoring import api, manage, standings, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(manage.bp)
    realtime.add_feed(app, standings.FEED, standings.compute_snapshot)
    signals.management_menu.connect(manage.menu_item, weak=False)
