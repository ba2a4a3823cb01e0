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
that moved (:meth:`Publisher.catch_up`); that read also keeps ``core.live.Versions`` recent.

A build sends a feed only if its content changed since the feed was last sent (a sheet moves the
standings, not the exhibit wall): clients ignore a payload that is not newer anyway, and one that
connects or asks gets the current one. The latest build of each event is kept whole, so that a
phone's poll is answered from memory (:meth:`Publisher.latest`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from flask import Flask, current_app
from flask_socketio import SocketIO
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core import db, live, signals
from core.links import origin_check
from core.models import Event

log = logging.getLogger(__name__)

socketio = SocketIO()

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class Built:
    """A feed's snapshot with what it was made of (``state``), kept with it: a change whose effect
    its writer knows makes the next snapshot from that, without reading (:class:`Follow`)."""

    snapshot: Snapshot
    state: Any


@dataclass(frozen=True)
class Follow:
    """How a commit changed a feed, as its writer knows it: ``step`` makes the feed's next
    snapshot and state from the state kept at the version before (None: it cannot say), for
    a commit that wrote nothing the feed reads beyond the rows of ``tables`` that it knows of.
    A judge's sheet moves the standings so (scoring.standings.follow_sheet)."""

    tables: frozenset[str]
    step: Callable[[Any, int], Built | None]


# Builds a feed's snapshot of ``event`` at ``version``, which was read in the same transaction.
Builder = Callable[[Session, Event, int], Snapshot | Built]
# Told of each feed's snapshot as soon as a build has it: (feed, snapshot).
Sent = Callable[[str, Snapshot], None]
EXTENSION = "sangtao.realtime"
# What a snapshot says besides its content: a new build of the same content differs only in these.
STAMPS = ("version", "generated_at")
# How many versions of an event the tables they wrote are kept for.
WRITTEN_KEPT = 1_000


def event_room(slug: str) -> str:
    return f"event:{slug}"


def content(snapshot: Snapshot) -> Snapshot:
    """A snapshot without its version and time: what a client would draw."""
    return {key: value for key, value in snapshot.items() if key not in STAMPS}


# Read before every snapshot is served or built, and the event a build is handed: built once
# (see scoring.standings), where ``Session.get`` would make its statement and cache key again at
# every build of every feed.
_VERSION = select(Event.live_version).where(Event.id == bindparam("event_id"))
_EVENT = select(Event).where(Event.id == bindparam("event_id"))


@dataclass
class Kept:
    """A feed's snapshot of an event as cached, the tables its build read, and the newest
    version it is known to be true at (it is true from the version it was built at)."""

    snapshot: Snapshot
    reads: frozenset[str]
    through: int
    # The count of quiet writes (Publisher.written_quietly) when its build began.
    quiet: int
    # What the snapshot was made of, for a feed that can follow a change (Built).
    state: Any = None


