"""Live versions: every committed change to what a screen or phone shows moves its event's version.

Each model says once, beside its definition, how a change to one of its rows reaches events
(:func:`watch`) or why it never does (:func:`ignore`); ``tests/core/test_live.py`` fails on a model
with no decision. A flush listener on the app's sessions finds the events a flush touched and
moves each one's ``Event.live_version`` by one, once per transaction, inside that transaction: a
snapshot that reads the version first then never shows less than it says. After the commit,
``signals.live_changed`` is sent once per event. No write through the ORM has to remember any of
this; the one write that goes around it, a judge's sheet in Core (``scoring.service.save_sheet``),
calls :func:`moved` itself.

Bulk ``UPDATE``/``DELETE`` statements on a watched model bypass the flush, so they are refused.

Each process also knows the versions without reading them (:class:`Versions`): a commit of its own
tells it the new version at once, and the database is read again for the commits of other
processes. Pages kept in memory per version (the visitor's page) and the phones' polls answer from
it with no database read.

Each version also says which tables its transaction wrote (``tables`` of the signal), and
:func:`reading` says which tables a read used, so that a snapshot built from tables a version did
not write stays true at that version (``core.realtime`` builds only the feeds a commit could
change). Both are taken from the statements sent to the database, not declared: a new query
cannot be forgotten. A row deleted or re-keyed by a foreign key's ``ON DELETE`` or ``ON UPDATE``
counts as written to its table; a statement whose tables cannot be told (raw SQL text) counts as
reading or writing :data:`EVERYTHING`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask, current_app, has_app_context
from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    Table,
    TextClause,
    bindparam,
    event,
    inspect,
    update,
)
from sqlalchemy.engine import Compiled
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import InstrumentedAttribute, ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql import visitors
from sqlalchemy.sql.util import find_tables

from core import db, signals
from core.models import AuditLog, Base, Event, EventMember, Organiser, Round

ToEvents = Callable[[BindParameter[Any]], Select[tuple[int]]]
BUMPED = "sangtao.live.bumped"
NOTED = "sangtao.live.noted"
VERSIONS = "sangtao.live.versions"
# Keys of Connection.info: the tables the connection's transaction wrote, and those read meanwhile.
WRITTEN = "sangtao.live.written"
READING = "sangtao.live.reading"
# The execution option of the version's own update, which is not a change of what screens show.
BUMP = "sangtao_live_bump"
EVERYTHING = "*"
# The changed rows' ids in the statements that find their events. Each statement is built once:
# building one and its cache key costs SQLAlchemy more than SQLite takes to run it, every flush.
IDS: BindParameter[Any] = bindparam("ids", expanding=True)
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
# Key of Session.info: what the transaction wrote, and whether a new version announced it.
TRANSACTION = "sangtao.live.transaction"
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
    ``to_events`` is None (the attribute holds event ids), else through that query of the
    values (:data:`IDS`). ``when``, if given, says whether a changed row shows at all (a draft
    score sheet does not)."""

    attribute: InstrumentedAttribute[Any]
    to_events: Select[tuple[int]] | None
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
    once by each package that shows it. ``to_events`` is called once, here, with :data:`IDS` in
    place of the ids: the query it returns runs at each flush with the changed rows' values.
    """
    model = attribute.parent.class_
    query = None if to_events is None else to_events(IDS)
    _watched.setdefault(model, []).append(Watch(attribute, query, when))


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


_tables: WeakKeyDictionary[Compiled, frozenset[str]] = WeakKeyDictionary()
_reached: dict[str, frozenset[str]] = {}
_closures: dict[frozenset[str], frozenset[str]] = {}


def tables_of(compiled: Compiled) -> frozenset[str]:
    """The tables a compiled statement reads or writes (kept per statement, which SQLAlchemy
    compiles once and caches). An ORM statement's eager loads are joined only in the statement
    its compilation made, so both are looked at; any raw SQL text in it counts as every table."""
    found = _tables.get(compiled)
    if found is None:
        state = getattr(compiled, "compile_state", None)
        statements = [compiled.statement, getattr(state, "statement", None)]
        names: set[str] = set()
        for statement in (part for part in statements if part is not None):
            for element in visitors.iterate(statement):
                if isinstance(element, TextClause):
                    names.add(EVERYTHING)
            names.update(
                table.name
                for table in find_tables(statement, include_crud=True, check_columns=True)
                if isinstance(table, Table)
            )
        found = _tables[compiled] = frozenset(names)
    return found


def _cascades() -> dict[str, frozenset[str]]:
    """Per table, every table whose rows a write to it may delete or change through a foreign
    key's ``ON DELETE`` / ``ON UPDATE``, however far it goes."""
    children: dict[str, set[str]] = {}
    for table in Base.metadata.tables.values():
        for key in table.foreign_keys:
            if key.ondelete or key.onupdate:
                children.setdefault(key.column.table.name, set()).add(table.name)
    reach: dict[str, frozenset[str]] = {}
    for name in Base.metadata.tables:
        reached: set[str] = set()
        todo = [name]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in reached:
                    reached.add(child)
                    todo.append(child)
        reach[name] = frozenset(reached)
    return reach


