import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError

from core import db
from core.demo import seed
from core.models import AuditLog, Ballot, BallotChannel, Base, Event, Exhibit, ScoreSheet, Vote
from tests.conftest import make_app, unavailable

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def schema_drift(url):
    """What autogenerate would still add: empty when the migrations match the models."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_the_migration_builds_exactly_the_models_on_sqlite(template_db):
    assert schema_drift(f"sqlite:///{template_db}") == []


def test_upgrading_twice_is_harmless(app):
    db.upgrade(app.config["DATABASE_URL"])
    with app.app_context(), db.new_session(write=False) as session:
        assert session.scalar(text("SELECT version_num FROM alembic_version")) == "0001"


def test_timestamps_come_back_aware_and_in_utc(app, demo):
    with app.app_context(), db.new_session(write=True) as session:
        event = session.get(Event, demo.event.id)
        event.vote_opens_at = datetime(2026, 12, 5, 8, 0, tzinfo=timezone(timedelta(hours=7)))
        session.commit()
    with app.app_context(), db.new_session(write=False) as session:
        stored = session.get(Event, demo.event.id).vote_opens_at
    assert stored == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_a_ballot_votes_once(app, demo):
    with app.app_context(), db.new_session(write=True) as session:
        ballot = Ballot(event_id=demo.event.id, channel=BallotChannel.KIOSK)
        exhibit = session.scalars(select(Exhibit)).first()
        session.add(ballot)
        session.flush()
        session.add(Vote(ballot_id=ballot.id, exhibit_id=exhibit.id))
        session.commit()
        session.add(Vote(ballot_id=ballot.id, exhibit_id=exhibit.id))
        with pytest.raises(IntegrityError):
            session.commit()


def test_the_audit_log_is_append_only(app):
    with app.app_context(), db.new_session(write=True) as session:
        row = AuditLog(actor="organiser:1", action="test", subject="event:1")
        session.add(row)
        session.commit()
        row.reason = "rewritten"
        with pytest.raises(PermissionError):
            session.commit()
        session.rollback()
        session.delete(session.get(AuditLog, row.id))
        with pytest.raises(PermissionError):
            session.commit()


def test_foreign_keys_are_enforced(app):
    with app.app_context(), db.new_session(write=True) as session:
        session.add(Exhibit(event_id=999, initiative_id=999))
        with pytest.raises(IntegrityError):
            session.commit()


@pytest.fixture
def postgres_url():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"sangtao_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as error:  # the server is absent or refuses us
        admin.dispose()
        unavailable(f"PostgreSQL at {POSTGRES_URL} is not available: {error.__class__.__name__}")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.mark.postgres
def test_the_migration_builds_exactly_the_models_on_postgresql(postgres_url):
    db.upgrade(postgres_url)
    assert schema_drift(postgres_url) == []


TOP_MARKS = {"novelty": 20, "effectiveness": 25, "benefit": 25, "replicability": 20, "pitch": 9.5}


@dataclass
class PostgresDemo:
    app: Flask
    slug: str
    entry: int
    headers: dict[str, str]

    def post(self, body: dict[str, Any]) -> Any:
        return self.app.test_client().post("/api/v1/scoresheets", json=body, headers=self.headers)

    def standings(self) -> dict[str, Any]:
        return self.app.test_client().get(f"/api/v1/events/{self.slug}/standings").get_json()


@pytest.fixture
def postgres_demo(postgres_url):
    """The demo event on a fresh PostgreSQL database, and one judge who may score its entry."""
    db.upgrade(postgres_url)
    app = make_app(postgres_url)
    with app.app_context(), db.new_session(write=True) as session:
        demo = seed(session)
        session.commit()
        token = demo.judge_tokens[2][1]
        seeded = PostgresDemo(
            app, demo.event.slug, demo.entries[0].id, {"Authorization": f"Bearer {token}"}
        )
    yield seeded
    app.extensions[db.EXTENSION].dispose()


@pytest.mark.postgres
def test_scoring_end_to_end_on_postgresql(postgres_demo):
    payload = {
        "id": str(uuid.uuid4()),
        "entry": postgres_demo.entry,
        "scores": TOP_MARKS,
        "submit": True,
    }
    assert postgres_demo.post(payload).status_code == 201
    assert postgres_demo.post(payload).status_code == 200
    standings = postgres_demo.standings()
    assert standings["version"] == 1
    assert standings["entries"][0]["score"] == 99.5
    assert standings["entries"][0]["sheets"] == 1


@pytest.mark.postgres
def test_a_double_submit_racing_on_postgresql_is_stored_once(postgres_demo):
    """Under READ COMMITTED two copies of a new sheet can both miss each other; the loser's
    unique violation is retried and answered as the duplicate it is."""
    payload = {
        "id": str(uuid.uuid4()),
        "entry": postgres_demo.entry,
        "scores": TOP_MARKS,
        "submit": True,
    }
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _: postgres_demo.post(payload).status_code, range(16)))
    assert statuses == [200] * 15 + [201]
    with postgres_demo.app.app_context(), db.new_session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(ScoreSheet)) == 1
        assert session.scalar(select(Event.standings_version)) == 1


@pytest.mark.postgres
def test_racing_saves_of_one_sheet_on_postgresql_never_mix(postgres_demo):
    """A submit and a draft of the same sheet at once: one wins whole, and the standings agree."""
    base = {"id": str(uuid.uuid4()), "entry": postgres_demo.entry}
    for round_ in range(6):
        submit = base | {"scores": TOP_MARKS | {"pitch": round_}, "submit": True}
        draft = base | {"scores": TOP_MARKS | {"novelty": round_}, "submit": False}
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = [r.get_json() for r in pool.map(postgres_demo.post, [submit, draft])]
        with postgres_demo.app.app_context(), db.new_session(write=False) as session:
            stored = session.get(ScoreSheet, base["id"])
            state = {s.criterion.key: float(s.value) for s in stored.scores}
            status = stored.status.value
        assert (state, status) in [
            ({k: float(v) for k, v in reply["scores"].items()}, reply["status"])
            for reply in replies
        ]
        row = next(
            e for e in postgres_demo.standings()["entries"] if e["entry_id"] == base["entry"]
        )
        assert row["sheets"] == (1 if status == "submitted" else 0)
        if status == "submitted":
            assert row["score"] == pytest.approx(sum(state.values()))
