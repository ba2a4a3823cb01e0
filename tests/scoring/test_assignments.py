"""Panels (Tiểu ban chấm): only a panel's judges score its entries, everywhere that decides who is
expected to score what; and the panels page that sets them up."""

import pytest
from sqlalchemy import select

from core import db
from core.models import AuditLog, Event, EventRole, EventStatus, Round, RoundStatus
from scoring.models import Entry, Judge, Panel, PanelMember
from scoring.progress import judging_progress
from tests.scoring.test_api import bearer, change, sheet, standings
from tests.scoring.test_manage import csrf_of


@pytest.fixture
def split(factory, contest):
    """Three judges; the first two sit on a panel that scores the contest's first entry. The
    other entries are scored by everyone."""
    hung = factory.judge(contest.event, name="Nguyễn Văn Hùng")
    ha = factory.judge(contest.event, name="Trần Thị Thu Hà")
    tuan = factory.judge(contest.event, name="Lê Minh Tuấn")
    panel = factory.panel(contest.event, judges=(hung.id, ha.id), entries=(contest.entries[0],))
    return hung, ha, tuan, panel


def progress(app, contest):
    with app.app_context(), db.unit_of_work() as session:
        return {
            row.judge.name: (row.submitted, row.expected)
            for row in judging_progress(session, contest.event)
        }


def test_a_panels_entry_is_expected_of_its_members_only(app, client, contest, split):
    assert split
    assert progress(app, contest) == {
        "Nguyễn Văn Hùng": (0, 3),
        "Trần Thị Thu Hà": (0, 3),
        "Lê Minh Tuấn": (0, 2),
    }
    expected = {row["entry_id"]: row["expected"] for row in standings(client, contest)["entries"]}
    assert expected == {contest.entries[0]: 2, contest.entries[1]: 3, contest.entries[2]: 3}


def test_a_stopped_member_or_a_recused_one_is_not_expected(app, client, factory, contest, split):
    hung, _ha, _tuan, _panel = split
    factory.judge(contest.event, name="Võ Thanh Tùng", recused_from=(contest.entries[0],))
    change(app, Judge, hung.id, active=False)
    expected = {row["entry_id"]: row["expected"] for row in standings(client, contest)["entries"]}
    # Only Trần Thị Thu Hà is left on the panel; the recused judge is not on it anyway.
    assert expected[contest.entries[0]] == 1
    assert expected[contest.entries[1]] == 3


def test_the_judges_list_shows_only_their_panels_entries(contest, split, judge_client):
    hung, _ha, tuan, _panel = split
    outsider = judge_client(tuan).get("/judge").get_data(as_text=True)
    member = judge_client(hung).get("/judge").get_data(as_text=True)
    assert "Sáng kiến số 1" not in outsider and "Sáng kiến số 2" in outsider
    assert "Sáng kiến số 1" in member and "Sáng kiến số 2" in member
    assert judge_client(tuan).get(f"/judge/entries/{contest.entries[0]}").status_code == 404
    assert judge_client(hung).get(f"/judge/entries/{contest.entries[0]}").status_code == 200


def test_a_sheet_outside_the_judges_panels_is_refused(app, client, contest, split):
    hung, _ha, tuan, _panel = split
    refused = client.post(
        "/api/v1/scoresheets", json=sheet(contest.entries[0]), headers=bearer(tuan.token)
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "not_assigned"
    assert "tiểu ban" in refused.get_json()["message"]
    for token in (hung.token, tuan.token):
        entry = contest.entries[0] if token == hung.token else contest.entries[1]
        response = client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(token))
        assert response.status_code == 201
    assert progress(app, contest)["Nguyễn Văn Hùng"] == (1, 3)
    assert progress(app, contest)["Lê Minh Tuấn"] == (1, 2)


def panels_url(contest, rest=""):
    return f"/manage/{contest.slug}/panels{rest}"


def round_id(app, contest):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(select(Entry.round_id).where(Entry.id == contest.entries[0]))


def test_a_manager_makes_a_panel_gives_it_judges_and_entries(
    app, factory, contest, organiser_client
):
    hung = factory.judge(contest.event, name="Nguyễn Văn Hùng")
    ha = factory.judge(contest.event, name="Trần Thị Thu Hà")
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(panels_url(contest))
    assert page.status_code == 200
    assert "mọi giám khảo chấm mọi bài" in page.get_data(as_text=True)
    token = csrf_of(page)
    rid = round_id(app, contest)
    made = manager.post(
        panels_url(contest),
        data={"csrf_token": token, "round": str(rid), "name": "Tiểu ban 1 – Khu trưng bày A"},
    )
    assert made.status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        panel_id = session.scalar(select(Panel.id).where(Panel.round_id == rid))
    again = manager.post(
        panels_url(contest),
        data={"csrf_token": token, "round": str(rid), "name": "tiểu ban 1 – khu trưng bày a"},
    )
    assert again.status_code == 422 and "đã có tiểu ban" in again.get_data(as_text=True)
    members = manager.post(
        panels_url(contest, f"/{panel_id}/judges"),
        data={"csrf_token": token, "judge": [str(hung.id), str(ha.id)]},
    )
    assert members.status_code == 302
    assigned = manager.post(
        panels_url(contest, "/entries"),
        data={
            "csrf_token": token,
            "round": str(rid),
            f"entry-{contest.entries[0]}": str(panel_id),
            f"entry-{contest.entries[1]}": "",
        },
    )
    assert assigned.status_code == 302
    renamed = manager.post(
        panels_url(contest, f"/{panel_id}"), data={"csrf_token": token, "name": "Tiểu ban A"}
    )
    assert renamed.status_code == 302
    html = manager.get(panels_url(contest)).get_data(as_text=True)
    assert "Tiểu ban A" in html and "Nguyễn Văn Hùng, Trần Thị Thu Hà" in html
    with app.app_context(), db.unit_of_work() as session:
        entry = session.get(Entry, contest.entries[0])
        assert entry is not None and entry.panel_id == panel_id
        actions = session.scalars(
            select(AuditLog.action).where(AuditLog.event_id == contest.event.id)
        ).all()
    assert {"panel.created", "panel.members", "entry.panel", "panel.renamed"} <= set(actions)
    deleted = manager.post(panels_url(contest, f"/{panel_id}/delete"), data={"csrf_token": token})
    assert deleted.status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        entry = session.get(Entry, contest.entries[0])
        assert entry is not None and entry.panel_id is None
        assert session.scalar(select(PanelMember.judge_id)) is None


