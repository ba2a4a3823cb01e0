"""The organiser's vote pages: the window, the register, release, review and void, exports; and
the count hidden everywhere until released."""

import csv
import io
import json
import re
import time

import pypdf
import pytest
import zxingcpp
from openpyxl import load_workbook
from sqlalchemy import select

from core import db
from core.models import AuditLog, EventRole, Job, JobStatus, utcnow
from kiosk.models import Vote
from tests.display.test_live import LIVE_CONFIG
from tests.kiosk.test_vote import new_ballots, open_now, set_event


@pytest.fixture(autouse=True)
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False


def finished(app, job_id):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with app.app_context(), db.unit_of_work() as session:
            job = session.get(Job, job_id)
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                return job
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def cast(client, token, exhibit, address="10.0.0.1"):
    answer = client.post(f"/b/{token}/exhibits/{exhibit.id}", environ_base={"REMOTE_ADDR": address})
    assert answer.status_code == 302


def test_the_window_opens_closes_and_the_count_stays_hidden_until_released(
    app, client, factory, organiser_client
):
    event = factory.event()
    first = factory.exhibit(event)
    second = factory.exhibit(event, title="Robot sửa chữa dây chống sét và cáp quang OPGW")
    factory.exhibit(event, title="Xe phun nước xử lý sự cố hạ thế trong hẻm nhỏ")
    manager = organiser_client(event, EventRole.MANAGER)
    base = f"/manage/{event.slug}/votes"
    assert "Chưa mở" in manager.get(base).get_data(as_text=True)
    assert manager.post(f"{base}/open").status_code == 302
    tokens = new_ballots(factory, event, 3)
    cast(client, tokens[0], second)
    cast(client, tokens[1], second)
    cast(client, tokens[2], first)
    page = manager.get(base).get_data(as_text=True)
    assert 'data-testid="used">3<' in page and 'data-testid="issued">3<' in page
    assert "Kết quả được giữ kín" in page and "Robot sửa chữa" not in page
    # Nowhere to read the count before release: exports, the dashboard's figures.
    assert manager.get(f"{base}/result.csv").status_code == 409
    assert manager.get(f"{base}/result.xlsx").status_code == 409
    figures = manager.get(f"/manage/{event.slug}/dashboard/figures").get_json()
    votes = next(figure for figure in figures if figure["key"] == "votes")
    assert votes["total"] == 3 and votes["bars"] == []
    # Release needs the window closed first.
    assert manager.post(f"{base}/release").status_code == 409
    manager.post(f"{base}/close")
    late = new_ballots(factory, event)[0]
    assert client.post(f"/b/{late}/exhibits/{first.id}").status_code == 409
    manager.post(f"{base}/release")
    page = manager.get(base).get_data(as_text=True)
    assert "Robot sửa chữa dây chống sét" in page
    rows = list(csv.reader(io.StringIO(manager.get(f"{base}/result.csv").get_data(as_text=True))))
    assert rows[1][2] == "Robot sửa chữa dây chống sét và cáp quang OPGW" and rows[1][4] == "2"
    book = load_workbook(io.BytesIO(manager.get(f"{base}/result.xlsx").data))
    assert [c.value for c in next(book.active.iter_rows(min_row=2, max_row=2))][-1] == 2
    with app.app_context(), db.unit_of_work() as session:
        actions = set(session.scalars(select(AuditLog.action)))
    assert {"votes.open", "votes.close", "votes.release", "ballots.issue"} <= actions
    # The screens and phones list the exhibits voted for; nobody voted for the third one.
    phone = client.get(f"/live/{event.slug}").get_data(as_text=True)
    choice = json.loads(re.findall(LIVE_CONFIG, phone)[0])["snapshots"]["peoples_choice"]
    assert [row["votes"] for row in choice["results"]] == [2, 1]


def test_a_viewer_sees_the_register_but_cannot_run_the_vote(factory, organiser_client):
    event = factory.event()
    viewer = organiser_client(event, EventRole.VIEWER)
    page = viewer.get(f"/manage/{event.slug}/votes").get_data(as_text=True)
    assert "Phiếu đã phát" in page and "Mở bình chọn" not in page
    assert viewer.post(f"/manage/{event.slug}/votes/open").status_code == 403


