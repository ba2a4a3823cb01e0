import shutil
import uuid

import pytest

from core import db
from core.demo import seed
from display import socketio
from tests.conftest import make_app


def snapshots(received):
    return [message["args"][0] for message in received if message["name"] == "standings"]


@pytest.fixture
def screen(app, client, demo):
    connection = socketio.test_client(
        app,
        namespace="/display",
        auth={"event": demo.event.slug, "screen": "main"},
        flask_test_client=client,
    )
    yield connection
    if connection.is_connected(namespace="/display"):
        connection.disconnect(namespace="/display")


def submit(client, demo, judge_index=2, entry_index=0, pitch=9):
    _, token = demo.judge_tokens[judge_index]
    return client.post(
        "/api/v1/scoresheets",
        json={
            "id": str(uuid.uuid4()),
            "entry": demo.entries[entry_index].id,
            "scores": {
                "novelty": 18,
                "effectiveness": 22,
                "benefit": 24,
                "replicability": 17,
                "pitch": pitch,
            },
            "submit": True,
        },
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_screen_gets_the_snapshot_on_connect(screen, demo):
    (first,) = snapshots(screen.get_received("/display"))
    assert first["event"] == demo.event.slug
    assert first["version"] == 0
    assert first["method"] == "mean"
    assert len(first["entries"]) == len(demo.entries)
    assert {"rank", "entry_id", "title", "unit", "score", "sheets"} <= set(first["entries"][0])


def test_a_committed_sheet_reaches_the_screen_as_a_newer_snapshot(screen, client, demo):
    screen.get_received("/display")
    assert submit(client, demo).status_code == 201
    (pushed,) = snapshots(screen.get_received("/display"))
    assert pushed["version"] == 1
    top = pushed["entries"][0]
    assert (top["entry_id"], top["rank"], top["score"], top["sheets"]) == (
        demo.entries[0].id,
        1,
        90.0,
        1,
    )
    assert pushed == client.get(f"/api/v1/events/{demo.event.slug}/standings").get_json()


def test_versions_only_grow_and_a_refused_sheet_pushes_nothing(screen, client, demo):
    screen.get_received("/display")
    submit(client, demo, judge_index=2, entry_index=1)
    submit(client, demo, judge_index=3, entry_index=1, pitch=5)
    assert submit(client, demo, judge_index=2, entry_index=1).status_code == 409
    versions = [s["version"] for s in snapshots(screen.get_received("/display"))]
    assert versions == [1, 2]


def test_a_screen_can_ask_for_a_fresh_snapshot(screen, demo):
    screen.get_received("/display")
    screen.emit("refresh", {"event": demo.event.slug}, namespace="/display")
    (fresh,) = snapshots(screen.get_received("/display"))
    assert fresh["version"] == 0


def test_a_screen_for_an_unknown_event_is_refused(app, client, demo):
    connection = socketio.test_client(
        app, namespace="/display", auth={"event": "khong-co"}, flask_test_client=client
    )
    assert not connection.is_connected(namespace="/display")


def test_the_snapshot_is_computed_once_per_change_not_per_screen(
    app, client, demo, screen, monkeypatch
):
    from scoring import standings

    others = [
        socketio.test_client(
            app, namespace="/display", auth={"event": demo.event.slug}, flask_test_client=client
        )
        for _ in range(3)
    ]
    computed = []
    original = standings.compute_snapshot
    monkeypatch.setattr(
        standings,
        "compute_snapshot",
        lambda session, event, version: (
            computed.append(event.id) or original(session, event, version)
        ),
    )
    submit(client, demo)
    assert computed == [demo.event.id]
    for connection in [screen, *others]:
        assert snapshots(connection.get_received("/display"))[-1]["version"] == 1


def test_the_bare_broadcast_of_the_benchmark_is_off_by_default(client, demo):
    assert client.post(f"/bench/broadcast/{demo.event.slug}", json={"x": 1}).status_code == 404


def test_the_bare_broadcast_reaches_the_screens_without_the_database(tmp_path, template_db):
    path = tmp_path / "bench.db"
    shutil.copyfile(template_db, path)
    app = make_app(f"sqlite:///{path}", BENCHMARK=True)
    with app.app_context(), db.new_session(write=True) as session:
        slug = seed(session).event.slug
        session.commit()
    client = app.test_client()
    screen = socketio.test_client(
        app, namespace="/display", auth={"event": slug}, flask_test_client=client
    )
    screen.get_received("/display")
    payload = {"version": 7, "entries": [{"title": "x" * 100}]}
    assert client.post(f"/bench/broadcast/{slug}", json=payload).status_code == 204
    (received,) = screen.get_received("/display")
    assert (received["name"], received["args"][0]) == ("bench", payload)
    app.extensions[db.EXTENSION].dispose()
