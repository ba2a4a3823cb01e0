"""The dossiers' workflow: every move, the illegal ones refused in Vietnamese, each one audited
and kept as a step, the time spent in each state, the team's reach over units."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import db
from core.errors import Conflict, Forbidden, Invalid
from core.models import AuditLog, Organiser
from core.models.base import utcnow
from initiatives import dossiers
from initiatives.models import (
    Dossier,
    DossierState,
    DossierStep,
    Initiative,
    RecognitionLevel,
    SupportMember,
)
from initiatives.record_form import read_registration
from initiatives.service import record_choices

FORM = {
    "title": "Giá đỡ nâng máy biến áp phân phối không cần xe cẩu",
    "solution_type": "technical",
    "first_applied_on": "05/03/2025",
    "solution": "Giá đỡ thép gập, nâng bằng kích thủy lực.",
    "benefit": "150.000.000",
    "author-1-name": "Bùi Đức Thắng",
    "author-1-share": "60",
    "author-2-name": "Đỗ Thị Mai Phương",
    "author-2-share": "30",
}


def registration(session, unit_id, **changes):
    read, problems = read_registration(
        FORM | {"unit": str(unit_id)} | changes, record_choices(session), draft=True
    )
    assert not problems, problems
    return read


@pytest.fixture
def unit(factory):
    return factory.unit(name="Công ty Điện lực Quảng Nam")


@pytest.fixture
def member(factory, unit):
    organiser = factory.organiser()
    with factory.writing() as session:
        session.add(SupportMember(unit_id=unit.id, organiser_id=organiser.id))
    return organiser


def started(app, unit, **changes):
    """A new dossier of a worker; its id and the personal link's token."""
    token, digest = dossiers.new_link()
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        made = dossiers.start_dossier(session, registration(session, unit.id, **changes), digest)
        return made.id, token


def act(app, dossier_id, work):
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        return work(session, session.get(Dossier, dossier_id))


def as_member(member_id):
    return lambda session: session.get(Organiser, member_id)


def state_of(app, dossier_id):
    with app.test_request_context(), db.unit_of_work() as session:
        return session.get(Dossier, dossier_id).state


def test_the_whole_way_from_draft_to_recognised_with_a_return(app, unit, member):
    dossier_id, _token = started(app, unit)
    me = as_member(member.id)
    act(app, dossier_id, lambda s, d: dossiers.submit_dossier(s, d))
    act(app, dossier_id, lambda s, d: dossiers.take_into_support(s, d, me(s)))
    reason = "Tỷ lệ đóng góp mới cộng được 90%: bổ sung phần của đồng tác giả."
    act(app, dossier_id, lambda s, d: dossiers.return_dossier(s, d, reason, me(s)))
    assert state_of(app, dossier_id) == DossierState.RETURNED
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        found = session.get(Dossier, dossier_id)
        assert found.returned_reason == reason and found.assignee_id == member.id
        fixed = registration(session, unit.id, **{"author-2-share": "40"})
        dossiers.correct_record(session, found, fixed)
    act(app, dossier_id, lambda s, d: dossiers.submit_dossier(s, d))
    act(app, dossier_id, lambda s, d: dossiers.take_into_support(s, d, me(s)))
    act(app, dossier_id, lambda s, d: dossiers.mark_complete(s, d, me(s)))
    act(
        app,
        dossier_id,
        lambda s, d: dossiers.recognise(
            s, d, RecognitionLevel.BASE, "125/QĐ-PCQNA", date(2025, 12, 5), me(s)
        ),
    )
    with app.test_request_context(), db.unit_of_work() as session:
        found = session.get(Dossier, dossier_id)
        assert found.state == DossierState.RECOGNISED and found.returned_reason == ""
        record = found.initiative
        assert (record.recognition_level, record.decision_number) == (
            RecognitionLevel.BASE,
            "125/QĐ-PCQNA",
        )
        moves = [
            (step.from_state, step.to_state, step.actor) for step in dossiers.steps(session, found)
        ]
        actions = [row.action for row in dossiers.trail(session, found)]
    who = f"organiser:{member.id}"
    assert moves == [
        (None, DossierState.DRAFT, "worker"),
        (DossierState.DRAFT, DossierState.SUBMITTED, "worker"),
        (DossierState.SUBMITTED, DossierState.SUPPORTING, who),
        (DossierState.SUPPORTING, DossierState.RETURNED, who),
        (DossierState.RETURNED, DossierState.SUBMITTED, "worker"),
        (DossierState.SUBMITTED, DossierState.SUPPORTING, who),
        (DossierState.SUPPORTING, DossierState.COMPLETE, who),
        (DossierState.COMPLETE, DossierState.RECOGNISED, who),
    ]
    assert actions == [
        "initiative.registered",
        "dossier.started",
        "dossier.submit",
        "dossier.support",
        "dossier.assigned",
        "dossier.return",
        "dossier.corrected",
        "dossier.submit",
        "dossier.support",
        "dossier.complete",
        "dossier.recognise",
        "initiative.recognition",
    ]


