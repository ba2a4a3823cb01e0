"""The exhibition: exhibits and their QR codes, the visitors' phone pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import signals
    from kiosk import figures, manage, screens, views, visits

    visits.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    signals.management_menu.connect(manage.menu_item, weak=False)
    signals.dashboard_figures.connect(figures.dashboard_figures, weak=False)
    signals.exhibit_wall.connect(screens.exhibit_wall, weak=False)
    signals.peoples_choice.connect(screens.peoples_choice, weak=False)
