"""The production server: gevent's WSGI server, websockets from simple-websocket."""

from __future__ import annotations

import socket

from flask import Flask
from gevent import pywsgi


class NoDelayHandler(pywsgi.WSGIHandler):  # type: ignore[misc]
    """Turn Nagle's algorithm off: gevent writes a response's headers and body separately, and
    on a kept-alive connection the body would wait ~40 ms for the client's delayed ACK."""

    def handle(self) -> None:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()


def run(app: Flask, host: str, port: int) -> None:
    app.extensions["socketio"].run(
        app, host=host, port=port, log_output=True, handler_class=NoDelayHandler
    )
