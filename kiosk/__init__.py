"""The exhibition: exhibits and their QR codes, the visitors' phone pages, the registration
kiosk."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import signals
    from kiosk import (
        appearances,
        cli,
        figures,
        manage,
        manage_votes,
        pages,
        screens,
        service,
        tablet,
        views,
        visits,
        vote,
    )

    visits.init_app(app)
    pages.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    tablet.init_app(app)
    app.register_blueprint(vote.bp)
    app.register_blueprint(manage_votes.bp)
    app.cli.add_command(cli.issue_ballots_command)
    signals.management_menu.connect(manage.menu_item, weak=False)
    signals.management_menu.connect(manage_votes.menu_item, weak=False)
    signals.dashboard_figures.connect(figures.dashboard_figures, weak=False)
    signals.initiative_appearances.connect(appearances.exhibited, weak=False)
    signals.library_drafts.connect(appearances.drafts, weak=False)
    signals.worker_changed_record.connect(service.worker_changed_record, weak=False)
    signals.exhibit_wall.connect(screens.exhibit_wall, weak=False)
    signals.peoples_choice.connect(screens.peoples_choice, weak=False)
