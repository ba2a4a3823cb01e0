"""A worker's personal link may not rewrite the record of a pitch being scored: the jury scores
what it read, and the standings, minutes and certificates name it. Files still pass."""

import io

import pytest

from core import db
from core.models import EventStatus
from initiatives import dossiers
from scoring.models import Entry

CORRECTION = {
    "title": "Tên mới sau khi Hội đồng đã chấm",
    "solution_type": "technical",
    "author-1-name": "Võ Thanh Tùng",
    "author-1-share": "100",
}


def worker_link(factory, entry_id):
    """A draft dossier of the entry's initiative; its id and personal link's token."""
    token, digest = dossiers.new_link()
    with factory.writing() as session:
        initiative = session.get(Entry, entry_id).initiative
        return dossiers.open_dossier(session, initiative, "worker", digest).id, token


def title_of(app, entry_id):
    with app.app_context(), db.unit_of_work() as session:
        return session.get(Entry, entry_id).initiative.title


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False


def correct(client, contest, token, dossier_id):
    data = CORRECTION | {"unit": str(contest.unit_id)}
    return client.post(f"/d/{token}/{dossier_id}", data=data)


def test_a_correction_is_refused_once_the_pitch_is_scored(app, factory, client, no_csrf):
    contest = factory.contest(status=EventStatus.OPEN)
    scored, _other = contest.entries[:2]
    dossier_id, token = worker_link(factory, scored)
    factory.sheet(factory.judge(contest.event), scored)
    refused = correct(client, contest, token, dossier_id)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Hội đồng chấm thi đã bắt đầu chấm" in page and "Vòng chung khảo" in page
    assert title_of(app, scored) == "Sáng kiến số 1"
    sent = client.post(
        f"/d/{token}/{dossier_id}/files",
        data={"files": (io.BytesIO(b"%PDF-1.4 ban ve"), "bản vẽ.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã thêm 1 tệp." in sent.get_data(as_text=True)


def test_a_correction_is_refused_once_the_event_is_scoring(app, factory, client, no_csrf):
    contest = factory.contest()  # scoring, no sheet yet
    dossier_id, token = worker_link(factory, contest.entries[0])
    assert correct(client, contest, token, dossier_id).status_code == 409
    assert title_of(app, contest.entries[0]) == "Sáng kiến số 1"


def test_a_correction_passes_before_the_scoring_starts(app, factory, client, no_csrf):
    contest = factory.contest(status=EventStatus.OPEN)
    dossier_id, token = worker_link(factory, contest.entries[0])
    assert correct(client, contest, token, dossier_id).status_code == 302
    assert title_of(app, contest.entries[0]) == CORRECTION["title"]
