import json
import shutil
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import db, realtime
from core.models import Event, EventRole, Round, RoundStatus, Unit
from initiatives.models import Initiative
from scoring import standings
from scoring.models import Entry, EntryStatus, Judge
from scoring.service import SheetInput, save_sheet
from tests.conftest import make_app, settle
from tests.factories import Factory
from tests.scoring.test_api import FULL, bearer


def snapshots(received):
    return [message["args"][0] for message in received if message["name"] == "standings"]


def connect(app, client, slug):
    settle(app)  # the builds that set-up caused are done: what follows is the test's own
    return realtime.socketio.test_client(
        app, namespace="/display", auth={"event": slug, "screen": "main"}, flask_test_client=client
    )


@pytest.fixture
def screen(app, client, contest, judge):
    """A big screen of ``contest``, connected once its judge exists."""
    connection = connect(app, client, contest.slug)
    yield connection
    if connection.is_connected(namespace="/display"):
        connection.disconnect(namespace="/display")


def submit(client, judge, entry, pitch=9):
    return client.post(
        "/api/v1/scoresheets",
        json={
            "id": str(uuid.uuid4()),
            "entry": entry,
            "scores": FULL | {"pitch": pitch},
            "submit": True,
        },
        headers=bearer(judge.token),
    )


def pushed(app, screen):
    """What the screen received once the background builds are done."""
    settle(app)
    return snapshots(screen.get_received("/display"))


def test_a_screen_gets_the_snapshot_on_connect(screen, contest):
    (first,) = snapshots(screen.get_received("/display"))
    assert first["event"] == contest.slug
    assert first["method"] == "mean"
    assert len(first["entries"]) == len(contest.entries)
    assert {"rank", "entry_id", "title", "unit", "score", "sheets"} <= set(first["entries"][0])


def test_a_committed_sheet_reaches_the_screen_as_a_newer_snapshot(
    app, screen, client, contest, judge
):
    (first,) = snapshots(screen.get_received("/display"))
    assert submit(client, judge, contest.entries[0]).status_code == 201
    (latest,) = pushed(app, screen)
    assert latest["version"] == first["version"] + 1
    top = latest["entries"][0]
    assert (top["entry_id"], top["rank"], top["score"], top["sheets"]) == (
        contest.entries[0],
        1,
        90.5,
        1,
    )
    assert latest == client.get(f"/api/v1/events/{contest.slug}/standings").get_json()


def test_versions_only_grow_and_a_refused_sheet_pushes_nothing(
    app, screen, client, factory, contest, judge
):
    (first,) = snapshots(screen.get_received("/display"))
    other = factory.judge(contest.event, name="Trần Quốc Khánh")
    pushed(app, screen)  # the new judge changes the expected number of sheets
    submit(client, judge, contest.entries[1])
    settle(app)
    submit(client, other, contest.entries[1], pitch=5)
    settle(app)
    assert submit(client, judge, contest.entries[1]).status_code == 409
    versions = [s["version"] for s in pushed(app, screen)]
    assert versions == sorted(set(versions)) and len(versions) == 2
    assert versions[0] > first["version"]


def test_a_screen_can_ask_for_a_fresh_snapshot(screen, contest):
    (first,) = snapshots(screen.get_received("/display"))
    screen.emit("refresh", {"event": contest.slug}, namespace="/display")
    (fresh,) = snapshots(screen.get_received("/display"))
    assert fresh == first


def test_a_flood_of_refreshes_is_answered_once(screen, contest):
    screen.get_received("/display")
    for _ in range(50):
        screen.emit("refresh", {"event": contest.slug}, namespace="/display")
    assert len(snapshots(screen.get_received("/display"))) == 1


def test_a_screen_for_an_unknown_event_is_refused(app, client):
    connection = connect(app, client, "khong-co")
    assert not connection.is_connected(namespace="/display")


def deactivate_the_judge(session, contest, judge):
    session.get(Judge, judge.id).active = False


def withdraw_the_entry(session, contest, judge):
    session.get(Entry, contest.entries[0]).status = EntryStatus.WITHDRAWN


def rename_the_initiative(session, contest, judge):
    entry = session.get(Entry, contest.entries[0])
    session.get(Initiative, entry.initiative_id).title = "Tên mới của sáng kiến"


def rename_the_unit(session, contest, judge):
    session.get(Unit, contest.unit_id).name = "Công ty Điện lực Đà Nẵng"


def lock_the_round(session, contest, judge):
    for round_ in session.scalars(select(Round).where(Round.event_id == contest.event.id)):
        round_.status = RoundStatus.LOCKED


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (deactivate_the_judge, lambda entries: entries[0]["sheets"] == 0),
        (withdraw_the_entry, lambda entries: len(entries) == 2),
        (rename_the_initiative, lambda entries: entries[0]["title"] == "Tên mới của sáng kiến"),
        (rename_the_unit, lambda entries: entries[0]["unit"] == "Công ty Điện lực Đà Nẵng"),
        (lock_the_round, lambda entries: entries[0]["sheets"] == 1),
    ],
)
def test_any_committed_change_reaches_an_open_screen(
    app, screen, client, contest, judge, change, shown
):
    """No write path announces anything: the change itself moves the version."""
    submit(client, judge, contest.entries[0])
    before = pushed(app, screen)[-1]
    with app.app_context(), db.unit_of_work(write=True) as session:
        change(session, contest, judge)
    (after,) = pushed(app, screen)
    assert after["version"] == before["version"] + 1
    assert shown(after["entries"])


