"""The organiser's dashboard: the judging matrix, who has not submitted for the pitch under way,
the counts, the exhibition's figures, and no score ever for a viewer, on the page, in its JSON or
over its socket."""

import json
import re
import uuid

import pytest

from core import db, realtime
from core.models import EventRole
from kiosk.models import Visit
from scoring import dashboard
from scoring.models import Entry, EntryStatus, Judge, SheetStatus
from tests.conftest import settle
from tests.scoring.test_api import FULL, bearer, change

SCORED = FULL | {"pitch": 9}  # a total of 90.5


def post(client, judge, entry, submit=True):
    body = {"id": str(uuid.uuid4()), "entry": entry, "scores": SCORED, "submit": submit}
    response = client.post("/api/v1/scoresheets", json=body, headers=bearer(judge.token))
    assert response.status_code == 201


@pytest.fixture
def day(factory, contest, client):
    """Four judges: one submitted the first entry, one left a draft on it, one is recused from
    it; a panel of the first two scores the third entry, which is being pitched."""
    hung = factory.judge(contest.event, name="Nguyễn Văn Hùng", code="GK01")
    ha = factory.judge(contest.event, name="Trần Thị Thu Hà", code="GK02")
    tuan = factory.judge(
        contest.event, name="Lê Minh Tuấn", code="GK03", recused_from=(contest.entries[0],)
    )
    bao = factory.judge(contest.event, name="Phạm Quốc Bảo", code="GK04")
    factory.panel(contest.event, judges=(hung.id, ha.id), entries=(contest.entries[2],))
    post(client, hung, contest.entries[0])
    post(client, ha, contest.entries[0], submit=False)
    post(client, hung, contest.entries[2])
    return hung, ha, tuan, bao


def built(app, contest, build=dashboard.compute_snapshot):
    with app.app_context(), db.unit_of_work() as session:
        return build(session, contest.event, 1)


def test_each_cell_says_what_the_judge_did_or_why_not(app, contest, day):
    change(app, Entry, contest.entries[2], status=EntryStatus.PITCHING)
    snapshot = built(app, contest)
    assert [judge["code"] for judge in snapshot["judges"]] == ["GK01", "GK02", "GK03", "GK04"]
    assert [entry["id"] for entry in snapshot["entries"]] == contest.entries
    rows = [row["cells"] for row in snapshot["matrix"]]
    assert rows == [
        ["submitted", "missing", "submitted"],
        ["draft", "missing", "missing"],
        ["recused", "missing", "not_assigned"],
        ["missing", "missing", "not_assigned"],
    ]
    assert snapshot["pitching"] == [
        {"id": contest.entries[2], "title": "Sáng kiến số 3", "waiting": ["Trần Thị Thu Hà"]}
    ]
    counts = snapshot["counts"]
    assert counts["sheets"] == {"submitted": 2, "expected": 3 + 4 + 2, "drafts": 1}
    assert counts["entries"] == {"scheduled": 2, "pitching": 1, "done": 0, "withdrawn": 0}
    assert counts["judges"] == 4
    assert len(snapshot["submitted_at"]) == 2


def test_a_withdrawn_entry_and_a_stopped_judge_leave_the_matrix(app, contest, day):
    _hung, _ha, _tuan, bao = day
    change(app, Entry, contest.entries[1], status=EntryStatus.WITHDRAWN)
    change(app, Judge, bao.id, active=False)
    snapshot = built(app, contest)
    assert [entry["id"] for entry in snapshot["entries"]] == [
        contest.entries[0],
        contest.entries[2],
    ]
    assert len(snapshot["matrix"]) == 3
    assert snapshot["counts"]["entries"]["withdrawn"] == 1
    assert snapshot["pitching"] == []


def test_the_spread_is_of_the_counted_totals(app, contest, day):
    spread = built(app, contest, dashboard.compute_spread)
    first = spread["entries"][0]
    assert (first["n"], first["low"], first["mean"], first["high"]) == (1, 90.5, 90.5, 90.5)
    assert spread["entries"][1]["mean"] is None