@pytest.mark.parametrize(
    ("state", "move"),
    [
        (DossierState.DRAFT, "support"),
        (DossierState.DRAFT, "complete"),
        (DossierState.DRAFT, "return"),
        (DossierState.SUBMITTED, "submit"),
        (DossierState.SUBMITTED, "complete"),
        (DossierState.SUPPORTING, "recognise"),
        (DossierState.RETURNED, "support"),
        (DossierState.RECOGNISED, "return"),
        (DossierState.RECOGNISED, "submit"),
    ],
)
def test_an_illegal_move_is_refused_and_writes_nothing(app, unit, member, state, move):
    dossier_id, _token = started(app, unit, **{"author-2-share": "40"})
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        session.get(Dossier, dossier_id).state = state
    me = as_member(member.id)
    works = {
        "submit": lambda s, d: dossiers.submit_dossier(s, d),
        "support": lambda s, d: dossiers.take_into_support(s, d, me(s)),
        "return": lambda s, d: dossiers.return_dossier(s, d, "Thiếu ngày áp dụng", me(s)),
        "complete": lambda s, d: dossiers.mark_complete(s, d, me(s)),
        "recognise": lambda s, d: dossiers.recognise(
            s, d, RecognitionLevel.BASE, "1/QĐ", date(2025, 1, 2), me(s)
        ),
    }
    with pytest.raises(Conflict) as refused:
        act(app, dossier_id, works[move])
    assert refused.value.code == "illegal_transition"
    assert "Hồ sơ đang ở trạng thái" in refused.value.message
    with app.test_request_context(), db.unit_of_work() as session:
        assert session.get(Dossier, dossier_id).state == state
        steps = session.scalars(select(DossierStep).where(DossierStep.dossier_id == dossier_id))
        assert len(steps.all()) == 1  # the start alone


def test_complete_is_refused_while_the_checklist_lacks_something(app, unit, member):
    dossier_id, _token = started(app, unit)  # shares 60 + 30
    me = as_member(member.id)
    act(app, dossier_id, lambda s, d: dossiers.submit_dossier(s, d))
    act(app, dossier_id, lambda s, d: dossiers.take_into_support(s, d, me(s)))
    with pytest.raises(Conflict) as refused:
        act(app, dossier_id, lambda s, d: dossiers.mark_complete(s, d, me(s)))
    assert refused.value.code == "incomplete" and "90%" in refused.value.message
    assert state_of(app, dossier_id) == DossierState.SUPPORTING


