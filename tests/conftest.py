"""Fixtures shared by every test: an app on a database of its own, clients, factories, logins.

The schema is built once per session by the real Alembic migrations into a template file. One app
serves the whole session; each test gets it on a fresh copy of the template (a file copy of an
empty schema: about a millisecond), with its caches emptied and its settings restored afterwards.
Passwords are hashed with one PBKDF2 round under test: scrypt's cost is the point in production,
a waste here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

os.environ.setdefault("SANGTAO_INSTANCE", tempfile.mkdtemp(prefix="sangtao-tests-"))

from core import db, realtime, views
from core.app import create_app
from core.auth import ADMIN_SESSION, hash_token, limiter
from core.demo import SeededDemo, seed
from core.models import Event, EventRole
from kiosk import pages, visits
from scoring.auth import card_of
from tests.factories import Contest, Factory, MadeJudge

REQUIRED = os.environ.get("SANGTAO_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def unavailable(reason: str) -> None:
    """Skip a test whose service is missing, or fail it where CI says it must run."""
    if REQUIRED:
        pytest.fail(f"required by SANGTAO_REQUIRE_SERVICES=1: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db.upgrade(f"sqlite:///{path}")
    return path


def make_app(database_url: str, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "SOCKETIO_ASYNC_MODE": "threading",
        "SOCKETIO_MESSAGE_QUEUE": None,
        "PUBLIC_URL": None,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }
    config.update(overrides)
    return create_app(config)


def settle(app: Flask) -> None:
    """Wait until the background builds of snapshots are done (they run off the request)."""
    assert app.extensions[realtime.EXTENSION].wait_idle(), "snapshot builds did not finish"


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Flask]:
    path = tmp_path_factory.mktemp("database") / "sangtao.db"
    shutil.copyfile(template_db, path)
    application = make_app(f"sqlite:///{path}")
    yield application
    application.extensions[db.EXTENSION].dispose()


@pytest.fixture
def app(shared_app: Flask, template_db: Path) -> Iterator[Flask]:
    """The app on an empty database of this test's own, as if just created."""
    settings = dict(shared_app.config)
    database = shared_app.extensions[db.EXTENSION]
    database.dispose()  # no connection outlives the file it was opened on
    path = Path(database.url.database or "")
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(template_db, path)
    shared_app.extensions.pop(views.SET_UP, None)
    shared_app.extensions[realtime.EXTENSION].forget()
    shared_app.extensions[visits.EXTENSION].forget()
    shared_app.extensions[pages.EXTENSION].forget()
    with shared_app.app_context():
        limiter.reset()  # attempts counted by the tests before
    yield shared_app
    settle(shared_app)
    shared_app.config.clear()
    shared_app.config.update(settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def factory(app: Flask) -> Factory:
    return Factory(app)


@pytest.fixture
def contest(factory: Factory) -> Contest:
    """An event in the scoring phase with the default rubric and three entries."""
    return factory.contest()


@pytest.fixture
def judge(factory: Factory, contest: Contest) -> MadeJudge:
    """A judge of ``contest`` from another unit than the entries'."""
    return factory.judge(contest.event)


@pytest.fixture
def organiser_client(app: Flask, factory: Factory) -> Callable[..., FlaskClient]:
    """A new client signed in as a new organiser with ``role`` in ``event`` (or an admin)."""

    def make(
        event: Event | None = None, role: EventRole | None = None, admin: bool = False
    ) -> FlaskClient:
        organiser = factory.organiser(event=event, role=role, admin=admin)
        signed_in = app.test_client()
        with signed_in.session_transaction() as session:
            session["_user_id"] = organiser.get_id()
            session["_fresh"] = True
            session[ADMIN_SESSION] = admin  # as signing in marks it (core.auth)
        return signed_in

    return make


@pytest.fixture
def judge_client(app: Flask) -> Callable[[MadeJudge], FlaskClient]:
    """A new client whose tablet has opened ``judge``'s magic link."""

    def make(judge: MadeJudge) -> FlaskClient:
        tablet = app.test_client()
        with tablet.session_transaction() as session:
            session["judge_id"] = judge.id
            session["judge_card"] = card_of(hash_token(judge.token))
        return tablet

    return make


@pytest.fixture
def demo(app: Flask) -> SeededDemo:
    """The demo event of ``sangtao seed-demo``: only for tests of that contract."""
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        seeded = seed(session)
        session.flush()
        # Load what the tests read, while the session is open.
        for entry in seeded.entries:
            _ = entry.initiative.title
    return seeded


def _create_postgres_database() -> tuple[str, Callable[[], None]]:
    """A new, empty database on the PostgreSQL server, its URL and how to drop it; skips (or
    fails, where services are required) when the server is absent."""
    from sqlalchemy import create_engine

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"sangtao_test_{os.urandom(5).hex()}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as error:  # the server is absent or refuses us
        admin.dispose()
        unavailable(f"PostgreSQL at {POSTGRES_URL} is not available: {error.__class__.__name__}")

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}", drop


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database for one test, dropped afterwards."""
    url, drop = _create_postgres_database()
    yield url
    drop()


@pytest.fixture(scope="module")
def postgres_app() -> Iterator[Flask]:
    """The app on a migrated PostgreSQL database, shared by a module's tests (creating a database
    takes PostgreSQL a good third of a second): each test makes its own event."""
    url, drop = _create_postgres_database()
    db.upgrade(url)
    application = make_app(url)
    yield application
    settle(application)
    application.extensions[db.EXTENSION].dispose()
    drop()
