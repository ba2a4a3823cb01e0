"""Live versions: every committed change to what a screen or phone shows moves its event's version.

Each model says once, beside its definition, how a change to one of its rows reaches events
(:func:`watch`) or why it never does (:func:`ignore`); ``tests/core/test_live.py`` fails on a model
with no decision. A flush listener on the app's sessions finds the events a flush touched and
moves each one's ``Event.live_version`` by one, once per transaction, inside that transaction: a
snapshot that reads the version first then never shows less than it says. After the commit,
``signals.live_changed`` is sent once per event. No write path has to remember any of this.

Bulk ``UPDATE``/``DELETE`` statements on a watched model bypass the flush, so they are refused.

Each process also knows the versions without reading them (:class:`Versions`): a commit of its own
tells it the new version at once, and the database is read again for the commits of other
processes. Pages kept in memory per version (the visitor's page) and the phones' polls answer from
it with no database read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import Select, event, inspect, update
from sqlalchemy.orm import InstrumentedAttribute, ORMExecuteState, Session, UOWTransaction

from core import db, signals
from core.models import AuditLog, Event, EventMember, Organiser, Round

ToEvents = Callable[[Collection[Any]], Select[tuple[int]]]
BUMPED = "sangtao.live.bumped"
NOTED = "sangtao.live.noted"
VERSIONS = "sangtao.live.versions"
# How long a version read from the database is believed without reading it again. Commits of
# other processes (a job, the command line, another server process) are seen only by such a
# read; ``sangtao serve`` reads every event's version each second (``realtime.Publisher``), so
# there it is recent unless the server is overloaded, and a page asked for later than this reads
# the version again (once per event, then it is recent again).
BELIEVED_FOR = 2.0


@dataclass
class Versions:
    """The events' live versions as this process knows them, without the database.

    A version only grows. A commit of this process raises its events' versions before the
    request that made it is answered (:meth:`committed`); a read of the database raises them and
    says when they were true (:meth:`read`). :meth:`current` answers only while the latest read
    is recent (:data:`BELIEVED_FOR`): then no commit of another process can be older than a
    second or two and unseen. A caller that gets None reads the database and tells :meth:`read`.
    """

    _versions: dict[int, int] = field(default_factory=dict)
    _read_at: dict[int, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def committed(self, versions: Mapping[int, int]) -> None:
        """This process committed these versions."""
        with self._lock:
            for event_id, version in versions.items():
                self._versions[event_id] = max(version, self._versions.get(event_id, version))

    def read(self, versions: Mapping[int, int], at: float) -> None:
        """The database held these versions at ``at`` (``time.monotonic()`` taken before the
        read began)."""
        with self._lock:
            for event_id, version in versions.items():
                self._versions[event_id] = max(version, self._versions.get(event_id, version))
                self._read_at[event_id] = max(at, self._read_at.get(event_id, at))

    def current(self, event_id: int) -> int | None:
        """The event's version, or None if it is unknown or was last read too long ago."""
        with self._lock:
            read_at = self._read_at.get(event_id)
            if read_at is None or time.monotonic() - read_at > BELIEVED_FOR:
                return None
            return self._versions[event_id]

    def seen(self, event_id: int) -> int:
        """The newest version of the event this process has seen, however long ago (0: none)."""
        with self._lock:
            return self._versions.get(event_id, 0)

    def forget(self) -> None:
        """The database under the app was replaced: versions may start again from zero."""
        with self._lock:
            self._versions.clear()
            self._read_at.clear()


def versions(app: Flask | None = None) -> Versions:
    """The app's known versions (the current app's by default)."""
    found: Versions = (app or current_app).extensions[VERSIONS]
    return found


@dataclass(frozen=True, eq=False)
class Watch:
    """A change to a row reaches the events that ``attribute``'s values lead to: directly when
    ``to_events`` is None (the attribute holds event ids), else through the query it builds.
    ``when``, if given, says whether a changed row shows at all (a draft score sheet does not)."""

    attribute: InstrumentedAttribute[Any]
    to_events: ToEvents | None
    when: Callable[[Any], bool] | None


