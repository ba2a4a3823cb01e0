import threading
import uuid

import pytest
from sqlalchemy import select

from core import db, realtime
from core.models import Event, Unit
from display.models import Screen
from initiatives.models import Initiative
from kiosk.models import Exhibit, ExhibitStatus
from scoring.dashboard import SCORES_FEED
from scoring.models import Entry
from scoring.standings import FEED
from tests.conftest import make_app, settle
from tests.display.test_events import connect, submit
from tests.factories import Factory
from tests.scoring.test_api import FULL, bearer


@pytest.fixture
def held_builds(app, monkeypatch, request):
    """The standings feed (or the feed the test's parameter names), held at its start until the
    test lets it go; the versions it built."""
    feed = getattr(request, "param", FEED)
    publisher = app.extensions[realtime.EXTENSION]
    original = publisher.feeds[feed]
    gate, started, built = threading.Event(), threading.Event(), []

    def held(session, event, version):
        built.append(version)
        started.set()
        assert gate.wait(30)
        return original(session, event, version)

    settle(app)
    monkeypatch.setitem(publisher.feeds, feed, held)
    yield gate, started, built
    gate.set()


# A sheet's save sends the standings it makes itself (standings.follow_sheet); the score
# dashboard's feed still waits for a build.
HOLDING_A_BUILT_FEED = pytest.mark.parametrize("held_builds", [SCORES_FEED], indirect=True)


def live_version(app, event_id):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(select(Event.live_version).where(Event.id == event_id))


@HOLDING_A_BUILT_FEED
def test_the_judges_post_returns_without_waiting_for_the_snapshot(
    app, client, contest, judge, held_builds
):
    gate, started, built = held_builds
    response = client.post(
        "/api/v1/scoresheets",
        json={"id": str(uuid.uuid4()), "entry": contest.entries[0], "scores": FULL, "submit": True},
        headers=bearer(judge.token),
    )
    assert response.status_code == 201
    assert started.wait(30)
    assert not gate.is_set()  # the build is still held: the answer did not wait for it
    gate.set()
    settle(app)
    assert built == [live_version(app, contest.event.id)]


def test_changes_during_a_build_ask_for_exactly_one_more(app, contest, held_builds):
    gate, started, built = held_builds
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.get(Entry, contest.entries[0]).running_order = 10
    assert started.wait(30)
    for order in range(11, 16):
        with app.app_context(), db.unit_of_work(write=True) as session:
            session.get(Entry, contest.entries[0]).running_order = order
    gate.set()
    settle(app)
    final = live_version(app, contest.event.id)
    assert built == [final - 5, final]


def test_a_cached_snapshot_serves_every_reader_of_the_same_version(app, contest):
    settle(app)
    with app.test_request_context(), db.unit_of_work() as session:
        event = session.get(Event, contest.event.id)
        first = realtime.snapshot(FEED, session, event)
        assert realtime.snapshot(FEED, session, event) is first


def test_a_change_committed_by_another_process_is_published_too(app, contest, held_builds):
    gate, _started, built = held_builds
    gate.set()
    publisher = app.extensions[realtime.EXTENSION]
    assert publisher.catch_up() == []  # the first look only learns the versions
    other = make_app(app.config["DATABASE_URL"])  # a long job, the command line
    with other.app_context(), db.unit_of_work(write=True) as session:
        session.get(Entry, contest.entries[0]).running_order = 10
    settle(other)
    assert built == []  # no signal reached this process
    assert publisher.catch_up() == [contest.event.id]
    settle(app)
    assert built == [live_version(app, contest.event.id)]
    assert publisher.catch_up() == []  # what this process published is known
    other.extensions[db.EXTENSION].dispose()


def test_a_build_sends_only_the_feeds_whose_content_changed(app, client, contest, judge):
    screen = connect(app, client, contest.slug)
    first = {message["name"] for message in screen.get_received("/display")}
    assert {"standings", "screens", "exhibits"} <= first  # everything on connect
    assert submit(client, judge, contest.entries[0]).status_code == 201
    settle(app)
    sent = [message["name"] for message in screen.get_received("/display")]
    assert "standings" in sent and "exhibits" not in sent and "screens" not in sent
    screen.disconnect(namespace="/display")


@HOLDING_A_BUILT_FEED
def test_the_latest_build_is_served_until_the_build_under_way_is_done(
    app, client, contest, judge, held_builds
):
    gate, started, _built = held_builds
    publisher = app.extensions[realtime.EXTENSION]
    gate.set()
    with app.test_request_context(), db.unit_of_work() as session:
        publisher.current(session, session.get(Event, contest.event.id))
    before = publisher.latest(contest.slug)
    assert before is not None and before[FEED]["version"] == live_version(app, contest.event.id)
    gate.clear()
    started.clear()
    assert submit(client, judge, contest.entries[0]).status_code == 201
    assert started.wait(30)
    assert publisher.latest(contest.slug) is before  # the build under way will bring the new one
    gate.set()
    settle(app)
    after = publisher.latest(contest.slug)
    assert after[FEED]["version"] == live_version(app, contest.event.id) > before[FEED]["version"]


