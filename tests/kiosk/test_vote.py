"""The voter's phone: the ballot's page, the confirm screen, one vote per ballot, the refusals."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import db
from core.models import Event, utcnow
from kiosk import ballots
from kiosk.models import Ballot, BallotChannel, Exhibit, ExhibitStatus, Scan, Vote
from tests.conftest import settle

PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 13; SM-A145F) Mobile Safari/537.36"}


def new_ballots(factory, event, count=1):
    with factory.writing() as session:
        found = session.get(Event, event.id)
        issued = ballots.issue_ballots(session, found, count, BallotChannel.BADGE, "test")
        return [ballot.token for ballot in issued]


def set_event(factory, event, **values):
    with factory.writing() as session:
        found = session.get(Event, event.id)
        for name, value in values.items():
            setattr(found, name, value)


def open_now(factory, event):
    set_event(factory, event, vote_opens_at=utcnow() - timedelta(minutes=1), vote_closes_at=None)


@pytest.fixture
def booth(factory):
    """An event with two exhibits, voting open, and one ballot."""
    event = factory.event()
    first = factory.exhibit(event)
    second = factory.exhibit(event, title="Tủ điện hạ thế cảnh báo quá nhiệt bằng IoT")
    open_now(factory, event)
    (token,) = new_ballots(factory, event)
    return event, first, second, token


def votes(app):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Vote))


def test_a_phone_lists_the_exhibits_confirms_and_votes_once(app, client, booth):
    _event, first, second, token = booth
    page = client.get(f"/B/{token}", headers=PHONE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ứng dụng AI phát hiện nguy cơ mất an toàn lưới điện" in html
    assert "Tủ điện hạ thế cảnh báo quá nhiệt bằng IoT" in html
    confirm = client.get(f"/b/{token.lower()}/exhibits/{second.id}")
    assert "Xác nhận bình chọn" in confirm.get_data(as_text=True)
    voted = client.post(f"/b/{token}/exhibits/{second.id}")
    assert voted.status_code == 302
    thanks = client.get(voted.headers["Location"]).get_data(as_text=True)
    assert "Cảm ơn bạn đã bình chọn" in thanks
    again = client.post(f"/b/{token}/exhibits/{first.id}")
    assert again.status_code == 409
    assert "Phiếu bình chọn này đã được dùng" in again.get_data(as_text=True)
    assert votes(app) == 1
    # The ballot's own page never says whom it voted for: a dropped slip keeps its secret.
    later = client.get(f"/b/{token}").get_data(as_text=True)
    assert "đã được dùng" in later and "Tủ điện hạ thế" not in later


def test_the_kept_list_follows_every_change_of_an_exhibit(app, client, factory, booth):
    """Phones share one kept list of exhibits: a withdrawal or a new title shows at the next
    page."""
    _event, first, second, token = booth
    assert "Tủ điện hạ thế cảnh báo quá nhiệt bằng IoT" in client.get(f"/B/{token}").get_data(
        as_text=True
    )
    with factory.writing() as session:
        session.get(Exhibit, second.id).status = ExhibitStatus.REJECTED
        session.get(Exhibit, first.id).initiative.title = "Robot sửa chữa dây chống sét"
    html = client.get(f"/B/{token}").get_data(as_text=True)
    assert "Tủ điện hạ thế" not in html and "Robot sửa chữa dây chống sét" in html


def test_a_vote_does_not_rebuild_the_kept_list(client, factory, booth, monkeypatch):
    """A vote moves the event's version but writes nothing the list is made of: during a peak
    of votes the phones still share one list."""
    event, first, _second, token = booth
    (other,) = new_ballots(factory, event)
    listed = []
    real = ballots.votable_exhibits
    monkeypatch.setattr(
        ballots, "votable_exhibits", lambda session, e: listed.append(e.id) or real(session, e)
    )
    assert client.get(f"/B/{token}").status_code == 200
    assert client.post(f"/b/{other}/exhibits/{first.id}").status_code == 302
    html = client.get(f"/B/{token}").get_data(as_text=True)
    assert "Tủ điện hạ thế cảnh báo quá nhiệt bằng IoT" in html
    assert listed == [event.id]


def test_the_search_ignores_accents(client, booth):
    _event, _first, _second, token = booth
    html = client.get(f"/b/{token}?q=tu dien ha the").get_data(as_text=True)
    assert "Tủ điện hạ thế" in html and "Ứng dụng AI" not in html
    html = client.get(f"/b/{token}?q=zzz").get_data(as_text=True)
    assert "Không có sản phẩm nào khớp" in html


def test_a_made_up_ballot_is_unknown(client, booth):
    _event, first, _second, _token = booth
    page = client.get("/b/AAAAAAAAAAAA")
    assert page.status_code == 404
    assert "Không tìm thấy phiếu bình chọn này" in page.get_data(as_text=True)
    assert client.post(f"/b/AAAAAAAAAAAA/exhibits/{first.id}").status_code == 404


def test_a_closed_or_unopened_window_refuses(app, client, factory, booth):
    event, first, _second, token = booth
    set_event(factory, event, vote_closes_at=utcnow() - timedelta(seconds=1))
    page = client.post(f"/b/{token}/exhibits/{first.id}")
    assert page.status_code == 409
    assert "Bình chọn đã kết thúc" in page.get_data(as_text=True)
    set_event(factory, event, vote_opens_at=None, vote_closes_at=None)
    page = client.post(f"/b/{token}/exhibits/{first.id}")
    assert "Bình chọn chưa mở" in page.get_data(as_text=True)
    assert "Bình chọn chưa mở" in client.get(f"/b/{token}").get_data(as_text=True)
    assert votes(app) == 0


def test_an_exhibit_of_another_event_is_not_votable(app, client, factory, booth):
    _event, _first, _second, token = booth
    elsewhere = factory.exhibit(factory.event())
    assert client.post(f"/b/{token}/exhibits/{elsewhere.id}").status_code == 404
    assert client.post(f"/b/{token}/exhibits/99999999999").status_code == 404
    assert votes(app) == 0


def test_the_vote_stores_a_salted_hash_of_the_address_never_the_address(app, client, booth):
    _event, first, _second, token = booth
    client.post(f"/b/{token}/exhibits/{first.id}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    with app.app_context(), db.unit_of_work() as session:
        stored = session.scalar(select(Vote.address_hash))
    assert len(stored) == 64 and "10.1.2.3" not in stored


def test_an_informed_vote_needs_the_booths_code_then_the_wait(app, client, factory, booth):
    event, first, _second, token = booth
    set_event(factory, event, vote_requires_scan=True, vote_scan_min_seconds=30)
    refused = client.post(f"/b/{token}/exhibits/{first.id}")
    assert refused.status_code == 409
    assert "quét mã QR của sản phẩm này" in refused.get_data(as_text=True)
    scanned = client.post(f"/b/{token}/scans/{first.qr_token.lower()}")
    assert scanned.headers["Location"].endswith(f"/b/{token}/exhibits/{first.id}")
    waiting = client.get(scanned.headers["Location"]).get_data(as_text=True)
    assert "giây rồi bình chọn" in waiting
    with factory.writing() as session:
        session.execute(Scan.__table__.update().values(at=utcnow() - timedelta(seconds=31)))
    assert client.post(f"/b/{token}/exhibits/{first.id}").status_code == 302
    assert votes(app) == 1


def test_a_booth_code_of_another_event_records_nothing(app, client, factory, booth):
    _event, _first, _second, token = booth
    elsewhere = factory.exhibit(factory.event())
    assert client.post(f"/b/{token}/scans/{elsewhere.qr_token}").status_code == 404
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Scan)) == 0


def race(app, token, exhibit_id, phones=8):
    """``phones`` phones send the same ballot's vote at the same moment."""
    start = threading.Barrier(phones)
    answers = []

    def phone():
        client = app.test_client()
        start.wait()
        answers.append(client.post(f"/b/{token}/exhibits/{exhibit_id}").status_code)

    threads = [threading.Thread(target=phone) for _ in range(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers)


def test_a_ballot_racing_itself_votes_once_on_sqlite(app, booth):
    _event, first, _second, token = booth
    assert race(app, token, first.id) == [302] + [409] * 7
    assert votes(app) == 1


def test_a_ballot_racing_itself_votes_once_on_postgresql(postgres_app):
    from tests.factories import Factory

    factory = Factory(postgres_app)
    event = factory.event()
    exhibit = factory.exhibit(event)
    open_now(factory, event)
    (token,) = new_ballots(factory, event)
    assert race(postgres_app, token, exhibit.id) == [302] + [409] * 7
    with postgres_app.app_context(), db.unit_of_work() as session:
        ballot = session.scalar(select(Ballot).where(Ballot.token == token))
        assert session.scalar(select(func.count()).where(Vote.ballot_id == ballot.id)) == 1


def test_a_vote_rebuilds_no_feed_until_the_count_is_released(app, client, booth, monkeypatch):
    from tests.core.test_realtime import build_all, count_builds

    event, first, _second, token = booth
    build_all(app, event.id)
    built = count_builds(app, monkeypatch)
    assert client.post(f"/b/{token}/exhibits/{first.id}").status_code == 302
    settle(app)
    # The count stays hidden until released: no feed reads the votes yet, none is rebuilt (it
    # rebuilt all nine, the standings included).
    assert built == []