def test_the_review_flags_a_burst_from_one_address_and_a_vote_is_voided(
    app, client, factory, organiser_client
):
    event = factory.event()
    exhibit = factory.exhibit(event)
    open_now(factory, event)
    manager = organiser_client(event, EventRole.MANAGER)
    for token in new_ballots(factory, event, 4):
        cast(client, token, exhibit, address="10.9.9.9")
    page = manager.get(f"/manage/{event.slug}/votes/review").get_data(as_text=True)
    assert "4 phiếu từ cùng một địa chỉ" in page
    with app.app_context(), db.unit_of_work() as session:
        vote_id = session.scalar(select(Vote.id))
    refused = manager.post(f"/manage/{event.slug}/votes/{vote_id}/void", data={"reason": " "})
    assert "Hãy ghi lý do" in manager.get(refused.headers["Location"]).get_data(as_text=True)
    manager.post(
        f"/manage/{event.slug}/votes/{vote_id}/void", data={"reason": "Một máy bầu 4 phiếu"}
    )
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Vote, vote_id).void_reason == "Một máy bầu 4 phiếu"
        logged = session.scalar(select(AuditLog).where(AuditLog.action == "vote.void"))
        assert logged.reason == "Một máy bầu 4 phiếu"
    set_event(factory, event, vote_closes_at=utcnow(), votes_released_at=utcnow())
    page = manager.get(f"/manage/{event.slug}/votes").get_data(as_text=True)
    assert '<td class="num">3</td>' in page  # the voided vote is not counted


def qr_texts(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, [
        result.text
        for page in reader.pages
        for image in page.images
        for result in zxingcpp.read_barcodes(image.image)
    ]


def test_printed_ballots_come_from_a_job_and_every_code_opens_its_ballot(
    app, client, factory, organiser_client
):
    event = factory.event()
    exhibit = factory.exhibit(event)
    open_now(factory, event)
    manager = organiser_client(event, EventRole.MANAGER)
    started = manager.post(f"/manage/{event.slug}/votes/ballots", data={"count": "12"})
    job = finished(app, started.headers["Location"].rsplit("/", 1)[1])
    assert job.status == JobStatus.DONE, job.error
    download = manager.get(job.result["url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    reader, links = qr_texts(download.data)
    assert len(reader.pages) == 2 and len(links) == 12
    assert "PHIẾU BÌNH CHỌN" in reader.pages[0].extract_text()
    path = links[0].split(":8000", 1)[-1] if ":8000" in links[0] else links[0]
    token = links[0].rsplit("/B/", 1)[1]
    assert "/B/" in path
    assert client.post(f"/b/{token}/exhibits/{exhibit.id}").status_code == 302
    assert (
        manager.post(f"/manage/{event.slug}/votes/ballots", data={"count": "0"}).status_code == 422
    )
    stranger = organiser_client(factory.event(), EventRole.OWNER)
    assert stranger.get(job.result["url"]).status_code in (403, 404)


def test_a_ballot_issued_at_the_desk_shows_its_code(factory, organiser_client):
    event = factory.event()
    manager = organiser_client(event, EventRole.MANAGER)
    page = manager.post(f"/manage/{event.slug}/votes/ballots/kiosk")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "data:image/svg+xml;base64," in html and "/B/" in html
    assert page.headers["Cache-Control"] == "no-store"


def test_the_cli_prints_new_ballots_urls(app, runner, factory):
    event = factory.event()
    app.config["PUBLIC_URL"] = "http://192.168.1.10:8000"
    result = runner.invoke(args=["issue-ballots", event.slug, "3", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert len(printed["ballots"]) == 3
    assert printed["ballots"][0]["url"].startswith("HTTP://192.168.1.10:8000/B/")
    plain = runner.invoke(args=["issue-ballots", event.slug, "2"])
    assert len(plain.output.split()) == 2
    assert runner.invoke(args=["issue-ballots", "khong-co", "2"]).exit_code != 0
    assert runner.invoke(args=["issue-ballots", event.slug, "0"]).exit_code != 0
