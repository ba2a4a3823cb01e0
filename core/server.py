"""The production server: gevent's WSGI server, websockets from simple-websocket, for a venue
network where anyone can open connections and leave them hanging.

- **Reads time out.** A request's line and headers must all arrive within ``READ_TIMEOUT``
  seconds, and no read of its body (nor write of its answer) may wait longer than that. An
  upgraded websocket is not a slow request: it stays open as long as it answers Engine.IO's pings.
- **Connections are capped** (``MAX_CONNECTIONS``). The excess wait in the kernel's listen
  backlog, using no file descriptor, until a place is free; the soft limit on open files is
  raised to the hard one at start, and the cap lowered if the files would run out first.
- **Websocket frames are sent whole**, and **no client's reads starve the others**
  (:class:`Connection`).
- **The access log shows no secret** carried in a path (``SECRET_PATHS``).
- **No collection of what the start loaded stops the event loop.** What is loaded before the
  first request (about 200,000 objects: Flask, SQLAlchemy's mappers, the translations) is moved
  out of the garbage collector's sight. A full collection stops every screen, tablet and phone
  while it runs; over those objects alone it took about 100 ms. It now looks only at what came
  after (docs/benchmarks.md: with 2,000 phones connected, the longest went from 215 to 67 ms).
"""

from __future__ import annotations

import gc
import socket
import sys
from typing import Any
from urllib.parse import unquote, urlsplit

import click
import gevent
from flask import Flask
from gevent import pywsgi
from gevent.lock import Semaphore
from gevent.pool import Pool
from gevent.socket import socket as GeventSocket

from core import realtime
from core.realtime import socketio

# Paths whose rest is a secret, such as a judge's magic link: the access log shows the prefix
# and hides what follows. A new route with a secret in its path is declared here, once.
SECRET_PATHS = ("/j/", "/d/")
HIDDEN = "<secret>"

# Files the server needs besides its connections: the database and its journal, the logs, the
# long jobs' pipes, the message queue, the event loop's own.
RESERVED_FILES = 64
# A websocket holds two: simple-websocket works on a duplicate of the connection's socket.
FILES_PER_CONNECTION = 2
# Connections the kernel keeps waiting for a free place (it caps this at net.core.somaxconn).
BACKLOG = 1024


def redacted(requestline: str) -> str:
    """A request line (``GET /j/<token> HTTP/1.1``) as the access log may show it."""
    words = requestline.split(" ")
    if len(words) > 1:
        target = urlsplit(words[1])
        for prefix in SECRET_PATHS:
            if unquote(target.path).startswith(prefix):
                words[1] = prefix + HIDDEN + (f"?{target.query}" if target.query else "")
    return " ".join(words)