@dataclass
class Publisher:
    """The feeds of one app, their cached snapshots, and the coalesced background builds."""

    app: Flask
    feeds: dict[str, Builder] = field(default_factory=dict)
    namespaces: dict[str, list[str]] = field(default_factory=dict)
    _cache: dict[tuple[str, int], Kept] = field(default_factory=dict)
    _building: set[int] = field(default_factory=set)
    _again: set[int] = field(default_factory=set)
    _idle: threading.Condition = field(default_factory=threading.Condition)
    # The version of each event as this process last knew it (see catch_up).
    _known: dict[int, int] | None = None
    # The tables each version of each event was made by writing, for the commits of this process
    # (a version another process made is not here: what it changed is not known).
    _written: dict[int, dict[int, frozenset[str]]] = field(default_factory=dict)
    # Writes that moved no version, counted, and the count at the latest one to each table.
    _quiet_count: int = 0
    _quiet: dict[str, int] = field(default_factory=dict)
    # Each event's latest build of every feed, by slug: (event id, version, snapshots by feed).
    _latest: dict[str, tuple[int, int, dict[str, Snapshot]]] = field(default_factory=dict)
    # What was last sent of each feed of each event, by (feed, event id): the snapshot.
    _sent: dict[tuple[str, int], Snapshot] = field(default_factory=dict)

    def snapshot(self, feed: str, session: Session, event: Event) -> Snapshot:
        """The current snapshot of ``feed`` for ``event``: cached while it stays true."""
        return self._kept(feed, self.feeds[feed], session, event, self._version(session, event))

    def kept(self, name: str, build: Builder, session: Session, event: Event) -> Snapshot:
        """What ``build`` makes of ``event``, kept as a feed's snapshot is (until a change writes
        a table it read) and never sent: for a page that many visitors open between changes.
        ``name`` is not a feed's."""
        return self._kept(name, build, session, event, self._version(session, event))

    @staticmethod
    def _version(session: Session, event: Event) -> int:
        return session.scalar(_VERSION, {"event_id": event.id}) or 0

    def _kept(
        self, name: str, build: Builder, session: Session, event: Event, version: int
    ) -> Snapshot:
        with self._idle:
            kept = self._cache.get((name, event.id))
            if kept is not None and self._still_true(kept, event.id, version):
                return kept.snapshot
            quiet = self._quiet_count
        # A session of its own in the same transaction, so that every table the build uses is
        # read by a statement (no row comes from what another feed loaded), and recorded.
        connection = session.connection()
        with live.reading(connection) as reads, Session(bind=connection) as own:
            fresh = build(own, own.scalars(_EVENT, {"event_id": event.id}).one(), version)
        built = fresh if isinstance(fresh, Built) else Built(fresh, None)
        with self._idle:
            kept = self._cache.get((name, event.id))
            if kept is None or kept.through < version:
                kept = Kept(built.snapshot, frozenset(reads), version, quiet, built.state)
                self._cache[(name, event.id)] = kept
        return kept.snapshot

    def _still_true(self, kept: Kept, event_id: int, version: int) -> bool:
        """Whether a kept snapshot is right at ``version`` (or newer than it), and if so keep
        it for that version. Called with the lock held."""
        if version <= kept.through:
            return True
        if not self._untouched(kept, event_id, range(kept.through + 1, version + 1), kept.reads):
            return False
        kept.through = version
        return True

    def _untouched(
        self, kept: Kept, event_id: int, versions: range, tables: frozenset[str]
    ) -> bool:
        """Whether none of ``versions`` wrote any of ``tables`` (of those a kept snapshot read),
        nor did any write that moved no version since its build began. Called with the lock
        held."""
        if live.EVERYTHING in tables or any(
            self._quiet.get(table, 0) > kept.quiet for table in (*tables, live.EVERYTHING)
        ):
            return False
        written = self._written.get(event_id, {})
        for step in versions:
            wrote = written.get(step)
            if wrote is None or live.EVERYTHING in wrote or not wrote.isdisjoint(tables):
                return False
        return True

    def changed(
        self,
        _sender: Any = None,
        *,
        event_id: int,
        version: int | None = None,
        tables: frozenset[str] | None = None,
        follow: Mapping[str, Follow] | None = None,
    ) -> None:
        """An event changed (to ``version``, by writing ``tables``, when a commit of this process
        says so): send at once what the commit's writer knows of its feeds (``follow``), then
        build its feeds in the background, unless a build is under way."""
        with self._idle:
            if version is not None and tables is not None:
                written = self._written.setdefault(event_id, {})
                written[version] = tables
                while len(written) > WRITTEN_KEPT:
                    del written[next(iter(written))]
            # Under way from now: while the followed feeds are sent, a phone's poll is answered
            # the latest build, as during any build (see latest()).
            start = event_id not in self._building
            (self._building if start else self._again).add(event_id)
        if version is not None:
            for feed, how in (follow or {}).items():
                try:
                    self._follow(feed, event_id, version, how)
                except Exception:
                    # The build below reads what the step could not make.
                    log.exception("could not follow feed %s of event %s", feed, event_id)
        if start:
            socketio.start_background_task(self._build, event_id)

    def _follow(self, feed: str, event_id: int, version: int, how: Follow) -> None:
        """Make the feed's snapshot at ``version`` by ``how``, keep it and send it, if what is
        kept of it is true at the version before and the commit wrote nothing else it read. The
        build the commit starts then finds it true; when it cannot be followed, that build reads
        as ever."""
        with self._idle:
            kept = self._cache.get((feed, event_id))
            if kept is None or kept.state is None or kept.through != version - 1:
                return
            if not self._untouched(
                kept, event_id, range(version, version + 1), kept.reads - how.tables
            ):
                return
            built = how.step(kept.state, version)
            if built is None:
                return
            # Quiet writes since its build touched only ``how.tables``, which the state follows.
            self._cache[(feed, event_id)] = Kept(
                built.snapshot, kept.reads, version, self._quiet_count, built.state
            )
            slug = next((s for s, found in self._latest.items() if found[0] == event_id), None)
        if slug is not None:
            self._send(event_id, slug, feed, built.snapshot)

    def written_quietly(self, _sender: Any = None, *, tables: frozenset[str]) -> None:
        """A commit of this process wrote ``tables`` and moved no version: a snapshot that read
        them before is right until the event's next version, as ever, and not after it."""
        with self._idle:
            self._quiet_count += 1
            for table in tables:
                self._quiet[table] = self._quiet_count

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
        """Build every feed of the event once, and send each whose content changed to its
        subscribed namespaces as soon as it is built: the standings, built first, do not wait
        for the exhibit wall."""
        with self.app.app_context():
            with db.unit_of_work() as session:
                event = session.scalar(_EVENT, {"event_id": event_id})
                if event is None:
                    return
                version, _built = self.current(
                    session, event, partial(self._send, event_id, event.slug)
                )
            with self._idle:
                if self._known is not None:
                    self._known[event_id] = max(self._known.get(event_id, 0), version)

    def _send(self, event_id: int, slug: str, feed: str, snapshot: Snapshot) -> None:
        """Send a feed's new snapshot to its namespaces, unless its content was sent already;
        then let the screens have it before the next feed is built."""
        with self._idle:
            sent = self._sent.get((feed, event_id))
            if sent is snapshot or (sent is not None and content(sent) == content(snapshot)):
                return
            self._sent[(feed, event_id)] = snapshot
        for namespace, feeds in self.namespaces.items():
            if feed in feeds:
                socketio.emit(feed, snapshot, namespace=namespace, to=event_room(slug))
        socketio.sleep(0)

    def current(
        self, session: Session, event: Event, built_one: Sent | None = None
    ) -> tuple[int, dict[str, Snapshot]]:
        """The event's version and every feed of it as of now (each cached while it stays true),
        each handed to ``built_one`` as soon as it is built; kept as the event's latest build
        unless a newer one is kept, so that what :meth:`latest` serves never goes back."""
        began = time.monotonic()
        version = self._version(session, event)
        built: dict[str, Snapshot] = {}
        for name, build in self.feeds.items():
            built[name] = self._kept(name, build, session, event, version)
            if built_one is not None:
                built_one(name, built[name])
        live.versions(self.app).read({event.id: version}, began)
        with self._idle:
            kept = self._latest.get(event.slug)
            if kept is None or kept[1] <= version:
                others = {
                    slug: found for slug, found in self._latest.items() if found[0] != event.id
                }
                self._latest = others | {event.slug: (event.id, version, built)}
        return version, built

    def latest(self, slug: str) -> dict[str, Snapshot] | None:
        """The snapshots of the event's latest build, by feed, read from memory: what the
        screens were last sent. None if there is none, or if a version this process has seen
        is missing from it and no build under way will bring it (a build that failed).

        Commits of other processes reach it as they reach the screens, by :meth:`catch_up`. It
        does not ask for a recent read of the version, as the visitor's page does: under a load
        that delays the catch-up, every poll would read the database then, which is the load."""
        with self._idle:
            found = self._latest.get(slug)
            if found is None:
                return None
            event_id, version, built = found
            building = event_id in self._building
        if version < live.versions(self.app).seen(event_id) and not building:
            return None
        return built

    def catch_up(self) -> list[int]:
        """Publish the events whose version moved in another process (a long job, the command
        line, another server process): their commits sent this process no signal. The first
        call only learns the versions."""
        began = time.monotonic()
        with self.app.app_context(), db.unit_of_work() as session:
            versions = dict(session.execute(select(Event.id, Event.live_version)).tuples().all())
        live.versions(self.app).read(versions, began)
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
            self._written.clear()
            self._quiet.clear()
            self._known = None
            self._latest.clear()
            self._sent.clear()
        live.versions(self.app).forget()

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
    signals.quiet_write.connect(published.written_quietly, sender=app)
