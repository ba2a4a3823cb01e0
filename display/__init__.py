"""The big screens: pages, the ``/display`` Socket.IO namespace and the standings broadcast."""

from __future__ import annotations

from flask import Flask
from flask_socketio import SocketIO

socketio = SocketIO()


def init_app(app: Flask) -> None:
    # The async mode is set, never guessed: Flask-SocketIO would pick whatever is installed.
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        # Same origin only: screens are pages of this server. (An empty list would allow all.)
        cors_allowed_origins=None,
    )

    from display import broadcast, events, views

    app.register_blueprint(views.bp)
    events.register(socketio)
    broadcast.subscribe(app)
    if app.config["BENCHMARK"]:
        from display import bench

        app.register_blueprint(bench.bp)
