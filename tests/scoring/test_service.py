"""save_sheet under concurrency, on PostgreSQL (READ COMMITTED), where SQLite's single writer
cannot show a race."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from core import db
from core.models import Event
from scoring import service
from scoring.models import Judge, ScoreSheet
from tests.factories import Factory
from tests.scoring.test_api import bearer

pytestmark = pytest.mark.postgres

TOP_MARKS = {"novelty": 20, "effectiveness": 25, "benefit": 25, "replicability": 20, "pitch": 9.5}


class Tablet:
    """A judge's tablet talking to the app on PostgreSQL, from any thread."""

    def __init__(self, app):
        factory = Factory(app)
        self.app = app
        self.contest = factory.contest()
        self.entry = self.contest.entries[0]
        self.headers = bearer(factory.judge(self.contest.event).token)

    def post(self, body):
        client = self.app.test_client()
        return client.post("/api/v1/scoresheets", json=body, headers=self.headers)

    def standings(self):
        url = f"/api/v1/events/{self.contest.slug}/standings"
        return self.app.test_client().get(url).get_json()

    def version(self):
        """The event's live version, read from the database."""
        with self.app.app_context(), db.unit_of_work() as session:
            event_id = self.contest.event.id
            return session.scalar(select(Event.live_version).where(Event.id == event_id))

    def row(self):
        return next(e for e in self.standings()["entries"] if e["entry_id"] == self.entry)


@pytest.fixture
def tablet(postgres_app):
    return Tablet(postgres_app)


def test_scoring_end_to_end_on_postgresql(tablet):
    before = tablet.version()
    payload = {"id": str(uuid.uuid4()), "entry": tablet.entry, "scores": TOP_MARKS, "submit": True}
    assert tablet.post(payload).status_code == 201
    assert tablet.post(payload).status_code == 200
    standings = tablet.standings()
    assert standings["version"] == tablet.version() == before + 1  # the copy moved nothing
    assert (standings["entries"][0]["score"], standings["entries"][0]["sheets"]) == (99.5, 1)


def test_a_double_submit_racing_on_postgresql_is_stored_once(tablet):
    """Two copies of a new sheet at once: the judge's row lock makes the second wait for the
    first, then see its row, so it is answered as the duplicate it is."""
    payload = {"id": str(uuid.uuid4()), "entry": tablet.entry, "scores": TOP_MARKS, "submit": True}
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _: tablet.post(payload).status_code, range(16)))
    assert statuses == [200] * 15 + [201]
    with tablet.app.app_context(), db.unit_of_work() as session:
        stored = select(func.count()).where(ScoreSheet.entry_id == tablet.entry)
        assert session.scalar(stored) == 1
    assert tablet.row()["sheets"] == 1


def test_racing_saves_of_one_sheet_on_postgresql_never_mix(tablet):
    """A submit and a draft of the same sheet at once: one wins whole, and the standings agree."""
    base = {"id": str(uuid.uuid4()), "entry": tablet.entry}
    for attempt in range(6):
        submit = base | {"scores": TOP_MARKS | {"pitch": attempt}, "submit": True}
        draft = base | {"scores": TOP_MARKS | {"novelty": attempt}, "submit": False}
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = [r.get_json() for r in pool.map(tablet.post, [submit, draft])]
        with tablet.app.app_context(), db.unit_of_work() as session:
            stored = session.get(ScoreSheet, base["id"])
            state = {s.criterion.key: float(s.value) for s in stored.scores}
            status = stored.status.value
        assert (state, status) in [
            ({k: float(v) for k, v in reply["scores"].items()}, reply["status"])
            for reply in replies
        ]
        row = tablet.row()
        assert row["sheets"] == (1 if status == "submitted" else 0)
        if status == "submitted":
            assert row["score"] == pytest.approx(sum(state.values()))


def test_a_sheet_of_a_judge_recused_while_it_waits_for_the_judges_row_is_refused(postgres_app):
    """The recusal's insert holds the judge's row (FOR KEY SHARE) until its commit; the sheet
    waits for it, then reads the recusal it waited for: the lock is a statement of its own."""
    factory = Factory(postgres_app)
    contest = factory.contest()
    judge = factory.judge(contest.event)
    held = threading.Event()

    def recuse():
        with postgres_app.app_context(), db.unit_of_work(write=True) as session:
            service.recuse(
                session, session.get(Judge, judge.id), contest.entries[0], "", "organiser:1"
            )
            held.set()
            time.sleep(1)  # the sheet arrives meanwhile and waits for this commit

    organiser = threading.Thread(target=recuse)
    organiser.start()
    assert held.wait(30)
    body = {"id": str(uuid.uuid4()), "entry": contest.entries[0], "scores": TOP_MARKS}
    response = postgres_app.test_client().post(
        "/api/v1/scoresheets", json=body | {"submit": True}, headers=bearer(judge.token)
    )
    organiser.join()
    assert (response.status_code, response.get_json()["error"]) == (403, "recused")
