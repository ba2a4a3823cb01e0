"""The chair's console: who sees it, outliers to resolve before the lock, verifying, consensus."""

import pytest
from sqlalchemy import select

from core.models import AuditLog, EventRole, Round
from scoring.chair import outliers
from scoring.models import Entry, ScoreSheet, SheetStatus
from scoring.standings import compare


@pytest.fixture(autouse=True)
def no_csrf(app):
    """These tests post the forms directly; the CSRF token is tested elsewhere."""
    app.config["WTF_CSRF_ENABLED"] = False


def test_outliers_are_the_totals_far_from_their_panels_median():
    totals = [("a", 1, 80.0), ("b", 1, 78.0), ("c", 1, 50.0), ("d", 2, 10.0), ("e", 2, 25.0)]
    assert outliers(totals, 15) == {"c": -28.0}
    assert outliers([("x", 1, 90.0)], 15) == {}  # a panel of one has no median to be far from
    assert outliers(totals, 30) == {}


def test_judges_never_see_each_others_scores_but_the_chair_does(factory, contest, judge_client):
    judge = factory.judge(contest.event)
    chair = factory.judge(contest.event, name="Phạm Quốc Bảo", is_chair=True)
    sheet_id = factory.sheet(judge, contest.entries[0], 66.5)
    assert judge_client(judge).get(f"/manage/{contest.slug}/chair").status_code == 403
    detail = judge_client(judge).get(f"/manage/{contest.slug}/chair/sheets/{sheet_id}")
    assert detail.status_code == 403
    shown = judge_client(chair).get(f"/manage/{contest.slug}/chair/sheets/{sheet_id}")
    assert shown.status_code == 200 and "66,50" in shown.get_data(as_text=True)


def test_an_outlier_blocks_the_lock_until_resolved_with_a_note(
    factory, contest, organiser_client, judge_client
):
    chair = factory.judge(contest.event, name="Phạm Quốc Bảo", is_chair=True)
    for total in (80.0, 79.0):
        made = factory.judge(contest.event, name=f"GK {total}")
        for entry_id in contest.entries:
            factory.sheet(made, entry_id, total)
    far = factory.judge(contest.event, name="Bùi Đức Thắng")
    far_sheets = [factory.sheet(far, entry_id, 40.0) for entry_id in contest.entries]
    with factory.writing() as session:
        round_id = session.scalar(select(Round.id).where(Round.event_id == contest.event.id))
    tablet = judge_client(chair)
    base = f"/manage/{contest.slug}/chair"
    locked = tablet.post(f"{base}/rounds/{round_id}/lock", data={"override": "1"})
    assert locked.status_code == 409 and "lệch xa trung vị" in locked.get_data(as_text=True)
    assert (
        tablet.post(f"{base}/sheets/{far_sheets[0]}/outlier", data={"note": ""}).status_code == 422
    )
    for sheet_id in far_sheets:
        note = {"note": "Giám khảo đã giải thích: bài chưa áp dụng thực tế"}
        assert tablet.post(f"{base}/sheets/{sheet_id}/outlier", data=note).status_code == 302
    assert tablet.post(f"{base}/sheets/{far_sheets[0]}/verify").status_code == 302
    assert tablet.post(f"{base}/rounds/{round_id}/lock", data={"override": "1"}).status_code == 302
    with factory.writing() as session:
        assert session.get(ScoreSheet, far_sheets[0]).status == SheetStatus.VERIFIED
        actions = set(session.scalars(select(AuditLog.action)))
        assert {"sheet.outlier_resolved", "sheet.verified", "round.locked"} <= actions
        assert (
            session.scalars(select(AuditLog.actor).where(AuditLog.action == "round.locked")).one()
            == f"judge:{chair.id}"
        )
    assert organiser_client(contest.event, EventRole.VIEWER).get(base).status_code == 403


def test_a_consensus_score_is_bounded_by_the_panel_and_counts_under_every_method(
    app, factory, contest, organiser_client
):
    for total in (60.0, 80.0):
        factory.sheet(factory.judge(contest.event, name=f"GK {total}"), contest.entries[0], total)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    url = f"/manage/{contest.slug}/chair/entries/{contest.entries[0]}/consensus"
    too_high = manager.post(url, data={"score": "85", "reason": "Hội đồng thống nhất"})
    assert too_high.status_code == 422
    assert manager.post(url, data={"score": "75", "reason": ""}).status_code == 422
    assert (
        manager.post(url, data={"score": "75,5", "reason": "Hội đồng thống nhất"}).status_code
        == 302
    )
    with app.test_request_context(), factory.writing() as session:
        assert session.get(Entry, contest.entries[0]).consensus_score == 75.5
        row = compare(session, session.get(type(contest.event), contest.event.id)).entries[0]
        assert {s.score for s in row.standings.values()} == {75.5}
        assert all("consensus" in s.flags for s in row.standings.values())