def counted_builds(app, monkeypatch):
    """The versions the standings feed is built at from now on."""
    built = []
    original = standings.feed

    def counting(session, event, version):
        built.append(version)
        return original(session, event, version)

    monkeypatch.setitem(app.extensions[realtime.EXTENSION].feeds, standings.FEED, counting)
    return built


def test_the_snapshot_is_built_once_per_change_not_per_screen(
    app, client, contest, judge, screen, monkeypatch
):
    others = [connect(app, client, contest.slug) for _ in range(3)]
    built = counted_builds(app, monkeypatch)
    with app.app_context(), db.unit_of_work(write=True) as session:
        rename_the_initiative(session, contest, judge)
    latest = pushed(app, screen)[-1]
    assert built == [latest["version"]]
    for connection in others:
        assert snapshots(connection.get_received("/display"))[-1] == latest


def test_a_judges_sheet_moves_the_standings_without_reading_them_again(
    app, client, contest, judge, factory, screen, monkeypatch
):
    """The sheet's save tells the screens what it changed (standings.follow_sheet): sent at
    once, before any build, and the same as a build makes of that version."""
    other = factory.judge(contest.event)
    pushed(app, screen)  # the new judge's version, built
    built = counted_builds(app, monkeypatch)
    sheets = {}
    for made, entry, pitch in [(judge, 0, 9), (other, 0, 3), (judge, 1, 6), (other, 2, 0)]:
        sheet = {"id": str(uuid.uuid4()), "entry": contest.entries[entry]}
        sheets[(made.id, entry)] = sheet
        body = sheet | {"scores": FULL | {"pitch": pitch}, "submit": True}
        response = client.post("/api/v1/scoresheets", json=body, headers=bearer(made.token))
        assert response.status_code == 201
    changes = [
        (judge, 0, {"scores": FULL | {"pitch": 1}, "submit": True}),  # changed
        (other, 0, {"scores": FULL | {"pitch": 3}, "submit": False}),  # back to a draft
        (judge, 1, {"scores": FULL | {"pitch": 10}, "submit": True}),
    ]
    for made, entry, change in changes:
        body = sheets[(made.id, entry)] | change
        response = client.post("/api/v1/scoresheets", json=body, headers=bearer(made.token))
        assert response.status_code == 200
    received = pushed(app, screen)
    assert built == []
    assert [snapshot["version"] for snapshot in received] == list(
        range(received[0]["version"], received[0]["version"] + 7)
    )
    with app.app_context(), db.unit_of_work() as session:
        event = session.get(Event, contest.event.id)
        fresh = standings.live_snapshot(session, event, event.live_version)
    assert realtime.content(received[-1]) == realtime.content(fresh)
    assert sorted(row["sheets"] for row in fresh["entries"]) == [1, 1, 1]


def test_a_sheet_the_standings_cannot_follow_reaches_the_screens_by_a_build(
    app, client, contest, judge, screen, monkeypatch
):
    def broken(_sheet_id, _counted):
        def step(_tally, _version):
            raise RuntimeError("a bug in the step")

        return realtime.Follow(standings.SHEET_TABLES, step)

    monkeypatch.setattr(standings, "follow_sheet", broken)
    pushed(app, screen)
    assert submit(client, judge, contest.entries[0]).status_code == 201
    (after,) = pushed(app, screen)
    assert sorted(row["sheets"] for row in after["entries"]) == [0, 0, 1]


def test_two_sheets_in_one_transaction_reach_the_screens_by_a_build(
    app, client, contest, judge, screen
):
    """No one step knows both: the second save in the transaction sends none."""
    pushed(app, screen)
    scores = {key: Decimal(value) for key, value in FULL.items()}
    with app.app_context(), db.unit_of_work(write=True) as session:
        made = session.get(Judge, judge.id)
        for entry in contest.entries[:2]:
            save_sheet(session, made, SheetInput(str(uuid.uuid4()), entry, scores, "", True))
    shown = pushed(app, screen)[-1]
    assert sorted(row["sheets"] for row in shown["entries"]) == [0, 1, 1]


def test_a_phones_poll_while_the_followed_standings_go_out_is_answered_from_memory(
    app, client, contest, judge, screen, monkeypatch
):
    """The event's build is under way from the commit on, so latest() serves the last build
    rather than sending the phone to the database."""
    pushed(app, screen)
    publisher = app.extensions[realtime.EXTENSION]
    during = []
    original = realtime.socketio.sleep

    def sleeping(seconds=0):
        during.append(publisher.latest(contest.slug))
        return original(seconds)

    monkeypatch.setattr(realtime.socketio, "sleep", sleeping)
    assert submit(client, judge, contest.entries[0]).status_code == 201
    pushed(app, screen)
    assert during and during[0] is not None