def test_an_entry_scored_by_an_outsider_is_not_given_to_the_panel(
    app, client, factory, contest, organiser_client
):
    hung = factory.judge(contest.event, name="Nguyễn Văn Hùng")
    tuan = factory.judge(contest.event, name="Lê Minh Tuấn")
    panel = factory.panel(contest.event, judges=(hung.id,))
    client.post(
        "/api/v1/scoresheets",
        json=sheet(contest.entries[0], submit=False),
        headers=bearer(tuan.token),
    )
    manager = organiser_client(contest.event, EventRole.MANAGER)
    token = csrf_of(manager.get(panels_url(contest)))
    refused = manager.post(
        panels_url(contest, "/entries"),
        data={
            "csrf_token": token,
            "round": str(round_id(app, contest)),
            f"entry-{contest.entries[0]}": str(panel.id),
        },
    )
    assert refused.status_code == 409
    assert "Lê Minh Tuấn" in refused.get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        entry = session.get(Entry, contest.entries[0])
        assert entry is not None and entry.panel_id is None


def test_a_member_who_scored_stays_on_the_panel(app, client, factory, contest, organiser_client):
    hung = factory.judge(contest.event, name="Nguyễn Văn Hùng")
    panel = factory.panel(contest.event, judges=(hung.id,), entries=(contest.entries[0],))
    client.post("/api/v1/scoresheets", json=sheet(contest.entries[0]), headers=bearer(hung.token))
    manager = organiser_client(contest.event, EventRole.MANAGER)
    token = csrf_of(manager.get(panels_url(contest)))
    refused = manager.post(panels_url(contest, f"/{panel.id}/judges"), data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Nguyễn Văn Hùng" in refused.get_data(as_text=True)


def test_a_viewer_reads_the_panels_but_changes_nothing(factory, contest, split, organiser_client):
    _hung, _ha, _tuan, panel = split
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    page = viewer.get(panels_url(contest))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tiểu ban 1" in html and 'data-testid="read-only"' in html
    assert "Lưu phân công" not in html and "Xóa tiểu ban" not in html
    token = csrf_of(page)
    for path in ("", f"/{panel.id}", f"/{panel.id}/judges", f"/{panel.id}/delete", "/entries"):
        assert viewer.post(panels_url(contest, path), data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("status", [EventStatus.LOCKED, EventStatus.PUBLISHED])
def test_the_panels_of_sealed_results_do_not_change(
    app, factory, contest, split, organiser_client, status
):
    _hung, _ha, _tuan, panel = split
    manager = organiser_client(contest.event, EventRole.OWNER)
    token = csrf_of(manager.get(panels_url(contest)))
    change(app, Event, contest.event.id, status=status)
    page = manager.get(panels_url(contest)).get_data(as_text=True)
    assert 'data-testid="sealed"' in page and "Lưu phân công" not in page
    refused = manager.post(panels_url(contest, f"/{panel.id}/delete"), data={"csrf_token": token})
    assert refused.status_code == 409


def test_the_panels_of_a_locked_round_do_not_change(app, contest, split, organiser_client):
    _hung, _ha, _tuan, panel = split
    manager = organiser_client(contest.event, EventRole.MANAGER)
    token = csrf_of(manager.get(panels_url(contest)))
    change(app, Round, round_id(app, contest), status=RoundStatus.LOCKED)
    refused = manager.post(
        panels_url(contest, f"/{panel.id}"), data={"csrf_token": token, "name": "Tiểu ban B"}
    )
    assert refused.status_code == 409
    assert "Vòng thi đã khóa" in refused.get_data(as_text=True)


def test_bad_input_is_refused_without_a_server_error(contest, split, organiser_client):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    token = csrf_of(manager.get(panels_url(contest)))
    for path, data in (
        ("", {"round": "x", "name": "A"}),
        ("", {"round": "99999999999999", "name": "A"}),
        ("/entries", {"round": "1", "entry-abc": "1", "entry-99999": "zz"}),
        ("/999999/judges", {"judge": ["1", "x"]}),
    ):
        response = manager.post(panels_url(contest, path), data={"csrf_token": token, **data})
        assert 400 <= response.status_code < 500, path
