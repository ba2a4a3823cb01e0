import re
import uuid
from urllib.parse import urlsplit

from sqlalchemy import select

from core import db
from core.models import AuditLog, EventRole
from scoring.models import Judge
from tests.scoring.test_api import FULL, bearer


def test_judging_progress_counts_each_judges_sheets_out_of_what_they_score(
    client, factory, contest, judge, organiser_client
):
    recused = factory.judge(
        contest.event, name="Trần Quốc Khánh", recused_from=(contest.entries[0],)
    )
    for entry, submit in ((contest.entries[0], True), (contest.entries[1], False)):
        client.post(
            "/api/v1/scoresheets",
            json={"id": str(uuid.uuid4()), "entry": entry, "scores": FULL, "submit": submit},
            headers=bearer(judge.token),
        )
    page = organiser_client(contest.event, EventRole.VIEWER).get(f"/manage/{contest.slug}/judging")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-testid="submitted-{judge.id}">1/3<' in html
    assert f'data-testid="submitted-{recused.id}">0/2<' in html
    assert "Trần Quốc Khánh" in html


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


def test_a_manager_gives_a_judge_a_new_card_shown_once(app, contest, judge, organiser_client):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    judging = manager.get(f"/manage/{contest.slug}/judging")
    assert "Cấp lại thẻ" in judging.get_data(as_text=True)
    answer = manager.post(
        f"/manage/{contest.slug}/judges/{judge.id}/card", data={"csrf_token": csrf_of(judging)}
    )
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    page = answer.get_data(as_text=True)
    link = re.search(r'data-testid="judge-link">([^<]+)<', page)[1]
    assert link.startswith("http") and judge.token not in link
    assert 'src="data:image/svg+xml;base64,' in page
    tablet = app.test_client()
    assert tablet.get(f"/j/{judge.token}").status_code == 404
    assert tablet.get(urlsplit(link).path).status_code == 302
    assert link not in manager.get(f"/manage/{contest.slug}/judging").get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        logged = session.scalars(select(AuditLog).where(AuditLog.subject == f"judge:{judge.id}"))
        assert [row.action for row in logged] == ["judge.card_reissued"]


def test_a_viewer_sees_the_progress_but_cannot_reissue_cards(contest, judge, organiser_client):
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    judging = viewer.get(f"/manage/{contest.slug}/judging")
    assert "Cấp lại thẻ" not in judging.get_data(as_text=True)
    refused = viewer.post(
        f"/manage/{contest.slug}/judges/{judge.id}/card", data={"csrf_token": csrf_of(judging)}
    )
    assert refused.status_code == 403


def test_a_judge_of_another_event_gets_no_card_here(factory, contest, organiser_client):
    stranger = factory.judge(factory.contest().event)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    judging = manager.get(f"/manage/{contest.slug}/judging")
    answer = manager.post(
        f"/manage/{contest.slug}/judges/{stranger.id}/card", data={"csrf_token": csrf_of(judging)}
    )
    assert answer.status_code == 404


def writing_while_printing(monkeypatch, module) -> list[bool]:
    """Each time ``module`` prints cards from now on: whether a write transaction was open."""
    seen: list[bool] = []
    real = module.printed_cards

    def printing(*args):
        seen.append(db.is_writing(db.session()))
        return real(*args)

    monkeypatch.setattr(module, "printed_cards", printing)
    return seen


def reissue_by_form(manager, contest, judge):
    judging = manager.get(f"/manage/{contest.slug}/judging")
    return manager.post(
        f"/manage/{contest.slug}/judges/{judge.id}/card", data={"csrf_token": csrf_of(judging)}
    )


def test_a_new_card_is_printed_before_the_write_transaction_begins(
    app, monkeypatch, contest, judge, organiser_client
):
    """Judges' saves never wait for the one-card PDF."""
    from scoring.manage import judging

    printed = writing_while_printing(monkeypatch, judging)
    answer = reissue_by_form(organiser_client(contest.event, EventRole.MANAGER), contest, judge)
    assert answer.status_code == 200 and printed == [False]


def test_a_judge_who_stopped_judging_may_be_given_a_new_card(
    app, factory, contest, organiser_client
):
    stopped = factory.judge(contest.event, name="Lê Minh Tuấn", active=False)
    answer = reissue_by_form(organiser_client(contest.event, EventRole.MANAGER), contest, stopped)
    assert answer.status_code == 200
    with app.app_context(), db.unit_of_work() as session:
        logged = session.scalars(select(AuditLog).where(AuditLog.subject == f"judge:{stopped.id}"))
        assert [row.action for row in logged] == ["judge.card_reissued"]
        assert session.get(Judge, stopped.id).code is not None
