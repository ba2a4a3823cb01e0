"""The pitch contest: judges score pitches on tablets; the standings follow live."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import realtime, signals
    from scoring import (
        api,
        appearances,
        certificates,
        dashboard,
        events,
        imports,
        records,
        seal,
        setup,
        standings,
        verify,
        views,
    )
    from scoring.manage import (
        audit_log,
        chair,
        exports,
        judging,
        jury,
        panels,
        paperwork,
        results,
        rounds,
        rubric,
    )
    from scoring.manage import dashboard as dashboard_page

    app.register_blueprint(views.bp)
    app.register_blueprint(verify.bp)
    # A certificate's code on a page is written as on the certificate, in two halves.
    app.add_template_filter(certificates.spaced_code, "spaced_code")
    app.register_blueprint(api.bp)
    # The chair's pages and downloads first: tests/core/test_routes.py visits the routes in this
    # order, and the jury page's printing of cards gives the chair a new card (which signs every
    # tablet out).
    for pages in (
        chair,
        audit_log,
        exports,
        paperwork,
        dashboard_page,
        judging,
        jury,
        panels,
        rubric,
        rounds,
        results,
    ):
        app.register_blueprint(pages.bp)
    app.register_blueprint(rounds.api)
    imports.init_app()
    realtime.add_feed(app, standings.FEED, standings.feed)
    realtime.add_feed(app, dashboard.FEED, dashboard.compute_snapshot)
    realtime.add_feed(app, dashboard.SCORES_FEED, dashboard.compute_spread)
    for namespace, feeds in events.FEEDS.items():
        realtime.subscribe(app, namespace, feeds)
    realtime.socketio.on_event("connect", events.on_connect, namespace=events.NAMESPACE)
    realtime.socketio.on_event("refresh", events.on_refresh, namespace=events.NAMESPACE)
    realtime.socketio.on_event(
        "connect", events.on_connect_scores, namespace=events.SCORES_NAMESPACE
    )
    realtime.socketio.on_event(
        "refresh", events.on_refresh_scores, namespace=events.SCORES_NAMESPACE
    )
    signals.management_menu.connect(dashboard_page.menu_item, weak=False)
    signals.management_menu.connect(judging.menu_item, weak=False)
    signals.management_menu.connect(jury.menu_item, weak=False)
    signals.management_menu.connect(panels.menu_item, weak=False)
    signals.management_menu.connect(rubric.menu_item, weak=False)
    signals.management_menu.connect(rounds.menu_item, weak=False)
    signals.management_menu.connect(results.menu_item, weak=False)
    signals.management_menu.connect(chair.menu_item, weak=False)
    signals.management_menu.connect(audit_log.menu_item, weak=False)
    signals.management_menu.connect(paperwork.menu_item, weak=False)
    signals.event_created.connect(setup.add_defaults, weak=False)
    signals.event_copied.connect(setup.copy_setup, weak=False)
    signals.event_transition_checks.connect(setup.transition_blockers, weak=False)
    signals.event_status_changed.connect(seal.seal_open_rounds, weak=False)
    signals.initiative_appearances.connect(appearances.pitched, weak=False)
    signals.worker_changed_record.connect(records.refuse_correction_in_scoring, weak=False)
