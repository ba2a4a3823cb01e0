"""The big screens: pages, the ``/display`` Socket.IO namespace and the organiser's screen list.

Nothing imports this package: it reads what the others publish.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import realtime, signals
    from display import ceremony, ceremony_events, ceremony_views, events, manage, views

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    for blueprint in (ceremony_views.bp, ceremony_views.mc):
        app.register_blueprint(blueprint)
    realtime.add_feed(app, ceremony.REVEAL_FEED, ceremony.reveal_snapshot)
    realtime.add_feed(app, ceremony.RUNSHEET_FEED, ceremony.runsheet_snapshot)
    realtime.socketio.on_event("connect", ceremony_events.on_connect, namespace="/mc")
    realtime.socketio.on_event("refresh", ceremony_events.on_refresh, namespace="/mc")
    realtime.subscribe(app, ceremony_events.NAMESPACE, [ceremony.RUNSHEET_FEED])
    realtime.socketio.on_event("connect", events.on_connect, namespace=events.NAMESPACE)
    realtime.socketio.on_event("refresh", events.on_refresh, namespace=events.NAMESPACE)
    realtime.subscribe(app, events.NAMESPACE, events.FEEDS)
    signals.management_menu.connect(manage.menu_item, weak=False)
    signals.management_menu.connect(ceremony_views.menu_items, weak=False)
    if app.config["BENCHMARK"]:
        from display import bench

        app.register_blueprint(bench.bp)
