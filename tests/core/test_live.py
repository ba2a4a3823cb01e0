import time

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import joinedload

from core import db, live, signals
from core.models import AuditLog, Base, Event, EventMember, Job, Organiser, Round, Unit
from display.models import Ceremony, Reveal, RunSheetStep, Screen
from initiatives.models import (
    Attachment,
    Author,
    Dossier,
    DossierComment,
    DossierStep,
    EventInitiative,
    Initiative,
    LibrarySettings,
    ProgrammeTarget,
    RollupSigner,
    Similarity,
    SupportMember,
    Term,
)
from kiosk.models import Ballot, Exhibit, Scan, Visit, Vote
from scoring.models import (
    Certificate,
    Criterion,
    Entry,
    Freeze,
    Judge,
    Panel,
    PanelMember,
    Paperwork,
    Recusal,
    Score,
    ScoreSheet,
    Seal,
)

# Every model, and whether a change to it can alter what a screen or phone shows. A new model
# fails this test until its package decides, beside its definition (core/live.py explains how).
SHOWN = {
    Event,
    Round,
    Unit,
    Initiative,
    Author,
    Attachment,
    Entry,
    Criterion,
    Judge,
    Recusal,
    Panel,
    PanelMember,
    Seal,
    ScoreSheet,
    Score,
    Exhibit,
    Vote,
    Screen,
    Freeze,
    Reveal,
    RunSheetStep,
    Ceremony,
}
NEVER_SHOWN = {
    Organiser,
    EventMember,
    AuditLog,
    Job,
    Ballot,
    Scan,
    Visit,
    Term,
    EventInitiative,
    Similarity,
    Paperwork,
    Certificate,
    ProgrammeTarget,
    RollupSigner,
    Dossier,
    DossierStep,
    DossierComment,
    SupportMember,
    LibrarySettings,
}


def test_every_model_has_a_decision_about_the_screens(app):
    models = {mapper.class_ for mapper in Base.registry.mappers}
    assert models == SHOWN | NEVER_SHOWN
    for model in SHOWN:
        assert isinstance(live.decision(model), list), model
    for model in NEVER_SHOWN:
        assert isinstance(live.decision(model), str) and live.decision(model), model


def version(app, event_id):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(select(Event.live_version).where(Event.id == event_id))


@pytest.fixture
def announced(app):
    heard = []

    def hear(_sender, event_id, **_what):
        heard.append(event_id)

    signals.live_changed.connect(hear, sender=app)
    yield heard
    signals.live_changed.disconnect(hear, sender=app)


def test_a_transaction_moves_each_event_it_touches_once(app, factory, announced):
    first, second = factory.contest(), factory.contest()
    judge = factory.judge(second.event)
    before = version(app, first.event.id), version(app, second.event.id)
    announced.clear()
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.get(Entry, first.entries[0]).running_order = 9
        session.flush()
        session.get(Entry, first.entries[1]).running_order = 8
        session.get(Judge, judge.id).active = False
        assert announced == []  # nothing is announced before the commit
    assert version(app, first.event.id) == before[0] + 1
    assert version(app, second.event.id) == before[1] + 1
    assert sorted(announced) == sorted([first.event.id, second.event.id])


def test_moving_an_entry_to_another_event_moves_both(app, factory):
    first, second = factory.contest(), factory.contest()
    before = version(app, first.event.id), version(app, second.event.id)
    with app.app_context(), db.unit_of_work(write=True) as session:
        target = session.scalar(select(Round).where(Round.event_id == second.event.id))
        session.get(Entry, first.entries[0]).round_id = target.id
    assert (version(app, first.event.id), version(app, second.event.id)) == (
        before[0] + 1,
        before[1] + 1,
    )


def test_a_rolled_back_change_moves_nothing_and_announces_nothing(app, factory, announced):
    contest = factory.contest()
    before = version(app, contest.event.id)
    announced.clear()
    with pytest.raises(ZeroDivisionError), app.app_context(), db.unit_of_work(write=True) as s:
        s.get(Entry, contest.entries[0]).running_order = 9
        s.flush()
        1 / 0  # noqa: B018
    assert version(app, contest.event.id) == before
    assert announced == []


def test_a_change_nobody_sees_moves_nothing(app, factory):
    contest = factory.contest()
    before = version(app, contest.event.id)
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.add(AuditLog(event_id=contest.event.id, actor="t", action="t", subject="t"))
    assert version(app, contest.event.id) == before


def test_a_bulk_write_to_a_watched_model_is_refused(app, factory):
    factory.contest()
    with (
        pytest.raises(RuntimeError, match="live version"),
        app.app_context(),
        db.unit_of_work(write=True) as session,
    ):
        session.execute(update(Entry).values(running_order=1))


def test_a_flush_outside_a_write_transaction_is_refused(app, factory):
    contest = factory.contest()
    with (
        pytest.raises(RuntimeError, match="write"),
        app.app_context(),
        db.unit_of_work() as session,
    ):
        session.get(Entry, contest.entries[0]).running_order = 9
        session.flush()


