"""The pitch contest: judges score pitches on tablets; the standings follow live."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import realtime, signals
    from scoring import api, setup, standings, views
    from scoring.manage import judging, jury, results, rubric

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    for pages in (judging, jury, rubric, results):
        app.register_blueprint(pages.bp)
    realtime.add_feed(app, standings.FEED, standings.compute_snapshot)
    signals.management_menu.connect(judging.menu_item, weak=False)
    signals.management_menu.connect(jury.menu_item, weak=False)
    signals.management_menu.connect(rubric.menu_item, weak=False)
    signals.management_menu.connect(results.menu_item, weak=False)
    signals.event_created.connect(setup.add_defaults, weak=False)
    signals.event_copied.connect(setup.copy_setup, weak=False)
    signals.event_transition_checks.connect(setup.transition_blockers, weak=False)
