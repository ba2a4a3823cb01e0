"""What the pitch contest says of an event's changes of status (scoring/setup.py): no scoring
without a rubric, a jury and entries; no lock while sheets are in draft."""

import pytest
from sqlalchemy import select

from core import db
from core.models import Event, EventStatus
from core.service import Blocked, Blocker, change_status, transition_blockers
from scoring.models import Entry, EntryStatus, Judge
from tests.scoring.test_api import bearer, sheet


def blockers(app, slug, target):
    with app.test_request_context(), db.unit_of_work() as session:
        event = session.scalar(select(Event).where(Event.slug == slug))
        return transition_blockers(session, event, target)


def lock(app, slug, *, override=False):
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        event = session.scalar(select(Event).where(Event.slug == slug))
        change_status(session, event, EventStatus.LOCKED, "organiser:1", override=override)


@pytest.mark.parametrize(
    ("contest_args", "judges", "expected"),
    [
        ({}, 1, []),
        ({}, 0, ["Chưa có giám khảo."]),
        ({"criteria": ()}, 1, ["Chưa có tiêu chí chấm điểm."]),
        ({"entries": 0}, 1, ["Chưa có bài dự thi."]),
        (
            {"criteria": (), "entries": 0},
            0,
            ["Chưa có tiêu chí chấm điểm.", "Chưa có giám khảo.", "Chưa có bài dự thi."],
        ),
    ],
)
def test_scoring_needs_a_rubric_a_jury_and_entries(app, factory, contest_args, judges, expected):
    contest = factory.contest(status=EventStatus.OPEN, **contest_args)
    for _ in range(judges):
        factory.judge(contest.event)
    found = blockers(app, contest.slug, EventStatus.SCORING)
    assert found == [Blocker(message) for message in expected]


def test_withdrawn_entries_and_a_stopped_judge_do_not_count(app, factory):
    contest = factory.contest(status=EventStatus.OPEN, entries=1)
    factory.judge(contest.event, active=False)
    with factory.writing() as session:
        session.get(Entry, contest.entries[0]).status = EntryStatus.WITHDRAWN
    assert [b.message for b in blockers(app, contest.slug, EventStatus.SCORING)] == [
        "Chưa có giám khảo.",
        "Chưa có bài dự thi.",
    ]


def test_the_results_lock_once_no_sheet_is_in_draft(app, client, factory, contest):
    first, second = factory.judge(contest.event), factory.judge(contest.event, name="Lê Hoàng Nam")
    stopped = factory.judge(contest.event, name="Vũ Đình Long")
    a, b, c = contest.entries
    sent = []
    for who, entry, submit in (
        (first, a, True),
        (first, b, False),
        (second, a, False),
        (second, b, True),
        (stopped, a, False),
    ):
        body = sheet(entry, submit=submit)
        response = client.post("/api/v1/scoresheets", json=body, headers=bearer(who.token))
        assert response.status_code == 201
        sent.append((who, body))
    with factory.writing() as session:
        session.get(Judge, stopped.id).active = False

    assert blockers(app, contest.slug, EventStatus.LOCKED) == [
        Blocker("2 phiếu chấm còn ở dạng nháp."),
        Blocker("2 phiếu chấm chưa có: giám khảo chưa chấm bài.", overridable=True),
    ]
    with pytest.raises(Blocked):
        lock(app, contest.slug, override=True)  # drafts are never overridden

    for who, body in (sent[1], sent[2]):  # the active judges' drafts
        submitted = body | {"submit": True}
        response = client.post("/api/v1/scoresheets", json=submitted, headers=bearer(who.token))
        assert response.status_code == 200
    with pytest.raises(Blocked) as refused:
        lock(app, contest.slug)
    assert refused.value.details["blockers"] == ["2 phiếu chấm chưa có: giám khảo chưa chấm bài."]
    lock(app, contest.slug, override=True)

    late = client.post("/api/v1/scoresheets", json=sheet(c), headers=bearer(first.token))
    assert late.status_code == 409
