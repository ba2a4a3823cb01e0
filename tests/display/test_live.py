import json
import re

from core import live
from core.models import EventRole
from tests.conftest import settle
from tests.display.test_events import submit
from tests.kiosk.test_pages import statements
from tests.scoring.test_freeze import freeze

LIVE_CONFIG = r'<script type="application/json" id="live-config">(.*?)</script>'


def test_the_phone_page_is_small_and_starts_from_the_snapshots(client, contest):
    response = client.get(f"/live/{contest.slug}")
    page = response.get_data(as_text=True)
    config = json.loads(re.findall(LIVE_CONFIG, page)[0])
    assert set(config["snapshots"]) == {"standings", "peoples_choice"}
    assert config["snapshots"]["peoples_choice"] == config["snapshots"]["peoples_choice"] | {
        "released": False,
        "results": [],
    }
    script = client.get(re.findall(r'src="(/static/js/pages/live.js[^"]*)"', page)[0])
    css = client.get(re.findall(r'href="(/static/css/app.css[^"]*)"', page)[0])
    # No Socket.IO client: it alone would weigh more than the whole page may.
    assert b"socket.io-client" not in script.data
    weight = len(response.data) + len(script.data) + len(css.data)
    assert weight < 30_000


def test_polling_costs_a_304_until_something_changes(app, client, contest, judge):
    url = f"/live/{contest.slug}/snapshot.json"
    settle(app)
    first = client.get(url)
    tag = first.headers["ETag"]
    assert first.get_json()["standings"]["event"] == contest.slug
    again = client.get(url, headers={"If-None-Match": tag})
    assert (again.status_code, again.data) == (304, b"")
    submit(client, judge, contest.entries[0])
    settle(app)  # the snapshots are built off the request, as for the screens
    fresh = client.get(url, headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != tag
    assert fresh.get_json()["standings"]["entries"][0]["sheets"] == 1


def test_the_qr_code_of_the_phone_page(client, contest):
    response = client.get(f"/live/{contest.slug}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert client.get("/live/khong-co").status_code == 404


def test_a_poll_reads_nothing_from_the_database_and_closes_its_connection(app, client, contest):
    url = f"/live/{contest.slug}/snapshot.json"
    settle(app)
    client.get(url)
    with statements(app) as run:
        again = client.get(url)
    assert run == [] and again.status_code == 200
    assert again.headers["Connection"] == "close"


def test_polls_during_a_freeze_never_show_newer_standings(
    app, client, organiser_client, contest, judge
):
    url = f"/live/{contest.slug}/snapshot.json"
    manager = organiser_client(contest.event, EventRole.MANAGER)
    app.config["WTF_CSRF_ENABLED"] = False
    freeze(manager, contest)
    settle(app)
    frozen = client.get(url)
    assert frozen.get_json()["standings"]["frozen"] is True
    assert submit(client, judge, contest.entries[0]).status_code == 201
    settle(app)
    again = client.get(url, headers={"If-None-Match": frozen.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(url).get_json()["standings"] == frozen.get_json()["standings"]
    # The people's choice is not the jury's: released during the freeze, it reaches the phone
    # that already holds the frozen standings, which stay frozen.
    assert manager.post(f"/manage/{contest.slug}/votes/release").status_code == 302
    settle(app)
    released = client.get(url, headers={"If-None-Match": frozen.headers["ETag"]})
    assert released.status_code == 200
    assert released.get_json()["peoples_choice"]["released"] is True
    assert released.get_json()["standings"] == frozen.get_json()["standings"]


def test_a_poll_reads_nothing_even_when_the_versions_were_read_long_ago(
    app, client, contest, monkeypatch
):
    # Under overload the once-a-second read of the versions comes late: a poll must not then
    # read the database, or every poll would (the load that delayed it).
    url = f"/live/{contest.slug}/snapshot.json"
    settle(app)
    client.get(url)
    monkeypatch.setattr(live, "BELIEVED_FOR", -1.0)
    with statements(app) as run:
        assert client.get(url).status_code == 200
    assert run == []
