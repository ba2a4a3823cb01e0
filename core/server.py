"""The production server: gevent's WSGI server, websockets from simple-websocket."""

from __future__ import annotations

import socket

from flask import Flask
from gevent import pywsgi

from core import realtime
from core.realtime import socketio


class NoDelayHandler(pywsgi.WSGIHandler):  # type: ignore[misc]
    """Turn Nagle's algorithm off: gevent writes a response's headers and body separately, and
    on a kept-alive connection the body would wait ~40 ms for the client's delayed ACK."""

    def handle(self) -> None:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()


def run(app: Flask, host: str, port: int) -> None:
    # Changes committed by other processes (long jobs, the CLI) reach the screens too.
    socketio.start_background_task(app.extensions[realtime.EXTENSION].follow_other_processes)
    socketio.run(app, host=host, port=port, log_output=True, handler_class=NoDelayHandler)