def test_a_return_needs_a_reason_and_a_recognition_its_decision(app, unit, member):
    dossier_id, _token = started(app, unit, **{"author-2-share": "40"})
    me = as_member(member.id)
    act(app, dossier_id, lambda s, d: dossiers.submit_dossier(s, d))
    with pytest.raises(Invalid):
        act(app, dossier_id, lambda s, d: dossiers.return_dossier(s, d, "  ", me(s)))
    act(app, dossier_id, lambda s, d: dossiers.take_into_support(s, d, me(s)))
    act(app, dossier_id, lambda s, d: dossiers.mark_complete(s, d, me(s)))
    with pytest.raises(Invalid):
        act(
            app,
            dossier_id,
            lambda s, d: dossiers.recognise(s, d, RecognitionLevel.BASE, "", None, me(s)),
        )
    assert state_of(app, dossier_id) == DossierState.COMPLETE


def test_the_worker_corrects_only_a_draft_or_a_returned_dossier(app, unit):
    dossier_id, _token = started(app, unit)
    act(app, dossier_id, lambda s, d: dossiers.submit_dossier(s, d))
    with pytest.raises(Conflict):
        act(
            app,
            dossier_id,
            lambda s, d: dossiers.correct_record(s, d, registration(s, unit.id)),
        )


def test_a_personal_link_lists_its_own_dossiers_only(app, unit):
    first, token = started(app, unit)
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        digest = session.get(Dossier, first).link_digest
        second = dossiers.start_dossier(
            session, registration(session, unit.id, title="Cẩm nang xe cẩu 3 trong 1"), digest
        ).id
    other, _other_token = started(app, unit)
    with app.test_request_context(), db.unit_of_work() as session:
        assert {d.id for d in dossiers.worker_dossiers(session, token)} == {first, second}
        assert dossiers.worker_dossiers(session, "not-a-link") == []
        with pytest.raises(dossiers.NotFound):
            dossiers.worker_dossier(session, token, other)
        stored = session.scalars(select(Dossier.link_digest)).all()
        assert token not in stored


def test_a_member_handles_their_unit_and_its_sub_units_only(app, factory, unit, member):
    below = factory.unit(name="Điện lực Hội An", parent_id=unit.id)
    elsewhere = factory.unit(name="Công ty Điện lực Quảng Ngãi")
    mine, _ = started(app, below)
    theirs, _ = started(app, elsewhere)
    with app.test_request_context(), db.unit_of_work() as session:
        me = session.get(Organiser, member.id)
        assert [d.id for d in dossiers.queue(session, me)] == [mine]
        assert dossiers.dossier_or_404(session, mine, me).id == mine
        with pytest.raises(Forbidden):
            dossiers.dossier_or_404(session, theirs, me)
        # The team of the unit above may be assigned the sub-unit's dossier.
        assert dossiers.team_of(session, session.get(Dossier, mine)) == [me]
    stranger = factory.organiser()
    with pytest.raises(Invalid):
        act(
            app,
            mine,
            lambda s, d: dossiers.assign(
                s, d, s.get(Organiser, stranger.id), s.get(Organiser, member.id)
            ),
        )


def test_the_queue_filters_by_state_and_unit(app, factory, unit, member):
    below = factory.unit(name="Điện lực Hội An", parent_id=unit.id)
    draft, _ = started(app, unit)
    submitted, _ = started(app, below)
    act(app, submitted, lambda s, d: dossiers.submit_dossier(s, d))
    with app.test_request_context(), db.unit_of_work() as session:
        me = session.get(Organiser, member.id)
        by_state = dossiers.Filters(state=DossierState.SUBMITTED)
        assert [d.id for d in dossiers.queue(session, me, by_state)] == [submitted]
        by_unit = dossiers.Filters(unit_id=below.id)
        assert [d.id for d in dossiers.queue(session, me, by_unit)] == [submitted]
        assert {d.id for d in dossiers.queue(session, me)} == {draft, submitted}


