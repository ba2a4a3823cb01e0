"""A freeze keeps every public reader of the standings on the frozen snapshot: the API, the big
screen's page, the /display socket and every other page anyone may open; organisers keep live
numbers. A sheet submitted after the freeze must change none of the public ones."""

import json
import re
import uuid

import pytest

from core.auth import ANYONE
from core.models import EventRole
from display.models import Screen
from scoring.models import Entry, EntryStatus
from tests.conftest import settle
from tests.core.test_routes import routes
from tests.display.test_events import connect, pushed, submit
from tests.scoring.test_api import FULL, bearer

SHEETS = "/api/v1/scoresheets"
SCREEN_CONFIG = r'<script type="application/json" id="screen-config">(.*?)</script>'
# What differs between two requests of the same page whatever the data: nonces and CSRF tokens.
# Per request: nonces, CSRF tokens, and the server's clock that a screen's countdown follows.
PER_REQUEST = re.compile(
    r'(nonce="[^"]*"|name="csrf_token" value="[^"]*"|"csrf": "[^"]*"|"now": "[^"]*")'
)


def standings(client, slug):
    return client.get(f"/api/v1/events/{slug}/standings").get_json()


def screen_snapshot(client, slug):
    page = client.get(f"/display/{slug}").get_data(as_text=True)
    return json.loads(re.findall(SCREEN_CONFIG, page)[0])["snapshots"]["standings"]


@pytest.fixture
def manager(organiser_client, contest):
    client = organiser_client(contest.event, EventRole.MANAGER)
    client.application.config["WTF_CSRF_ENABLED"] = False
    return client


def freeze(manager, contest):
    response = manager.post(f"/manage/{contest.slug}/ceremony/freeze")
    assert response.status_code == 302, response.get_data(as_text=True)


def public_pages(app, client, values):
    """Every page anyone may open with a GET, by its URL: its status, its ETag and its body with
    the per-request parts removed."""
    found = {}
    for rule in routes(app):
        view = app.view_functions[rule.endpoint]
        if view.audience != ANYONE or "GET" not in rule.methods:
            continue
        if any(name not in values for name in rule.arguments):
            continue
        path = rule.build({name: values[name] for name in rule.arguments})[1]
        response = client.get(path)
        body = response.get_data().decode("utf-8", "replace")  # a QR code is an image
        found[path] = (
            response.status_code,
            response.headers.get("ETag"),
            PER_REQUEST.sub("", body),
        )
    return found


def on_connect(app, client, slug):
    """Every message a screen connecting now receives, by its name."""
    screen = connect(app, client, slug)
    settle(app)
    received = {m["name"]: m["args"][0] for m in screen.get_received("/display")}
    screen.disconnect(namespace="/display")
    return received


def test_a_sheet_after_the_freeze_reaches_no_public_reader(
    app, client, factory, manager, contest, judge
):
    other = factory.judge(contest.event, name="Trần Thị Thu Hà")
    with factory.writing() as session:
        session.add(Screen(event_id=contest.event.id, name="Hội trường", key="hoi-truong"))
        session.get(Entry, contest.entries[1]).status = EntryStatus.PITCHING
    exhibit = factory.exhibit(contest.event)
    assert submit(client, judge, contest.entries[0], pitch=5).status_code == 201
    screen = connect(app, client, contest.slug)
    freeze(manager, contest)
    frozen = standings(client, contest.slug)
    assert frozen["frozen"] is True
    *_, on_screen = pushed(app, screen)
    assert on_screen == frozen  # the screen gets the frozen snapshot, with a newer version
    values = {"slug": contest.slug, "token": exhibit.qr_token, "code": "en", "key": "hoi-truong"}
    before = public_pages(app, app.test_client(), values)
    connected = on_connect(app, client, contest.slug)
    assert connected["pitching"]["frozen"] is True
    assert connected["pitching"]["entries"][0]["submitted"] is None  # who scored: not said

    # The entry on stage gets its sheets, another entry one that then goes back to a draft.
    assert submit(client, other, contest.entries[1], pitch=10).status_code == 201
    assert submit(client, judge, contest.entries[1], pitch=10).status_code == 201
    sheet = {"id": str(uuid.uuid4()), "entry": contest.entries[2], "scores": FULL, "submit": True}
    assert client.post(SHEETS, json=sheet, headers=bearer(judge.token)).status_code == 201
    taken_back = sheet | {"submit": False}
    assert client.post(SHEETS, json=taken_back, headers=bearer(judge.token)).status_code == 200

    assert standings(client, contest.slug) == frozen
    assert screen_snapshot(client, contest.slug) == frozen
    settle(app)
    # Nothing at all reaches the screens: no feed changed what it shows, and none was sent.
    assert screen.get_received("/display") == []
    # A screen connecting now gets what one connecting before the sheets got: the same versions.
    assert on_connect(app, client, contest.slug) == connected
    assert public_pages(app, app.test_client(), values) == before
    screen.disconnect(namespace="/display")


def test_a_screen_connecting_during_the_freeze_gets_the_frozen_snapshot(
    app, client, manager, contest, judge
):
    freeze(manager, contest)
    frozen = standings(client, contest.slug)
    assert submit(client, judge, contest.entries[0]).status_code == 201
    late = connect(app, client, contest.slug)
    received = [m["args"][0] for m in late.get_received("/display") if m["name"] == "standings"]
    assert received == [frozen]
    assert all(row["sheets"] == 0 for row in frozen["entries"])
    late.disconnect(namespace="/display")


def test_organisers_keep_live_numbers_during_the_freeze(app, client, manager, contest, judge):
    freeze(manager, contest)
    assert submit(client, judge, contest.entries[0]).status_code == 201
    results = manager.get(f"/api/v1/events/{contest.slug}/results").get_json()
    live = next(row for row in results["entries"] if row["entry_id"] == contest.entries[0])
    assert live["n"] == 1
    assert "90,50" in manager.get(f"/manage/{contest.slug}/results").get_data(as_text=True)


def test_lifting_the_freeze_brings_the_live_standings_back_with_a_newer_version(
    app, client, manager, contest, judge
):
    freeze(manager, contest)
    frozen = standings(client, contest.slug)
    assert submit(client, judge, contest.entries[0]).status_code == 201
    assert manager.post(f"/manage/{contest.slug}/ceremony/unfreeze").status_code == 302
    live = standings(client, contest.slug)
    assert live["frozen"] is False
    assert live["version"] > frozen["version"]
    assert live["entries"][0]["entry_id"] == contest.entries[0]
    assert live["entries"][0]["sheets"] == 1


def test_freezing_twice_or_lifting_nothing_is_refused(manager, contest):
    assert manager.post(f"/manage/{contest.slug}/ceremony/unfreeze").status_code == 409
    freeze(manager, contest)
    refused = manager.post(f"/manage/{contest.slug}/ceremony/freeze")
    assert refused.status_code == 409
    assert "Kết quả đã được đóng băng." in refused.get_data(as_text=True)


def test_a_viewer_sees_the_freeze_but_cannot_change_it(organiser_client, manager, contest):
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    freeze(manager, contest)
    page = viewer.get(f"/manage/{contest.slug}/ceremony").get_data(as_text=True)
    assert 'data-testid="frozen"' in page and 'data-testid="read-only"' in page
    assert viewer.post(f"/manage/{contest.slug}/ceremony/unfreeze").status_code == 403
