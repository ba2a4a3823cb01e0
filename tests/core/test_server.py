"""The production server's parts, one connection at most; tests/e2e/test_network.py runs the
server itself."""

from __future__ import annotations

import gc
from typing import Any

import gevent.socket
import pytest
from flask import Flask

from core import server
from core.realtime import socketio
from core.server import FILES_PER_CONNECTION, RESERVED_FILES, connection_cap, redacted


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("GET /j/s3cr3t HTTP/1.1", "GET /j/<secret> HTTP/1.1"),
        ("GET /j/s3cr3t?lang=en HTTP/1.1", "GET /j/<secret>?lang=en HTTP/1.1"),
        ("GET /j/s3cr3t/more HTTP/1.1", "GET /j/<secret> HTTP/1.1"),
        ("GET /%6A/s3cr3t HTTP/1.1", "GET /j/<secret> HTTP/1.1"),
        ("GET http://192.168.1.20:8000/j/s3cr3t HTTP/1.1", "GET /j/<secret> HTTP/1.1"),
        ("POST /d/personal-link/3/files HTTP/1.1", "POST /d/<secret> HTTP/1.1"),
        ("GET /dossier/new HTTP/1.1", "GET /dossier/new HTTP/1.1"),
        ("GET /judge HTTP/1.1", "GET /judge HTTP/1.1"),
        ("GET /e/public-exhibit HTTP/1.1", "GET /e/public-exhibit HTTP/1.1"),
        ("", ""),
    ],
)
def test_the_access_log_hides_what_follows_a_secret_prefix(line: str, logged: str) -> None:
    assert redacted(line) == logged


def test_connections_are_capped_by_the_open_files() -> None:
    assert connection_cap(1000, 1_048_576) == 1000
    assert connection_cap(1000, 1024) == (1024 - RESERVED_FILES) // FILES_PER_CONNECTION
    assert connection_cap(1000, None) == 1000  # Windows: no such limit


def test_what_was_loaded_before_the_first_request_is_out_of_the_collectors_sight(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_when_serving: list[int] = []

    class Started:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def serve_forever(self) -> None:
            frozen_when_serving.append(gc.get_freeze_count())

    monkeypatch.setattr(server, "Server", Started)
    monkeypatch.setattr(socketio, "start_background_task", lambda *args, **kwargs: None)
    try:
        server.run(app, "127.0.0.1", 8000)
    finally:
        gc.unfreeze()
    # The app's modules, mappers and catalogues: far more than a few stray objects.
    assert frozen_when_serving[0] > 50_000


def test_a_websocket_whose_client_has_gone_ends_its_connection_quietly(capfd) -> None:
    def application(_environ: Any, _start_response: Any) -> Any:
        raise OSError()  # how Engine.IO says that a websocket's client has gone

    running = server.Server(
        ("127.0.0.1", 0), application, read_timeout=5, websocket_timeout=5, connections=2
    )
    running.start()
    try:
        client = gevent.socket.create_connection(running.address)
        client.sendall(b"GET /socket.io/ HTTP/1.1\r\nHost: laptop\r\n\r\n")
        assert client.recv(100) == b""  # closed, answering nothing
        client.close()
    finally:
        running.stop()
    assert "Traceback" not in capfd.readouterr().err