def test_waits_per_state_give_the_median_and_the_oldest_and_the_past_stays():
    now = utcnow()

    def waiting(state, hours):
        return Dossier(state=state, state_since=now - timedelta(hours=hours))

    found = dossiers.waits(
        [
            waiting(DossierState.SUBMITTED, 1),
            waiting(DossierState.SUBMITTED, 5),
            waiting(DossierState.SUBMITTED, 30),
            waiting(DossierState.SUPPORTING, 2),
            waiting(DossierState.SUPPORTING, 4),
        ],
        [
            DossierStep(dossier_id=1, to_state=DossierState.DRAFT, at=now - timedelta(hours=9)),
            DossierStep(dossier_id=1, to_state=DossierState.SUBMITTED, at=now - timedelta(hours=8)),
            DossierStep(
                dossier_id=1, to_state=DossierState.SUPPORTING, at=now - timedelta(hours=2)
            ),
            DossierStep(dossier_id=2, to_state=DossierState.DRAFT, at=now - timedelta(hours=7)),
            DossierStep(dossier_id=2, to_state=DossierState.SUBMITTED, at=now - timedelta(hours=4)),
            DossierStep(
                dossier_id=2, to_state=DossierState.SUPPORTING, at=now - timedelta(hours=2)
            ),
        ],
        now,
    )
    by_state = {wait.state: wait for wait in found}
    assert [wait.state for wait in found] == list(dossiers.STATES)
    submitted = by_state[DossierState.SUBMITTED]
    assert (submitted.count, submitted.median, submitted.oldest) == (
        3,
        timedelta(hours=5),
        timedelta(hours=30),
    )
    assert by_state[DossierState.SUPPORTING].median == timedelta(hours=3)
    # Stays that ended: drafts of 1 and 3 hours, submissions of 6 and 2 hours.
    draft = by_state[DossierState.DRAFT]
    assert (draft.count, draft.median, draft.past_median) == (0, None, timedelta(hours=2))
    assert submitted.past_median == timedelta(hours=4)
    assert by_state[DossierState.SUPPORTING].past_median is None


def test_stays_are_the_time_between_steps_and_up_to_now(app):
    start = utcnow()
    history = [
        DossierStep(to_state=DossierState.DRAFT, at=start, actor="worker", reason=""),
        DossierStep(
            to_state=DossierState.SUBMITTED,
            at=start + timedelta(hours=2),
            actor="worker",
            reason="",
        ),
    ]
    found = dossiers.stays(history, start + timedelta(hours=26))
    assert [(s.state, s.lasted) for s in found] == [
        (DossierState.DRAFT, timedelta(hours=2)),
        (DossierState.SUBMITTED, timedelta(hours=24)),
    ]
    with app.test_request_context():
        assert dossiers.duration(timedelta(hours=26, minutes=5)) == "1 ngày 2 giờ"
        assert dossiers.duration(timedelta(minutes=7)) == "7 phút"


def test_comments_are_audited_without_their_text(app, unit, member):
    dossier_id, _token = started(app, unit)
    note = "Anh Thắng cần nộp thêm biên bản áp dụng thử."
    act(app, dossier_id, lambda s, d: dossiers.comment(s, d, note, s.get(Organiser, member.id)))
    with app.test_request_context(), db.unit_of_work() as session:
        (row,) = session.scalars(select(AuditLog).where(AuditLog.action == "dossier.commented"))
        assert note not in str(row.after)
        assert [c.body for c in dossiers.comments(session, session.get(Dossier, dossier_id))] == [
            note
        ]


def test_a_start_runs_the_novelty_check(app, factory, unit):
    factory.initiative(title=FORM["title"], unit_id=unit.id, solution=FORM["solution"])
    dossier_id, _token = started(app, unit)
    with app.test_request_context(), db.unit_of_work() as session:
        lines = dossiers.lines(session, session.get(Dossier, dossier_id))
        novelty = next(line for line in lines if line.key == "novelty")
        assert novelty.status == "warning" and FORM["title"] in novelty.said
        initiative = session.scalar(select(Initiative).order_by(Initiative.id.desc()))
        assert [a.contribution_pct for a in initiative.authors] == [Decimal(60), Decimal(30)]