def test_a_sheet_under_a_freeze_moves_nothing_on_the_screens(
    app, client, contest, judge, organiser_client, screen
):
    submit(client, judge, contest.entries[0])
    manager = organiser_client(contest.event, EventRole.MANAGER)
    manager.application.config["WTF_CSRF_ENABLED"] = False
    assert manager.post(f"/manage/{contest.slug}/ceremony/freeze").status_code == 302
    frozen = pushed(app, screen)[-1]
    assert frozen["frozen"]
    assert submit(client, judge, contest.entries[1]).status_code == 201
    assert pushed(app, screen) == []


def test_the_bare_broadcast_of_the_benchmark_is_off_by_default(client, contest):
    assert client.post(f"/bench/broadcast/{contest.slug}", json={"x": 1}).status_code == 404


def test_the_bare_broadcast_reaches_the_screens_without_the_database(tmp_path, template_db):
    path = tmp_path / "bench.db"
    shutil.copyfile(template_db, path)
    app = make_app(f"sqlite:///{path}", BENCHMARK=True)
    slug = Factory(app).event().slug
    client = app.test_client()
    screen = connect(app, client, slug)
    screen.get_received("/display")
    payload = {"version": 7, "entries": [{"title": "x" * 100}]}
    assert client.post(f"/bench/broadcast/{slug}", json=payload).status_code == 204
    (received,) = screen.get_received("/display")
    assert (received["name"], received["args"][0]) == ("bench", payload)
    app.extensions[db.EXTENSION].dispose()


def received(connection, name):
    return [m["args"][0] for m in connection.get_received("/display") if m["name"] == name]


@pytest.mark.parametrize("feed", ["screens", "standings", "pitching", "peoples_choice", "exhibits"])
def test_a_screen_receives_the_payload_of_every_mode_on_connect(app, client, contest, feed):
    factory = Factory(app)
    factory.exhibit(contest.event)
    connection = connect(app, client, contest.slug)
    (payload,) = received(connection, feed)
    assert payload["event"] == contest.slug and payload["version"] >= 1


def test_the_pitching_payload_names_who_submitted_and_never_a_score(app, client, contest, judge):
    with app.app_context():
        session = db.write()
        session.get(Entry, contest.entries[0]).status = EntryStatus.PITCHING
        db.session().commit()
    connection = connect(app, client, contest.slug)
    submit(client, judge, contest.entries[0])
    settle(app)
    latest = received(connection, "pitching")[-1]
    (entry,) = latest["entries"]
    assert (entry["entry_id"], entry["submitted"], entry["expected"]) == (contest.entries[0], 1, 1)
    assert entry["judges"] == [{"name": judge.name, "done": True}]
    assert "score" not in json.dumps(latest)


def test_the_peoples_choice_stays_hidden_until_released(app, client, contest):
    connection = connect(app, client, contest.slug)
    (payload,) = received(connection, "peoples_choice")
    assert (payload["released"], payload["results"]) == (False, [])


def test_twenty_screens_cost_one_build_per_change(app, client, contest, judge, monkeypatch):
    screens = [connect(app, client, contest.slug) for _ in range(20)]
    built = []
    publisher = app.extensions[realtime.EXTENSION]
    original = dict(publisher.feeds)
    for name, build in original.items():
        monkeypatch.setitem(
            publisher.feeds, name, lambda s, e, v, b=build, n=name: built.append(n) or b(s, e, v)
        )
    submit(client, judge, contest.entries[0])
    settle(app)
    # Once each feed that reads score sheets, whatever the number of screens; the standings
    # follow the sheet without a build.
    assert sorted(built) == ["dashboard", "pitching", "score_spread"]
    assert all(len(received(screen, "standings")) == 2 for screen in screens)


def test_the_control_page_hears_screens_come_and_go(app, client, factory, contest):
    from core.models import EventRole

    organiser = factory.organiser(event=contest.event, role=EventRole.VIEWER)
    with client.session_transaction() as stored:
        stored["_user_id"] = organiser.get_id()
        stored["_fresh"] = True
    control = realtime.socketio.test_client(
        app,
        namespace="/display",
        auth={"event": contest.slug, "control": True},
        flask_test_client=client,
    )
    assert received(control, "presence") == [{}]
    screen = realtime.socketio.test_client(
        app,
        namespace="/display",
        auth={"event": contest.slug, "screen": "hoi-truong"},
        flask_test_client=client,
    )
    preview = realtime.socketio.test_client(
        app,
        namespace="/display",
        auth={"event": contest.slug, "screen": "hoi-truong", "preview": True},
        flask_test_client=client,
    )
    assert received(control, "presence") == [{"hoi-truong": 1}]
    screen.disconnect(namespace="/display")
    preview.disconnect(namespace="/display")
    assert received(control, "presence") == [{}]


def test_a_stranger_cannot_open_the_control_channel(app, contest):
    control = realtime.socketio.test_client(
        app, namespace="/display", auth={"event": contest.slug, "control": True}
    )
    assert not control.is_connected(namespace="/display")
