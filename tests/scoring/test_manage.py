import uuid

from core.models import EventRole
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