def test_the_cell_state_rule():
    state = dashboard.cell_state
    assert state(SheetStatus.SUBMITTED, recused=True, covered=True) == "recused"
    assert state(SheetStatus.VERIFIED, recused=False, covered=True) == "submitted"
    assert state(None, recused=False, covered=False) == "not_assigned"
    assert state(SheetStatus.DRAFT, recused=False, covered=True) == "draft"
    assert state(None, recused=False, covered=True) == "missing"


def config_of(page):
    found = re.search(
        r'<script type="application/json" id="dashboard-config">(.*?)</script>',
        page.get_data(as_text=True),
        re.S,
    )
    return json.loads(found[1])


def test_a_manager_sees_the_spread_and_a_viewer_no_score(contest, day, organiser_client):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(f"/manage/{contest.slug}/dashboard")
    assert page.status_code == 200
    config = config_of(page)
    assert config["spread"]["entries"][0]["mean"] == 90.5
    assert "spread-chart" in page.get_data(as_text=True)

    viewer = organiser_client(contest.event, EventRole.VIEWER)
    page = viewer.get(f"/manage/{contest.slug}/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert config_of(page)["spread"] is None
    assert "spread-chart" not in html
    assert "90.5" not in html and "90,5" not in html
    figures = viewer.get(f"/manage/{contest.slug}/dashboard/figures").get_data(as_text=True)
    assert "90.5" not in figures


def test_the_exhibitions_visits_and_votes_come_through_the_signal(
    app, factory, contest, organiser_client
):
    exhibit = factory.exhibit(contest.event)
    with app.app_context(), db.unit_of_work(write=True) as session:
        session.add_all([Visit(exhibit_id=exhibit.id), Visit(exhibit_id=exhibit.id)])
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    figures = viewer.get(f"/manage/{contest.slug}/dashboard/figures").get_json()
    visits = next(figure for figure in figures if figure["key"] == "visits")
    assert visits["total"] == 2
    assert visits["bars"] == [
        ["A01 · Ứng dụng AI phát hiện nguy cơ mất an toàn lưới điện từ ảnh flycam", 2]
    ]
    assert visits["chart"]
    votes = next(figure for figure in figures if figure["key"] == "votes")
    assert votes["total"] == 0


def test_strangers_and_anonymous_visitors_get_no_dashboard(app, factory, contest, organiser_client):
    stranger = organiser_client(factory.event(), EventRole.OWNER)
    assert stranger.get(f"/manage/{contest.slug}/dashboard").status_code == 403
    assert stranger.get(f"/manage/{contest.slug}/dashboard/figures").status_code == 403


def connect(app, client, namespace, slug):
    settle(app)
    return realtime.socketio.test_client(
        app, namespace=namespace, auth={"event": slug}, flask_test_client=client
    )


def received(app, connection, namespace, name):
    settle(app)
    return [m["args"][0] for m in connection.get_received(namespace) if m["name"] == name]


def test_the_socket_pushes_each_change_to_organisers_and_scores_to_managers_only(
    app, client, contest, day, organiser_client
):
    hung, *_ = day
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    watching = connect(app, viewer, "/dashboard", contest.slug)
    assert watching.is_connected("/dashboard")
    (first,) = received(app, watching, "/dashboard", "dashboard")
    assert watching.is_connected("/dashboard-scores") is False
    refused = connect(app, viewer, "/dashboard-scores", contest.slug)
    assert not refused.is_connected("/dashboard-scores")
    scores = connect(app, manager, "/dashboard-scores", contest.slug)
    assert scores.is_connected("/dashboard-scores")
    assert received(app, scores, "/dashboard-scores", "score_spread")

    post(client, hung, contest.entries[1])
    (latest,) = received(app, watching, "/dashboard", "dashboard")
    assert latest["version"] > first["version"]
    assert latest["matrix"][0]["cells"][1] == "submitted"
    assert "90.5" not in json.dumps(latest) and "mean" not in json.dumps(latest)
    (spread,) = received(app, scores, "/dashboard-scores", "score_spread")
    assert spread["entries"][1]["mean"] == 90.5


def test_the_socket_refuses_anyone_not_of_the_event(app, client, factory, contest):
    anonymous = connect(app, client, "/dashboard", contest.slug)
    assert not anonymous.is_connected("/dashboard")
    assert not connect(app, client, "/dashboard", None).is_connected("/dashboard")
