"""The exhibition: exhibits and their QR codes, the visitors' phone pages, the registration
kiosk."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import signals
    from kiosk import figures, manage, tablet, views, visits

    visits.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    tablet.init_app(app)
    signals.management_menu.connect(manage.menu_item, weak=False)
    signals.dashboard_figures.connect(figures.dashboard_figures, weak=False)