def _lock_waits(app) -> int:
    """How many transactions of the test's PostgreSQL database wait for a lock."""
    with app.app_context(), db.database().engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).scalar_one()


def race(app, read, first, second):
    """``first`` and ``second`` change one dossier at once: ``first`` reads it in its write
    transaction (``read``), then lets ``second`` run until it has finished or waits for a lock,
    and only then writes and commits. The code of the refusal each met, or None."""
    read_done = threading.Event()
    outcome: dict[str, str | None] = {}

    def run(name, work, before_writing=lambda: None):
        try:
            with app.test_request_context(), db.unit_of_work(write=True) as session:
                found = read(session)
                before_writing()
                work(session, found)
            outcome[name] = None
        except (Conflict, Invalid) as refusal:
            outcome[name] = refusal.code

    def until_second_is_done_or_waits():
        read_done.set()
        for _ in range(400):
            if not other.is_alive() or _lock_waits(app):
                return
            threading.Event().wait(0.025)

    other = threading.Thread(target=lambda: read_done.wait(30) and run("second", second))
    other.start()
    run("first", first, until_second_is_done_or_waits)
    other.join()
    return outcome["first"], outcome["second"]


@pytest.mark.postgres
def test_two_members_moving_one_dossier_at_once_take_turns_on_postgresql(postgres_app):
    """Without the dossier's row locked, both moves left "đã nộp" (a return racing "nhận hỗ
    trợ"), and the history no longer followed from one state to the next."""
    from tests.factories import Factory

    factory = Factory(postgres_app)
    unit = factory.unit()
    admin = factory.organiser(admin=True)
    with factory.writing() as session:
        session.add(SupportMember(unit_id=unit.id, organiser_id=admin.id))
    dossier_id, _token = started(postgres_app, unit)
    act(postgres_app, dossier_id, lambda session, found: dossiers.submit_dossier(session, found))

    def read(session):
        return dossiers.dossier_or_404(session, dossier_id, session.get(Organiser, admin.id))

    def support(session, found):
        dossiers.take_into_support(session, found, session.get(Organiser, admin.id))

    def give_back(session, found):
        dossiers.return_dossier(session, found, "Thiếu bản vẽ", session.get(Organiser, admin.id))

    assert race(postgres_app, read, support, give_back) == (None, None)
    with postgres_app.app_context(), db.unit_of_work() as session:
        history = session.scalars(
            select(DossierStep).where(DossierStep.dossier_id == dossier_id).order_by(DossierStep.id)
        ).all()
        assert [(step.from_state, step.to_state) for step in history[1:]] == [
            (DossierState.DRAFT, DossierState.SUBMITTED),
            (DossierState.SUBMITTED, DossierState.SUPPORTING),
            (DossierState.SUPPORTING, DossierState.RETURNED),
        ]
        assert session.get(Dossier, dossier_id).state == DossierState.RETURNED


@pytest.mark.postgres
def test_two_sendings_of_files_at_once_keep_the_limit_on_postgresql(postgres_app, tmp_path):
    """Each sending fits the limit of files per dossier; both together would not."""
    from initiatives.models import Attachment
    from tests.factories import Factory

    unit = Factory(postgres_app).unit()
    dossier_id, token = started(postgres_app, unit)
    pdf = dossiers.Document("biên bản.pdf", b"%PDF-1.4 test")
    half = dossiers.MOST_FILES // 2 + 1

    def read(session):
        return dossiers.worker_dossier(session, token, dossier_id)

    def send(session, found):
        dossiers.add_files(session, found, [], [pdf] * half, tmp_path)

    assert race(postgres_app, read, send, send) == (None, "too_many_files")
    with postgres_app.app_context(), db.unit_of_work() as session:
        found = session.get(Dossier, dossier_id)
        count = session.scalar(
            select(func.count()).where(Attachment.initiative_id == found.initiative_id)
        )
        assert count == half
