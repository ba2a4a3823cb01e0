"""Counting the visits to exhibits' pages without a write per request.

Opening an exhibit's page is worth a point on the organiser's visits chart, not a write
transaction on the database the judges' sheets go to: a flood of phones (or of one phone
reloading) would slow every judge. Visits are kept in memory and written together, off the
request, at most once every ``interval`` seconds. The same visitor opening the same exhibit the
same way within ``repeat_window`` seconds counts once. A visitor is a device, known by a random
cookie the page gives the phone on its first visit: phones behind the venue's one address, of the
same model, are still different visitors (a phone that refuses cookies counts at every visit). A
HEAD request or a robot (a chat app's link preview, a crawler, a script) never counts. A crash
loses the last few seconds of visits: a chart, not a vote.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, Response, current_app, request
from sqlalchemy import insert, select

from core import db
from core.models import utcnow
from core.realtime import socketio
from kiosk.models import Exhibit, Visit

log = logging.getLogger(__name__)

EXTENSION = "sangtao.visits"
ROBOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|curl|wget|python|java/|go-http|httpclient",
    re.IGNORECASE,
)
DEVICE_COOKIE = "sangtao_device"
DEVICE_BYTES = 16
DEVICE = re.compile(r"[A-Za-z0-9_-]{22}")
DEVICE_DAYS = 365
# Visits waiting for their write: beyond this many, a flood's visits are dropped, not queued.
MOST_PENDING = 10_000


@dataclass
class VisitCounter:
    app: Flask
    interval: float = 5.0
    repeat_window: float = 600.0
    _pending: list[tuple[int, bool, datetime]] = field(default_factory=list)
    _seen: dict[tuple[str, int, bool], float] = field(default_factory=dict)
    _scheduled: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, exhibit_id: int, *, via_qr: bool, visitor: str) -> bool:
        """Count a visit unless it repeats one; the write waits for the next flush."""
        now = time.monotonic()
        key = (visitor, exhibit_id, via_qr)
        with self._lock:
            if now - self._seen.get(key, -self.repeat_window) < self.repeat_window:
                return False
            if len(self._pending) >= MOST_PENDING:
                return False
            self._seen[key] = now
            self._pending.append((exhibit_id, via_qr, utcnow()))
            schedule = not self._scheduled
            self._scheduled = True
        if schedule:
            socketio.start_background_task(self._flush_later)
        return True

    def _flush_later(self) -> None:
        socketio.sleep(self.interval)
        with self._lock:
            self._scheduled = False
        try:
            self.flush()
        except Exception:
            log.exception("could not write the visits")

    def flush(self) -> int:
        """Write the visits counted so far, in one transaction; forget old repeats."""
        with self._lock:
            pending, self._pending = self._pending, []
            oldest = time.monotonic() - self.repeat_window
            self._seen = {key: at for key, at in self._seen.items() if at > oldest}
        if not pending:
            return 0
        with self.app.app_context(), db.unit_of_work(write=True) as session:
            ids = {exhibit_id for exhibit_id, _, _ in pending}
            # An exhibit deleted since its visit takes its visits with it.
            kept = set(session.scalars(select(Exhibit.id).where(Exhibit.id.in_(ids))))
            rows = [
                {"exhibit_id": exhibit_id, "via_qr": via_qr, "at": at}
                for exhibit_id, via_qr, at in pending
                if exhibit_id in kept
            ]
            if rows:
                session.execute(insert(Visit), rows)
        return len(rows)

    def forget(self) -> None:
        """Drop what is counted: the database under the app was replaced (a test's fresh one)."""
        with self._lock:
            self._pending.clear()
            self._seen.clear()


def counter() -> VisitCounter:
    found: VisitCounter = current_app.extensions[EXTENSION]
    return found


def device() -> str | None:
    """The device's cookie, if it holds one that this server gave."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    return value if DEVICE.fullmatch(value) else None


def count_visit(exhibit_id: int, *, via_qr: bool) -> str | None:
    """The visitor's page was opened in this request: count it, if a person opened it.

    The device's cookie, a new one on its first visit: :func:`remember_device` gives it."""
    agent = request.headers.get("User-Agent", "")
    if request.method != "GET" or not agent or ROBOTS.search(agent):
        return None
    known = device()
    visitor = known or secrets.token_urlsafe(DEVICE_BYTES)
    counter().count(exhibit_id, via_qr=via_qr, visitor=visitor)
    return None if known else visitor


def remember_device(response: Response, visitor: str | None) -> Response:
    """Give a new device its cookie, for a year; it says nothing but "the same phone"."""
    if visitor is not None:
        response.set_cookie(
            DEVICE_COOKIE,
            visitor,
            max_age=DEVICE_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = VisitCounter(app)
