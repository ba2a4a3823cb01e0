"""Fixtures shared by every test: an app on a fresh SQLite file, clients, and data factories.

The schema is built once per session by the real Alembic migration into a template file, then
copied for every test: each test gets its own database, as the app would see it in production.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

os.environ.setdefault("SANGTAO_INSTANCE", tempfile.mkdtemp(prefix="sangtao-tests-"))

from core import db
from core.app import create_app
from core.auth import hash_token, new_token
from core.demo import SeededDemo, seed
from core.models import (
    Criterion,
    Entry,
    Event,
    EventStatus,
    Initiative,
    Judge,
    JuryRole,
    Round,
    Unit,
)

REQUIRED = os.environ.get("SANGTAO_REQUIRE_SERVICES") == "1"


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
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path: Path, template_db: Path) -> Iterator[Flask]:
    path = tmp_path / "sangtao.db"
    shutil.copyfile(template_db, path)
    application = make_app(f"sqlite:///{path}")
    yield application
    db.Database.dispose(application.extensions[db.EXTENSION])


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def demo(app: Flask) -> SeededDemo:
    """The realistic demo event of ``sangtao seed-demo``, in the scoring phase."""
    with app.app_context(), db.new_session(write=True) as session:
        seeded = seed(session)
        session.commit()
        # Load what the tests read, while the session is open.
        for entry in seeded.entries:
            _ = entry.initiative.title
        _ = [c.key for c in seeded.event.criteria]
    return seeded


@pytest.fixture
def make_event(app: Flask) -> Callable[..., Event]:
    """An event with the given criteria (key, max) and one round of entries from other units."""

    def make(
        criteria: tuple[tuple[str, int], ...] = (("idea", 40), ("impact", 60)),
        entries: int = 3,
        **overrides: Any,
    ) -> Event:
        with app.app_context(), db.new_session(write=True) as session:
            unit = Unit(code=f"U{uuid.uuid4().hex[:8]}", name="Điện lực Hải Châu")
            event = Event(
                slug=overrides.pop("slug", f"event-{uuid.uuid4().hex[:8]}"),
                name="Ngày hội thử nghiệm",
                held_on=overrides.pop("held_on", date(2026, 12, 5)),
                status=overrides.pop("status", EventStatus.SCORING),
                **overrides,
            )
            for position, (key, maximum) in enumerate(criteria, start=1):
                event.criteria.append(
                    Criterion(
                        key=key,
                        name_vi=f"Tiêu chí {key}",
                        name_en=f"Criterion {key}",
                        weight=Decimal(maximum) / sum(m for _, m in criteria),
                        max_score=Decimal(maximum),
                        position=position,
                    )
                )
            round_ = Round(name="Vòng chung khảo", position=1)
            event.rounds.append(round_)
            for order in range(1, entries + 1):
                initiative = Initiative(title=f"Sáng kiến số {order}", unit=unit)
                round_.entries.append(Entry(initiative=initiative, running_order=order))
            session.add(event)
            session.commit()
            return event

    return make


@pytest.fixture
def make_judge(app: Flask) -> Callable[..., tuple[int, str]]:
    """A judge of ``event``; returns (judge id, magic-link token)."""

    def make(event: Event, **overrides: Any) -> tuple[int, str]:
        token = new_token()
        with app.app_context(), db.new_session(write=True) as session:
            judge = Judge(
                event_id=event.id,
                name=overrides.pop("name", "Nguyễn Văn Hùng"),
                role=overrides.pop("role", JuryRole.EXPERT),
                token_hash=hash_token(token),
                **overrides,
            )
            session.add(judge)
            session.commit()
            return judge.id, token

    return make


def entry_ids(app: Flask, event: Event) -> list[int]:
    with app.app_context(), db.new_session(write=False) as session:
        return [
            entry.id
            for round_ in session.get_one(Event, event.id).rounds
            for entry in round_.entries
        ]
