"""Socket.IO, and the snapshots that screens and phones receive.

A *feed* is one kind of snapshot (the standings, ...), registered by the package that owns its
data with a function that builds it from the database. A namespace subscribes to the feeds its
clients show. After every committed change to an event (``signals.live_changed``) the event's
feeds are rebuilt off the request, in a background task: at most one build per event at a time,
and a change that arrives during a build asks for exactly one more, so none is missed and none is
built twice. A build reads the event's ``live_version`` first, in the same transaction as its data,
so a snapshot never shows less than its version says; it is cached, sent to the event's room in
each subscribed namespace, and handed to every client that connects or asks again.

Commits of other processes (a long job, the command line, another server process) send this one no
signal: under ``sangtao serve`` it looks at the events' versions every second and publishes those
that moved (:meth:`Publisher.catch_up`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_socketio import SocketIO
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db, signals
from core.links import origin_check
from core.models import Event

log = logging.getLogger(__name__)

socketio = SocketIO()

Snapshot = dict[str, Any]
# Builds a feed's snapshot of ``event`` at ``version``, which was read in the same transaction.
Builder = Callable[[Session, Event, int], Snapshot]
EXTENSION = "sangtao.realtime"


def event_room(slug: str) -> str:
    return f"event:{slug}"


@dataclass
class Publisher:
    """The feeds of one app, their cached snapshots, and the coalesced background builds."""

    app: Flask
    feeds: dict[str, Builder] = field(default_factory=dict)
    namespaces: dict[str, list[str]] = field(default_factory=dict)
    _cache: dict[tuple[str, int], Snapshot] = field(default_factory=dict)
    _building: set[int] = field(default_factory=set)
    _again: set[int] = field(default_factory=set)
    _idle: threading.Condition = field(default_factory=threading.Condition)
    # The version of each event as this process last knew it (see catch_up).
    _known: dict[int, int] | None = None

    def snapshot(self, feed: str, session: Session, event: Event) -> Snapshot:
        """The current snapshot of ``feed`` for ``event``: cached while the version stands."""
        version = session.scalar(select(Event.live_version).where(Event.id == event.id)) or 0
        with self._idle:
            cached = self._cache.get((feed, event.id))
        if cached is not None and cached["version"] == version:
            return cached
        fresh = self.feeds[feed](session, event, version)
        with self._idle:
            kept = self._cache.get((feed, event.id))
            if kept is None or kept["version"] <= fresh["version"]:
                self._cache[(feed, event.id)] = kept = fresh
        return kept

    def changed(self, _sender: Any = None, *, event_id: int) -> None:
        """An event changed: build its feeds in the background, unless a build is under way."""
        with self._idle:
            if event_id in self._building:
                self._again.add(event_id)
                return
            self._building.add(event_id)
        socketio.start_background_task(self._build, event_id)

    def _build(self, event_id: int) -> None:
        while True:
            try:
                self.publish(event_id)
            except Exception:
                # The change is committed; clients catch up on the next change or when they ask.
                log.exception("could not publish the snapshots of event %s", event_id)
            with self._idle:
                if event_id in self._again:
                    self._again.discard(event_id)
                    continue
                self._building.discard(event_id)
                self._idle.notify_all()
                return

    def publish(self, event_id: int) -> None:
        """Build every feed of the event once and send each to its subscribed namespaces."""
        with self.app.app_context():
            with db.unit_of_work() as session:
                event = session.get(Event, event_id)
                if event is None:
                    return
                built = {name: self.snapshot(name, session, event) for name in self.feeds}
                slug = event.slug
            with self._idle:
                if self._known is not None:
                    version = max(snapshot["version"] for snapshot in built.values())
                    self._known[event_id] = max(self._known.get(event_id, 0), version)
            for namespace, feeds in self.namespaces.items():
                for name in feeds:
                    socketio.emit(name, built[name], namespace=namespace, to=event_room(slug))

    def catch_up(self) -> list[int]:
        """Publish the events whose version moved in another process (a long job, the command
        line, another server process): their commits sent this process no signal. The first
        call only learns the versions."""
        with self.app.app_context(), db.unit_of_work() as session:
            versions = dict(session.execute(select(Event.id, Event.live_version)).tuples().all())
        with self._idle:
            known, self._known = self._known, versions
        moved = [] if known is None else [e for e, v in versions.items() if v > known.get(e, -1)]
        for event_id in moved:
            self.changed(event_id=event_id)
        return moved

    def follow_other_processes(self, interval: float = 1.0) -> None:
        """Run by ``sangtao serve``: catch up every ``interval`` seconds, for as long as it runs."""
        while True:
            try:
                self.catch_up()
            except Exception:
                log.exception("could not read the events' versions")
            socketio.sleep(interval)

    def forget(self) -> None:
        """Drop every cached snapshot: the database under the app was replaced (a restored
        backup, a test's fresh database), so versions may start again from zero."""
        with self._idle:
            self._cache.clear()
            self._known = None

    def wait_idle(self, timeout: float = 30) -> bool:
        """Wait until no build is under way (for tests and benchmarks)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._building, timeout)


@dataclass
class Presence:
    """Which clients of a namespace are connected, by (event slug, name): the big screens that
    are on, for the organiser's control page.

    It knows the connections of this process only; with several server processes (a message
    queue) each would count its own, and the control page would need them summed through Redis.
    """

    _by_sid: dict[str, tuple[str, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def join(self, sid: str, slug: str, name: str) -> None:
        with self._lock:
            self._by_sid[sid] = (slug, name)

    def leave(self, sid: str) -> tuple[str, str] | None:
        """Forget a connection; returns what it was, if it was known."""
        with self._lock:
            return self._by_sid.pop(sid, None)

    def counts(self, slug: str) -> dict[str, int]:
        """How many connections each name of the event has."""
        with self._lock:
            names = [name for (event, name) in self._by_sid.values() if event == slug]
        return {name: names.count(name) for name in set(names)}


def publisher() -> Publisher:
    found: Publisher = current_app.extensions[EXTENSION]
    return found


def add_feed(app: Flask, name: str, build: Builder) -> None:
    """Register a kind of snapshot; ``name`` is also the Socket.IO event it is sent as."""
    app.extensions[EXTENSION].feeds[name] = build


def subscribe(app: Flask, namespace: str, feeds: list[str]) -> None:
    """Send ``feeds`` to the event rooms of ``namespace`` after every change."""
    app.extensions[EXTENSION].namespaces[namespace] = feeds


def snapshot(feed: str, session: Session, event: Event) -> Snapshot:
    return publisher().snapshot(feed, session, event)


def init_app(app: Flask) -> None:
    # The async mode is set, never guessed: Flask-SocketIO would pick whatever is installed.
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        # Pages of this server only, under an address it is known by.
        cors_allowed_origins=origin_check(app.config["PUBLIC_URL"]),
    )
    published = Publisher(app)
    app.extensions[EXTENSION] = published
    signals.live_changed.connect(published.changed, sender=app)
