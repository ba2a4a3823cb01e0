from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from core import db
from core.models import AuditLog, Base, Event


def schema_drift(url):
    """What autogenerate would still add: empty when the migrations match the models."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_models_on_sqlite(app, template_db):
    assert schema_drift(f"sqlite:///{template_db}") == []


def test_upgrading_twice_is_harmless(app):
    db.upgrade(app.config["DATABASE_URL"])
    with app.app_context(), db.unit_of_work() as session:
        version = session.scalar(text("SELECT version_num FROM alembic_version"))
    head = ScriptDirectory.from_config(db.alembic_config(app.config["DATABASE_URL"]))
    assert version == head.get_current_head()


@pytest.mark.postgres
def test_the_migrations_build_exactly_the_models_on_postgresql(app, postgres_url):
    db.upgrade(postgres_url)
    assert schema_drift(postgres_url) == []


def test_the_second_migration_keeps_organisers_and_totals_existing_sheets(tmp_path):
    """A database of the walking skeleton: its organisers could open every event, so they
    become administrators; its submitted sheets get the totals the standings now read."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(db.alembic_config(url), "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO organiser VALUES (1, 'a@evn.vn', 'A', 'x', '2026-11-24 00:00:00')")
        run(
            "INSERT INTO event (id, slug, name, held_on, venue, status, aggregation, tie_break,"
            " min_prize_score, standings_version, created_at) VALUES (1, 'e', 'E', '2026-12-05',"
            " '', 'scoring', 'mean', '[]', 50, 7, '2026-11-24 00:00:00')"
        )
        for criterion_id, key, weight, maximum, position in (
            (1, "a", 0.4, 20, 1),
            (2, "b", 0.6, 10, 2),
        ):
            run(
                "INSERT INTO criterion (id, event_id, key, name_vi, name_en, weight, max_score,"
                f" step, levels, position) VALUES ({criterion_id}, 1, '{key}', '{key}', '{key}',"
                f" {weight}, {maximum}, 0.5, '[]', {position})"
            )
        run(
            "INSERT INTO judge (id, event_id, name, role, is_chair, token_hash, active, created_at)"
            " VALUES (1, 1, 'J', 'expert', 0, 'h', 1, '2026-11-24 00:00:00')"
        )
        for sheet_id, entry_id in (("s-full", 1), ("s-half", 2)):
            run(
                "INSERT INTO score_sheet (id, judge_id, entry_id, comment, status, created_at,"
                f" updated_at) VALUES ('{sheet_id}', 1, {entry_id}, '', 'submitted',"
                " '2026-11-24 00:00:00', '2026-11-24 00:00:00')"
            )
        run("INSERT INTO score VALUES ('s-full', 1, 15, ''), ('s-full', 2, 5, '')")
        run("INSERT INTO score VALUES ('s-half', 1, 15, ''), ('s-half', 2, NULL, '')")
    engine.dispose()
    db.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT is_admin FROM organiser").scalar() == 1
        assert connection.exec_driver_sql("SELECT live_version FROM event").scalar() == 7
        totals = dict(connection.exec_driver_sql("SELECT id, total FROM score_sheet").all())
    engine.dispose()
    assert totals == {"s-full": pytest.approx(60.0), "s-half": None}


def test_timestamps_come_back_aware_and_in_utc(app, factory):
    event = factory.event()
    with app.app_context(), db.unit_of_work(write=True) as session:
        stored = session.get(Event, event.id)
        stored.vote_opens_at = datetime(2026, 12, 5, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    with app.app_context(), db.unit_of_work() as session:
        stored = session.get(Event, event.id).vote_opens_at
    assert stored == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_the_audit_log_is_append_only(app):
    with app.app_context(), db.unit_of_work(write=True) as session:
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
        session.rollback()


def test_foreign_keys_are_enforced(app):
    from kiosk.models import Exhibit

    with pytest.raises(IntegrityError), app.app_context(), db.unit_of_work(write=True) as session:
        session.add(Exhibit(event_id=999, initiative_id=999))


def test_the_sixth_migration_puts_what_events_show_or_pitch_on_their_lists(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(db.alembic_config(url), "0005")
    engine = create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run(
            "INSERT INTO event (id, slug, name, held_on, venue, status, aggregation, tie_break,"
            " min_prize_score, live_version, created_at) VALUES (1, 'e', 'E', '2026-12-05',"
            " '', 'open', 'mean', '[]', 50, 0, '2026-11-24 00:00:00')"
        )
        for initiative_id in (1, 2, 3):
            run(
                "INSERT INTO initiative (id, title, summary, investor, field, theme, solution_type,"
                " prior_state, solution, applicability, effects, non_monetary_benefits, scope,"
                " decision_number, confidential, created_at, updated_at) VALUES"
                f" ({initiative_id}, 'T', '', '', '', '', 'technical', '', '', '', '', '', 'unit',"
                " '', '', '2026-11-24 00:00:00', '2026-11-24 00:00:00')"
            )
        run(
            "INSERT INTO round (id, event_id, name, position, status) VALUES (1, 1, 'R', 1, 'open')"
        )
        run(
            "INSERT INTO entry (id, round_id, initiative_id, running_order, status)"
            " VALUES (1, 1, 1, 1, 'scheduled')"
        )
        run(
            "INSERT INTO exhibit (id, event_id, initiative_id, booth, qr_token, created_at)"
            " VALUES (1, 1, 1, 'A1', 'tok', '2026-11-24 00:00:00')"
        )
        run(
            "INSERT INTO exhibit (id, event_id, initiative_id, booth, qr_token, created_at)"
            " VALUES (2, 1, 2, 'A2', 'tok2', '2026-11-24 00:00:00')"
        )
    engine.dispose()
    command.upgrade(db.alembic_config(url), "0006")
    engine = create_engine(url)
    with engine.connect() as connection:
        listed = connection.exec_driver_sql(
            "SELECT event_id, initiative_id FROM event_initiative ORDER BY initiative_id"
        ).all()
    engine.dispose()
    assert listed == [(1, 1), (1, 2)]