class Connection(GeventSocket):  # type: ignore[misc]
    """A client's socket whose ``send`` sends all it is given, one caller at a time.

    simple-websocket writes each websocket frame with a single ``send`` and ignores what it did
    not take (miguelgrinberg/simple-websocket#45, fixed in no release); under gevent, where the
    socket is non-blocking, a screen on a congested link got frames cut short. Its websocket
    writes to a duplicate of this socket, which is of this class too. One sender at a time, so
    that two greenlets writing frames to one websocket (a message, a pong) never interleave them.
    gevent's own ``sendall`` goes through this ``send``, and waits as it always did.
    """

    __slots__ = ("sending",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sending = Semaphore()

    @classmethod
    def adopt(cls, accepted: Any) -> Connection:
        """The connection of a socket the server accepted (which is unusable afterwards)."""
        return cls(accepted.family, accepted.type, accepted.proto, fileno=accepted.detach())

    def recv(self, *args: Any) -> Any:
        # A client that never stops sending (a flood of socket messages) always has data waiting,
        # so a read returns at once and its greenlet would never let the others run: each read
        # first gives every other greenlet a turn.
        gevent.sleep(0)
        return super().recv(*args)

    def send(self, data: Any, flags: int = 0, timeout: Any = None) -> int:
        # Each wait for room is bounded by the socket's timeout, as for any send.
        pending = memoryview(data).cast("B")
        with self.sending:
            while pending:
                pending = pending[super().send(pending, flags) :]
        return len(data)


class Handler(pywsgi.WSGIHandler):  # type: ignore[misc]
    """One client connection: reads that time out, whole websocket frames, a redacted log."""

    requestline: str | None
    headers_due: gevent.Timeout

    def __init__(self, sock: Any, address: Any, server: Server, rfile: Any = None) -> None:
        super().__init__(Connection.adopt(sock), address, server, rfile)

    def handle(self) -> None:
        # Nagle's algorithm off: gevent writes a response's headers and body separately, and on
        # a kept-alive connection the body would wait ~40 ms for the client's delayed ACK.
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()

    def handle_one_request(self) -> Any:
        timeout = self.server.read_timeout
        # No read or write of this request waits longer than that for the client...
        self.socket.settimeout(timeout)
        # ...and its line and headers must all have come by then: a client sending a byte at a
        # time, each in time, must not hold its place forever.
        self.headers_due = gevent.Timeout.start_new(timeout, TimeoutError("request headers"))
        try:
            return super().handle_one_request()
        finally:
            self.headers_due.close()

    def get_environ(self) -> dict[str, Any]:
        self.headers_due.close()  # the headers are in; the body's reads time out one by one
        environ: dict[str, Any] = super().get_environ()
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            # A screen may stay quiet for hours, but it answers Engine.IO's pings: one silent
            # for a whole ping cycle is gone. The websocket's socket is a duplicate made later,
            # with this timeout.
            self.socket.settimeout(self.server.websocket_timeout)
        return environ

    def run_application(self) -> None:
        try:
            super().run_application()
        except OSError as error:
            if error.args:
                raise
            # Engine.IO says that a websocket's client has gone with a bare OSError(), which
            # gevent cannot read (it looks at its errno): the connection is over, and a
            # traceback on the organiser's console would say nothing true.
            self.close_connection = True

    def _handle_client_error(self, ex: Exception) -> Any:
        if isinstance(ex, TimeoutError):  # the headers never came: close, answering nothing
            line = redacted(self.requestline or "")
            self.log_error("Request timed out (from %s): %s", self.client_address, line)
            return None
        return super()._handle_client_error(ex)

    def log_request(self) -> None:
        self.requestline = redacted(self.requestline or "")
        super().log_request()


class Server(pywsgi.WSGIServer):  # type: ignore[misc]
    handler_class = Handler

    def __init__(
        self,
        address: tuple[str, int],
        app: Flask,
        *,
        read_timeout: float,
        websocket_timeout: float,
        connections: int,
    ) -> None:
        super().__init__(address, app, spawn=Pool(connections), backlog=BACKLOG)
        self.read_timeout = read_timeout
        self.websocket_timeout = websocket_timeout


def raise_open_files() -> int | None:
    """Raise the soft limit on open files as far as allowed (a laptop's default is often 1,024,
    256 on macOS), and return it; None where there is no such limit (Windows)."""
    if sys.platform == "win32":
        return None
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # macOS reports an unlimited hard limit but refuses more than its per-process maximum.
    for wanted in (hard, 10_240):
        if wanted != resource.RLIM_INFINITY and wanted > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
                return wanted
            except (ValueError, OSError):
                continue
    return soft


def connection_cap(wanted: int, open_files: int | None) -> int:
    """How many connections may be served at once: ``wanted``, if the open files allow it."""
    if open_files is None:
        return wanted
    return max(1, min(wanted, (open_files - RESERVED_FILES) // FILES_PER_CONNECTION))


def run(app: Flask, host: str, port: int) -> None:
    open_files = raise_open_files()
    wanted = app.config["MAX_CONNECTIONS"]
    connections = connection_cap(wanted, open_files)
    if connections < wanted:
        click.echo(
            f"Serving {connections} connections at once, not {wanted}: the limit on open files "
            f"is {open_files} (raise it with `ulimit -n`)"
        )
    engineio = socketio.server.eio
    server = Server(
        (host, port),
        app,
        read_timeout=app.config["READ_TIMEOUT"],
        websocket_timeout=(
            engineio.ping_interval + engineio.ping_interval_grace_period + engineio.ping_timeout
        ),
        connections=connections,
    )
    # Changes committed by other processes (long jobs, the CLI) reach the screens too.
    socketio.start_background_task(app.extensions[realtime.EXTENSION].follow_other_processes)
    gc.collect()  # what the start left as garbage is freed, not kept for the day
    gc.freeze()
    server.serve_forever()