def test_this_process_knows_its_own_commits_version_before_anything_reads_it(app, factory):
    contest = factory.contest()
    known = live.versions(app)
    known.read({contest.event.id: version(app, contest.event.id)}, time.monotonic())
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.get(Entry, contest.entries[0]).running_order = 9
    assert known.current(contest.event.id) == version(app, contest.event.id)


def test_a_version_only_grows_and_is_not_believed_once_read_long_ago(app):
    known = live.versions(app)
    assert known.current(7) is None  # never read
    known.read({7: 5}, time.monotonic())
    known.committed({7: 4})
    known.read({7: 3}, time.monotonic())  # a read that began before a commit of this process
    assert known.current(7) == 5
    known.committed({7: 6})
    assert known.current(7) == 6
    known.forget()
    known.read({7: 6}, time.monotonic() - live.BELIEVED_FOR - 1)
    assert known.current(7) is None  # another process may have committed since


@pytest.fixture
def written(app):
    """The ``tables`` of every ``live_changed`` sent, by event."""
    heard = {}

    def hear(_sender, event_id, tables, **_what):
        heard.setdefault(event_id, []).append(tables)

    signals.live_changed.connect(hear, sender=app)
    yield heard
    signals.live_changed.disconnect(hear, sender=app)


def test_a_change_says_which_tables_its_transaction_wrote(app, factory, written):
    contest = factory.contest()
    judge = factory.judge(contest.event)
    written.clear()
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.get(Entry, contest.entries[0]).running_order = 9
        session.flush()  # the version moves here; what is written afterwards counts too
        session.get(Judge, judge.id).active = False
        session.add(AuditLog(event_id=contest.event.id, actor="t", action="t", subject="t"))
    (tables,) = written[contest.event.id]
    # Not the event's row: the version's own update is not a change of what screens show.
    assert {"entry", "judge", "audit_log"} <= tables and "event" not in tables


def test_a_row_a_foreign_key_deletes_counts_as_written(app, factory, written):
    contest = factory.contest()
    written.clear()
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.delete(session.get(Entry, contest.entries[0]))
    (tables,) = written[contest.event.id]
    assert {"entry", "recusal"} <= tables  # recusal.entry_id is ON DELETE CASCADE
    assert {"round", "entry", "recusal"} <= live.with_cascades({"round"})  # however far


def test_raw_sql_counts_as_writing_everything(app, factory, written):
    contest = factory.contest()
    written.clear()
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.get(Entry, contest.entries[0]).running_order = 9
        session.execute(text("UPDATE unit SET name = name"))
    (tables,) = written[contest.event.id]
    assert live.EVERYTHING in tables


def test_a_read_records_every_table_its_statements_use(app, factory):
    contest = factory.contest()
    with app.app_context(), db.unit_of_work() as session:
        connection = session.connection()
        with live.reading(connection) as tables:
            session.execute(
                select(Entry.id)
                .join(Round, Round.id == Entry.round_id)
                .where(Entry.id.in_(select(ScoreSheet.entry_id).where(ScoreSheet.total > 1)))
            ).all()
            session.get(Unit, 1)
        assert tables == {"entry", "round", "score_sheet", "unit"}
        session.scalar(select(Judge.id))  # after the block: not recorded
        assert tables == {"entry", "round", "score_sheet", "unit"}
        with live.reading(connection) as tables:
            session.execute(text("SELECT 1")).all()
        assert tables == {live.EVERYTHING}
    assert contest.entries


def test_a_read_records_the_tables_of_its_eager_loads_and_raw_sql_as_everything(app, factory):
    contest = factory.contest()
    with app.app_context(), db.unit_of_work() as session:
        connection = session.connection()
        with live.reading(connection) as tables:
            session.get(
                Entry, contest.entries[0], options=[joinedload(Entry.round).joinedload(Round.event)]
            )
        assert tables == {"entry", "round", "event"}
        with live.reading(connection) as tables:
            session.execute(select(Entry.id).where(text("1 = 1"))).all()
        assert live.EVERYTHING in tables
        with live.reading(connection) as tables:
            connection.exec_driver_sql("SELECT 1").all()
        assert tables == {live.EVERYTHING}


def test_a_write_that_moves_no_version_is_told_after_its_commit(app, factory):
    contest = factory.contest()
    heard = []

    def hear(_sender, tables):
        heard.append(tables)

    signals.quiet_write.connect(hear, sender=app)
    try:
        with app.app_context(), db.unit_of_work(write=True) as session:
            session.add(AuditLog(event_id=contest.event.id, actor="t", action="t", subject="t"))
            session.flush()
            assert heard == []  # not before the commit
        with app.app_context(), db.unit_of_work(write=True) as session:
            session.get(Entry, contest.entries[0]).running_order = 9  # a version tells of it
    finally:
        signals.quiet_write.disconnect(hear, sender=app)
    assert heard == [frozenset({"audit_log"})]
