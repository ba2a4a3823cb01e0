"""A recusal recorded after the judge sent a sheet: the sheet stops counting at once, and the
organiser sees what it took out of the count."""

import pytest
from sqlalchemy import select

from core import db
from core.errors import Conflict, NotFound
from core.models import AuditLog, EventRole
from scoring.models import Judge
from scoring.progress import judging_progress, set_aside_sheets
from scoring.service import recuse
from tests.scoring.test_api import bearer, sheet, standings


def record_recusal(app, judge, entry, reason=""):
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        recuse(session, session.get(Judge, judge.id), entry, reason, actor="organiser:1")


def send(client, judge, body):
    response = client.post("/api/v1/scoresheets", json=body, headers=bearer(judge.token))
    assert response.status_code == 201


def row(client, contest, entry):
    return next(e for e in standings(client, contest)["entries"] if e["entry_id"] == entry)


def test_a_sheet_sent_before_the_recusal_stops_counting(app, client, factory, contest, judge):
    other = factory.judge(contest.event)
    entry = contest.entries[0]
    for who, marks in ((judge, 20), (other, 10)):
        scores = {"novelty": marks, "effectiveness": 25, "benefit": 25, "replicability": 20}
        body = sheet(entry, scores={**scores, "pitch": 10})
        send(client, who, body)
    assert row(client, contest, entry)["sheets"] == 2

    record_recusal(app, judge, entry, "Là người hướng dẫn nhóm tác giả")

    after = row(client, contest, entry)
    assert (after["sheets"], after["expected"], after["score"]) == (1, 1, 90)
    with app.app_context(), db.unit_of_work() as session:
        progress = {p.judge.id: p for p in judging_progress(session, contest.event)}
        assert (progress[judge.id].submitted, progress[judge.id].expected) == (0, 2)
        (aside,) = set_aside_sheets(session, contest.event)
        assert (aside.judge.id, aside.reason) == (judge.id, "Là người hướng dẫn nhóm tác giả")
        assert aside.total == pytest.approx(100)
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "recusal.created"))
        assert audit.after["set_aside"]["scores"]["novelty"] == 20


def test_the_organiser_sees_the_sheets_set_aside(
    app, client, factory, contest, judge, organiser_client
):
    entry = contest.entries[1]
    send(client, judge, sheet(entry))
    record_recusal(app, judge, entry)
    page = organiser_client(contest.event, EventRole.VIEWER).get(f"/manage/{contest.slug}/judging")
    html = page.get_data(as_text=True)
    assert f'data-testid="set-aside-{judge.id}-{entry}"' in html
    assert "cùng đơn vị với tác giả" in html


def test_a_judge_is_recused_once_and_only_in_their_event(app, factory, contest, judge):
    record_recusal(app, judge, contest.entries[0])
    with pytest.raises(Conflict):
        record_recusal(app, judge, contest.entries[0])
    elsewhere = factory.contest()
    with pytest.raises(NotFound):
        record_recusal(app, judge, elsewhere.entries[0])
