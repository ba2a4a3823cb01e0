"""The results page: every method side by side, and choosing the method in force."""

import re

from sqlalchemy import select

from core import db
from core.models import Aggregation, AuditLog, Event, EventRole, EventStatus


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def event_of(app, contest):
    with app.app_context(), db.unit_of_work() as session:
        return session.get(Event, contest.event.id)


def logged(app, contest):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalars(
            select(AuditLog).where(
                AuditLog.event_id == contest.event.id, AuditLog.action == "event.method_changed"
            )
        ).all()


def choose(client, contest, method, reason=None):
    page = client.get(f"/manage/{contest.slug}/results")
    form = {"csrf_token": csrf_of(page), "method": method}
    if reason is not None:
        form["reason"] = reason
    return client.post(f"/manage/{contest.slug}/results/method", data=form)


def test_managers_see_every_method_side_by_side(contest, organiser_client):
    page = organiser_client(contest.event, EventRole.MANAGER).get(f"/manage/{contest.slug}/results")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Cách tính điểm" in text and "Dự kiến" in text
    for method in ("mean", "trimmed", "zscore", "judge_effect"):
        assert f'<option value="{method}"' in text
        assert f'data-testid="score-{method}-{contest.entries[0]}"' in text
    assert 'name="reason"' not in text  # not locked: no reason asked


def test_viewers_do_not_see_scores_before_they_are_published(contest, organiser_client):
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    assert viewer.get(f"/manage/{contest.slug}/results").status_code == 403
    overview = viewer.get(f"/manage/{contest.slug}/").get_data(as_text=True)
    assert f"/manage/{contest.slug}/results" not in overview


def test_before_the_lock_the_method_changes_without_a_reason_and_is_audited(
    app, contest, organiser_client
):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    answer = choose(manager, contest, "trimmed")
    assert answer.status_code == 302
    assert event_of(app, contest).aggregation == Aggregation.TRIMMED
    (entry,) = logged(app, contest)
    assert entry.before["aggregation"] == "mean" and entry.after == {"aggregation": "trimmed"}
    assert entry.reason == ""
    assert "Trung bình sau khi bỏ điểm cao nhất, thấp nhất" in manager.get(
        answer.headers["Location"]
    ).get_data(as_text=True)
    # The same method again changes nothing, and logs nothing.
    assert choose(manager, contest, "trimmed").status_code == 302
    assert len(logged(app, contest)) == 1


def test_once_locked_a_change_needs_a_reason(app, factory, organiser_client):
    contest = factory.contest(status=EventStatus.LOCKED)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    assert 'name="reason"' in manager.get(f"/manage/{contest.slug}/results").get_data(as_text=True)
    refused = choose(manager, contest, "zscore", reason="   ")
    assert refused.status_code == 422
    assert "hãy ghi lý do" in refused.get_data(as_text=True)
    assert event_of(app, contest).aggregation == Aggregation.MEAN
    assert logged(app, contest) == []

    reason = "Hội đồng thống nhất chuẩn hóa vì hai giám khảo chấm chặt tay"
    assert choose(manager, contest, "zscore", reason=reason).status_code == 302
    assert event_of(app, contest).aggregation == Aggregation.ZSCORE
    (entry,) = logged(app, contest)
    assert entry.reason == reason and entry.before["status"] == "locked"


def test_an_unknown_method_or_an_overlong_reason_is_refused(app, factory, organiser_client):
    contest = factory.contest(status=EventStatus.PUBLISHED)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    assert choose(manager, contest, "median", reason="vì").status_code == 422
    assert choose(manager, contest, "trimmed", reason="x" * 501).status_code == 422
    assert event_of(app, contest).aggregation == Aggregation.MEAN