_watched: dict[type[Any], list[Watch]] = {}
_ignored: dict[type[Any], str] = {}


def watch(
    attribute: InstrumentedAttribute[Any],
    to_events: ToEvents | None = None,
    *,
    when: Callable[[Any], bool] | None = None,
) -> None:
    """Declare that a change to a row of ``attribute``'s model changes what screens show.

    A model shown in several ways (a unit's name beside entries and beside exhibits) is watched
    once by each package that shows it.
    """
    model = attribute.parent.class_
    _watched.setdefault(model, []).append(Watch(attribute, to_events, when))


def before_and_after(row: Any, key: str) -> set[Any]:
    """The values an attribute of a row has now and had before the pending flush."""
    state = inspect(row)
    values = chain((state.dict.get(key),), state.attrs[key].history.deleted or ())
    return {value for value in values if value is not None}


def ignore(model: type[Any], reason: str) -> None:
    """Declare that no screen or phone ever shows ``model``, and say why."""
    _ignored[model] = reason


def decision(model: type[Any]) -> list[Watch] | str | None:
    """How changes to ``model`` reach the screens, why they never do, or None if undecided."""
    return _watched.get(model) or _ignored.get(model)


def _note_changes(session: Session, _context: UOWTransaction, _objects: Any) -> None:
    """Before the flush, while every row can still be read: which watched rows change, and
    that the attribute leading to their event is loaded (a deleted row could not load it later).
    """
    noted: list[tuple[Watch, Any]] = []
    for row in chain(session.new, session.dirty, session.deleted):
        if row in session.dirty and not session.is_modified(row):
            continue
        for spec in _watched.get(type(row), ()):
            if spec.when is None or spec.when(row):
                if row not in session.new:
                    getattr(row, spec.attribute.key)
                noted.append((spec, row))
    session.info[NOTED] = noted


def events_touched(session: Session) -> set[int]:
    """After the flush (new rows have their keys by then): the events the noted rows lead to."""
    found: dict[Watch, set[Any]] = {}
    for spec, row in session.info.pop(NOTED, []):
        found.setdefault(spec, set()).update(before_and_after(row, spec.attribute.key))
    touched: set[int] = set()
    connection = session.connection()
    for spec, values in found.items():
        if spec.to_events is None:
            touched.update(values)
        elif values:
            touched.update(connection.scalars(spec.to_events(values)))
    return touched


def _bump(session: Session, _context: UOWTransaction) -> None:
    bumped: set[int] = session.info.setdefault(BUMPED, set())
    fresh = events_touched(session) - bumped
    if not fresh:
        return
    table = Event.__table__
    moved = dict(
        session.connection()
        .execute(
            update(table)  # type: ignore[arg-type]
            .where(table.c.id.in_(fresh))
            .values(live_version=table.c.live_version + 1)
            .returning(table.c.id, table.c.live_version)
        )
        .tuples()
        .all()
    )
    bumped.update(fresh)
    if has_app_context():
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        # The pages kept per version must know of the commit before its request is answered.
        db.after_commit(session, partial(versions(app).committed, moved))
        for event_id in sorted(fresh):
            db.after_commit(session, partial(signals.live_changed.send, app, event_id=event_id))


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(BUMPED, None)


def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ in _watched:
        raise RuntimeError(
            f"bulk write to {mapper.class_.__name__} would not move the live version: "
            "change the rows through the ORM"
        )


def init_app(app: Flask) -> None:
    app.extensions[VERSIONS] = Versions()
    sessions = app.extensions[db.EXTENSION].sessions
    event.listen(sessions, "before_flush", _note_changes)
    event.listen(sessions, "after_flush", _bump)
    event.listen(sessions, "after_transaction_end", _forget)
    event.listen(sessions, "do_orm_execute", _refuse_bulk_writes)


watch(Event.id)
watch(Round.event_id)
ignore(Organiser, "accounts of the Ban Tổ chức; no screen shows them")
ignore(EventMember, "who may run an event; no screen shows it")
ignore(AuditLog, "append-only history, read on organiser pages only")