def count_builds(app, monkeypatch):
    """Every feed's builds, by name, in the order they ran."""
    publisher = app.extensions[realtime.EXTENSION]
    built = []
    for name, build in dict(publisher.feeds).items():
        monkeypatch.setitem(
            publisher.feeds, name, lambda s, e, v, b=build, n=name: built.append(n) or b(s, e, v)
        )
    return built


@pytest.fixture
def counted_builds(app, monkeypatch):
    return count_builds(app, monkeypatch)


def build_all(app, event_id):
    settle(app)
    publisher = app.extensions[realtime.EXTENSION]
    with app.test_request_context(), db.unit_of_work() as session:
        return publisher.current(session, session.get(Event, event_id))


def kept_until_a_table_it_read_is_written(app, contest, judge, built):
    """A screen added rebuilds the screens' feed and keeps the standings; a sheet rebuilds them."""
    _version, before = build_all(app, contest.event.id)
    built.clear()
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.add(Screen(event_id=contest.event.id, name="Sảnh", key="sanh"))
    settle(app)
    assert "screens" in built and FEED not in built
    version, kept = build_all(app, contest.event.id)
    assert version == live_version(app, contest.event.id)
    assert kept[FEED] is before[FEED]  # kept, at the version it was built at
    assert "sanh" in kept["screens"]["screens"]
    assert submit(app.test_client(), judge, contest.entries[0]).status_code == 201
    _version, after = build_all(app, contest.event.id)
    assert after[FEED]["version"] == live_version(app, contest.event.id) > version
    (row,) = [row for row in after[FEED]["entries"] if row["entry_id"] == contest.entries[0]]
    assert row["sheets"] == 1


def test_a_change_rebuilds_only_the_feeds_that_read_what_it_wrote(
    app, contest, judge, counted_builds
):
    kept_until_a_table_it_read_is_written(app, contest, judge, counted_builds)


@pytest.mark.postgres
def test_a_change_rebuilds_only_the_feeds_that_read_what_it_wrote_on_postgresql(
    postgres_app, monkeypatch
):
    factory = Factory(postgres_app)
    contest = factory.contest()
    judge = factory.judge(contest.event)
    built = count_builds(postgres_app, monkeypatch)
    kept_until_a_table_it_read_is_written(postgres_app, contest, judge, built)


def test_a_change_committed_by_another_process_rebuilds_every_feed(app, contest, counted_builds):
    build_all(app, contest.event.id)
    publisher = app.extensions[realtime.EXTENSION]
    publisher.catch_up()
    counted_builds.clear()
    other = make_app(app.config["DATABASE_URL"])  # which tables it wrote is not known here
    with other.app_context(), db.unit_of_work(write=True) as session:
        session.add(Screen(event_id=contest.event.id, name="Sảnh", key="sanh"))
    settle(other)
    assert publisher.catch_up() == [contest.event.id]
    settle(app)
    assert sorted(counted_builds) == sorted(publisher.feeds)
    other.extensions[db.EXTENSION].dispose()


def test_a_draft_reaches_the_dashboard_with_the_events_next_version(app, client, contest, judge):
    """A draft moves no version; whatever the next version writes, the dashboard is rebuilt."""
    _version, before = build_all(app, contest.event.id)
    assert before["dashboard"]["counts"]["sheets"]["drafts"] == 0
    draft = {"id": str(uuid.uuid4()), "entry": contest.entries[0], "scores": FULL}
    assert client.post("/api/v1/scoresheets", json=draft, headers=bearer(judge.token)).status_code
    _version, same = build_all(app, contest.event.id)
    assert same["dashboard"] is before["dashboard"]  # as ever: no version, no rebuild
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.add(Screen(event_id=contest.event.id, name="Sảnh", key="sanh"))
    _version, after = build_all(app, contest.event.id)
    assert after["dashboard"]["counts"]["sheets"]["drafts"] == 1


def test_the_exhibit_wall_follows_a_unit_it_read_through_an_eager_load(app, factory):
    event = factory.event()
    exhibit = factory.exhibit(event)
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.get(Exhibit, exhibit.id).status = ExhibitStatus.APPROVED
    build_all(app, event.id)
    with app.app_context(), db.unit_of_work(write=True) as session:
        initiative = session.get(Initiative, session.get(Exhibit, exhibit.id).initiative_id)
        session.get(Unit, initiative.unit_id).name = "Công ty Điện lực Đà Nẵng"
    _version, after = build_all(app, event.id)
    assert [shown["unit"] for shown in after["exhibits"]["exhibits"]] == [
        "Công ty Điện lực Đà Nẵng"
    ]
