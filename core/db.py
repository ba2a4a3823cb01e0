"""The database: one engine per app, one session per request, one commit per request.

SQLite is the one-laptop default, so it is tuned here for a day of concurrent judges: WAL (readers
never wait for the writer), a busy timeout, foreign keys on, ``synchronous=FULL`` (an acknowledged
score survives a power cut), and write transactions that begin ``IMMEDIATE``: a deferred transaction
that reads and then writes fails at once with "database is locked" when another writer got in first,
ignoring the busy timeout.

The unit of work:

- A request's session only reads until code calls :func:`write`, which ends the read transaction
  and begins a write one. So SQLite's write lock is held from the first write to the commit, never
  through a password hash, a slow body or a PDF. A flush outside a write transaction is a bug and
  raises.
- The request commits once, after its view returns (``core.app.App``); an error rolls it back.
- Side effects (signals, emits) wait in the session's after-commit queue (:func:`after_commit`) and
  run only once the commit is done; a rollback drops them.
- Code outside a request (the CLI, background tasks) uses :func:`unit_of_work`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, sessionmaker

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXTENSION = "sangtao.db"
# Keys of Session.info.
WRITING = "sangtao.writing"
ALWAYS_WRITES = "sangtao.always_writes"
AFTER_COMMIT = "sangtao.after_commit"


class Database:
    """The engine and session factory of one app."""

    def __init__(self, url: str, busy_timeout_ms: int = 10_000) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        options: dict[str, Any] = {"pool_pre_ping": not self.is_sqlite}
        if self.is_sqlite:
            options["connect_args"] = {
                "timeout": busy_timeout_ms / 1000,
                "check_same_thread": False,
            }
        if self.is_sqlite:
            create_private_file(self.url.database)
        self.engine: Engine = create_engine(self.url, **options)
        if self.is_sqlite:
            _tune_sqlite(self.engine, busy_timeout_ms)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self.sessions, "before_flush", _refuse_flush_outside_write)
        event.listen(self.sessions, "after_commit", _run_after_commit)
        event.listen(self.sessions, "after_transaction_end", _end_transaction)

    def writer(self) -> Session:
        """A session whose every transaction writes: for the CLI and background work."""
        session = self.sessions(bind=self.engine.execution_options(sqlite_begin="IMMEDIATE"))
        session.info[ALWAYS_WRITES] = True
        return session

    def dispose(self) -> None:
        self.engine.dispose()


def create_private_file(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only, as SQLite then creates its -wal and
    -shm files: it holds password hashes and confidential initiatives. An existing file is left as
    its owner set it; an in-memory database has no file."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not pysqlite, decide how transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def is_writing(session: Session) -> bool:
    return bool(session.info.get(WRITING) or session.info.get(ALWAYS_WRITES))


def _refuse_flush_outside_write(session: Session, _context: UOWTransaction, _objects: Any) -> None:
    if not is_writing(session):
        raise RuntimeError("a write outside a write transaction: call core.db.write() first")


def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(AFTER_COMMIT, []):
        try:
            callback()
        except Exception:
            # The change is committed: a failed side effect is logged, never turned into an error.
            log.exception("an after-commit callback failed")


def _end_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WRITING, None)
        session.info.pop(AFTER_COMMIT, None)


def write(current: Session | None = None) -> Session:
    """Begin the write transaction of ``current`` (the request's session by default); return it.

    A read transaction in progress ends first, and every object read in it is expired: what the
    write depends on is read again inside the write transaction, under its lock.
    """
    current = current if current is not None else session()
    if is_writing(current):
        return current
    if current.in_transaction():
        current.commit()
        current.expire_all()
    current.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    current.info[WRITING] = True
    return current


def after_commit(session: Session, callback: Callable[[], object]) -> None:
    """Run ``callback`` once the session's transaction commits; never if it rolls back.

    The callback runs inside the commit's aftermath: it must not use the session.
    """
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


def read_body_first() -> None:
    """Take the whole request body off the network before any transaction can begin.

    Under gevent, a view that began its write transaction and then read a slow body would yield
    while holding SQLite's write lock; the next writer's busy wait blocks the whole server.

    A view may take more than MAX_CONTENT_LENGTH: its ``max_body`` names the setting, and its
    ``max_body_for`` (if any) says whether this visitor may send that much (a read of the
    database it makes is ended before it returns): a stranger's huge body is refused at the
    usual limit, from its length, before it is read. A view whose ``streams_body`` is
    true (an upload of hundreds of megabytes) is not read here, which would hold it in memory
    whole: the form parser (the next hooks read the form) streams its files to temporary files
    on disk in chunks, still before any transaction begins.
    """
    if request.method not in SAFE_METHODS:
        view = current_app.view_functions.get(request.endpoint or "")
        allowed = getattr(view, "max_body_for", None)
        if (limit := getattr(view, "max_body", None)) and (allowed is None or allowed()):
            request.max_content_length = current_app.config[limit]
        if not getattr(view, "streams_body", False):
            request.get_data(cache=True)


def init_app(app: Flask) -> None:
    database = Database(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_MS"])
    app.extensions[EXTENSION] = database
    app.before_request(read_body_first)
    app.teardown_appcontext(close_session)


def database() -> Database:
    db: Database = current_app.extensions[EXTENSION]
    return db


def session() -> Session:
    """This request's (or app context's) session, made on first use; it reads until write()."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    current: Session = g.db_session
    return current


def commit() -> None:
    """The one commit of a request, once its view has returned (see ``core.app.App``)."""
    current = g.get("db_session")
    if current is not None:
        current.commit()


def rollback() -> None:
    current = g.get("db_session")
    if current is not None:
        current.rollback()


def close_session(_exc: BaseException | None = None) -> None:
    current = g.pop("db_session", None)
    if current is not None:
        current.close()


@contextmanager
def unit_of_work(*, write: bool = False) -> Iterator[Session]:
    """A session of its own, committed at the end (rolled back on an error), then closed.

    ``write=True`` makes every transaction of it a write one: for the CLI and background work.
    """
    db = database()
    with db.writer() if write else db.sessions() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.attributes["url"] = url
    return config


def upgrade(url: str) -> None:
    """Bring the schema at ``url`` up to date; ``serve`` and ``seed-demo`` call it on their own."""
    from alembic import command

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        create_private_file(parsed.database)
    command.upgrade(alembic_config(url), "head")
