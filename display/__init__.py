"""The big screens: pages, the ``/display`` Socket.IO namespace and the organiser's screen list.

Nothing imports this package: it reads what the others publish.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core import realtime, signals
    from display import events, manage, views

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    realtime.socketio.on_event("connect", events.on_connect, namespace=events.NAMESPACE)
    realtime.socketio.on_event("refresh", events.on_refresh, namespace=events.NAMESPACE)
    realtime.subscribe(app, events.NAMESPACE, events.FEEDS)
    signals.management_menu.connect(manage.menu_item, weak=False)
    if app.config["BENCHMARK"]:
        from display import bench

        app.register_blueprint(bench.bp)