def with_cascades(tables: Collection[str]) -> frozenset[str]:
    """``tables`` and every table a write to them may change through a foreign key's cascade.
    One object per distinct set: a publisher keeps one per version."""
    key = frozenset(tables)
    found = _closures.get(key)
    if found is None:
        if not _reached:
            _reached.update(_cascades())
        found = _closures[key] = key.union(*(_reached.get(name, frozenset()) for name in key))
    return found


def _begin(connection: Connection) -> None:
    connection.info[WRITTEN] = set()


def _statement(
    connection: Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    context: DefaultExecutionContext,
    _executemany: bool,
) -> None:
    compiled = context.compiled
    if compiled is not None:
        tables = tables_of(compiled)
    elif statement.lstrip()[:9].upper().startswith(TRANSACTION_CONTROL):
        return
    else:  # SQL sent as it is, through exec_driver_sql: which tables, nobody knows
        tables = frozenset({EVERYTHING})
    reading: set[str] | None = connection.info.get(READING)
    if reading is not None:
        reading |= tables
    writes = context.isinsert or context.isupdate or context.isdelete or EVERYTHING in tables
    if writes and not context.execution_options.get(BUMP):
        connection.info.setdefault(WRITTEN, set()).update(tables)


@contextmanager
def reading(connection: Connection) -> Iterator[set[str]]:
    """The tables read through ``connection`` inside the block (filled as statements run)."""
    tables: set[str] = set()
    connection.info[READING] = tables
    try:
        yield tables
    finally:
        connection.info.pop(READING, None)


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
    for spec, values in found.items():
        if spec.to_events is None:
            touched.update(values)
        elif values:
            touched.update(session.connection().scalars(spec.to_events, {IDS.key: list(values)}))
    return touched


@dataclass
class Writes:
    """What a transaction wrote (filled until its commit), and whether a version announces it."""

    tables: set[str]
    announced: bool = False
    # How its writer says the transaction changed each event's feeds (see moved).
    follows: dict[int, Mapping[str, Any]] = field(default_factory=dict)


def _transaction(session: Session) -> Writes:
    """The transaction's writes; at the first flush, a callback after its commit that tells of
    writes no version announces (a draft sheet: ``signals.quiet_write``)."""
    writes: Writes | None = session.info.get(TRANSACTION)
    if writes is None:
        tables = session.connection().info.setdefault(WRITTEN, set())
        writes = session.info[TRANSACTION] = Writes(tables)
        if has_app_context():
            app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
            db.after_commit(session, partial(_written_quietly, app, writes))
    return writes


def _written_quietly(app: Flask, writes: Writes) -> None:
    if writes.tables and not writes.announced:
        signals.quiet_write.send(app, tables=with_cascades(writes.tables))


_EVENTS = Event.__table__
_BUMP_VERSIONS = (
    update(_EVENTS)  # type: ignore[arg-type]
    .where(_EVENTS.c.id.in_(IDS))
    .values(live_version=_EVENTS.c.live_version + 1)
    .returning(_EVENTS.c.id, _EVENTS.c.live_version)
    .execution_options(**{BUMP: True})
)


def _bump(session: Session, _context: UOWTransaction) -> None:
    moved(session, events_touched(session))


def moved(
    session: Session, event_ids: Collection[int], follow: Mapping[str, Any] | None = None
) -> None:
    """Move the versions of ``event_ids`` in the session's transaction, once per transaction,
    and announce them after its commit: what the flush does of the rows it writes. A write that
    goes around the ORM (a judge's sheet, in Core: scoring.service.save_sheet) calls it itself,
    with no event when what it wrote shows nowhere, so that its tables are told as a quiet
    write; ``follow`` says how it changed feeds (``core.realtime.Follow`` by feed), and is
    announced with the version, unless the transaction changes the event again."""
    writes = _transaction(session)
    bumped: set[int] = session.info.setdefault(BUMPED, set())
    for event_id in bumped.intersection(event_ids):
        # A second change to the event in the transaction: no one writer knows all it changed.
        writes.follows[event_id] = {}
    fresh = set(event_ids) - bumped
    if not fresh:
        return
    writes.announced = True
    writes.follows.update(dict.fromkeys(fresh, follow or {}))
    bumped_to = dict(
        session.connection().execute(_BUMP_VERSIONS, {IDS.key: list(fresh)}).tuples().all()
    )
    bumped.update(fresh)
    if has_app_context():
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        # The pages kept per version must know of the commit before its request is answered.
        db.after_commit(session, partial(versions(app).committed, bumped_to))
        for event_id in sorted(fresh):
            db.after_commit(
                session,
                partial(_announce, app, event_id, bumped_to[event_id], writes),
            )


def _announce(app: Flask, event_id: int, version: int, writes: Writes) -> None:
    signals.live_changed.send(
        app,
        event_id=event_id,
        version=version,
        tables=with_cascades(writes.tables),
        follow=writes.follows.get(event_id, {}),
    )


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(BUMPED, None)
        session.info.pop(TRANSACTION, None)


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
    engine = app.extensions[db.EXTENSION].engine
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _statement)


watch(Event.id)
watch(Round.event_id)
ignore(Organiser, "accounts of the Ban Tổ chức; no screen shows them")
ignore(EventMember, "who may run an event; no screen shows it")
ignore(AuditLog, "append-only history, read on organiser pages only")
