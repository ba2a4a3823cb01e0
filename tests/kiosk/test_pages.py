"""The visitor's page kept drawn: served again with no database read while its event's version
stands, never once anything it shows has changed, per language, and bounded; the visit is still
counted and the device's cookie still given on every answer."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import select

from core import db, realtime
from core.models import Event, Unit, utcnow
from initiatives.models import Attachment, AttachmentKind, Author, Initiative
from kiosk import visits
from kiosk.models import Exhibit, ExhibitStatus, Visit
from kiosk.pages import EXTENSION
from tests.conftest import make_app

PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 13; SM-A145F) Mobile Safari/537.36"}
NONCE = re.compile(r'nonce="([^"]+)"')


@contextmanager
def statements(app):
    """The SQL statements run meanwhile, on the app's engine."""
    run = []
    engine = app.extensions[db.EXTENSION].engine

    def seen(_conn, _cursor, statement, *_args):
        run.append(statement)

    sqlalchemy_event.listen(engine, "before_cursor_execute", seen)
    try:
        yield run
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", seen)


@pytest.fixture
def exhibit(factory):
    return factory.exhibit(factory.event(name="Ngày hội Lao động sáng tạo 2026"))


def page(client, exhibit, **headers):
    return client.get(f"/E/{exhibit.qr_token}", headers=PHONE | headers)


def text(client, exhibit):
    answer = page(client, exhibit)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_a_kept_page_is_served_again_without_the_database(app, client, exhibit):
    first = page(client, exhibit)
    with statements(app) as run:
        again = page(client, exhibit)
    assert run == []
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]


def edit_title(session, exhibit):
    session.get(Exhibit, exhibit.id).initiative.title = "Tiêu đề mới của sáng kiến"
    return "Tiêu đề mới của sáng kiến"


def edit_author(session, exhibit):
    initiative_id = session.get(Exhibit, exhibit.id).initiative_id
    author = session.scalar(select(Author).where(Author.initiative_id == initiative_id))
    author.full_name = "Phạm Quốc Bảo"
    return "Phạm Quốc Bảo"


def add_photo(session, exhibit):
    initiative = session.get(Exhibit, exhibit.id).initiative
    initiative.attachments.append(
        Attachment(kind=AttachmentKind.PHOTO, path="kiosk/x.jpg", caption="Ảnh thử nghiệm ở trạm")
    )
    return "Ảnh thử nghiệm ở trạm"


def rename_unit(session, exhibit):
    unit_id = session.get(Exhibit, exhibit.id).initiative.unit_id
    session.get(Unit, unit_id).name = "Công ty Điện lực Đà Nẵng"
    return "Công ty Điện lực Đà Nẵng"


def rename_event(session, exhibit):
    session.get(Event, session.get(Exhibit, exhibit.id).event_id).name = "Hội thi Sáng tạo 2027"
    return "Hội thi Sáng tạo 2027"


def move_booth(session, exhibit):
    session.get(Exhibit, exhibit.id).booth = "B17"
    return "B17"


@pytest.mark.parametrize(
    "edit", [edit_title, edit_author, add_photo, rename_unit, rename_event, move_booth]
)
def test_whatever_the_page_shows_is_seen_at_the_next_request(app, client, factory, exhibit, edit):
    assert "Nguyễn Văn Hùng" in text(client, exhibit)
    with factory.writing() as session:
        shown = edit(session, exhibit)
    assert shown in text(client, exhibit)


def test_a_rejected_or_pending_exhibit_is_gone_at_the_next_request(client, factory, exhibit):
    for status in (ExhibitStatus.REJECTED, ExhibitStatus.PENDING, ExhibitStatus.APPROVED):
        with factory.writing() as session:
            session.get(Exhibit, exhibit.id).status = status
        expected = 200 if status == ExhibitStatus.APPROVED else 404
        assert page(client, exhibit).status_code == expected


def test_the_vote_window_opening_draws_the_page_again(app, client, factory, exhibit):
    before = page(client, exhibit)
    with factory.writing() as session:
        found = session.get(Event, exhibit.event_id)
        found.vote_opens_at = utcnow()
        found.vote_closes_at = utcnow() + timedelta(hours=1)
    with statements(app) as run:
        after = page(client, exhibit)
    assert run  # drawn again, from the database
    # The vote button shows for a phone holding a ballot, and the window is checked when the vote
    # is posted: this page draws nothing of it, so it is drawn again as the same bytes, with its
    # first nonce, and a phone's copy stays valid.
    assert after.headers["ETag"] == before.headers["ETag"]
    assert page(client, exhibit, **{"If-None-Match": before.headers["ETag"]}).status_code == 304


def test_each_language_has_its_own_page(client, exhibit):
    assert "Tác giả" in text(client, exhibit)
    client.get("/lang/en")
    english = text(client, exhibit)
    assert "Tác giả" not in english and 'lang="en"' in english
    client.get("/lang/vi")
    assert "Tác giả" in text(client, exhibit)


def test_a_change_of_another_process_is_seen_once_its_version_is_read(app, client, exhibit):
    assert "Nguyễn Văn Hùng" in text(client, exhibit)
    other = make_app(app.config["DATABASE_URL"])  # a long job, the command line
    with other.app_context(), db.unit_of_work(write=True) as session:
        session.get(Exhibit, exhibit.id).initiative.title = "Sửa từ tiến trình khác"
    app.extensions[realtime.EXTENSION].catch_up()  # what sangtao serve does every second
    assert "Sửa từ tiến trình khác" in text(client, exhibit)
    other.extensions[db.EXTENSION].dispose()


def test_every_answer_counts_the_visit_and_gives_a_new_device_its_cookie(app, exhibit):
    counter = app.extensions[visits.EXTENSION]
    phones = [app.test_client() for _ in range(3)]
    for phone in phones:
        answer = page(phone, exhibit)
        assert visits.DEVICE_COOKIE in answer.headers.get("Set-Cookie", "")
    assert counter.flush() == 3
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(Visit.id).where(Visit.exhibit_id != exhibit.id)) is None


def test_a_phone_revalidating_its_copy_gets_304_with_the_nonce_of_its_copy(client, exhibit):
    first = page(client, exhibit)
    nonce = NONCE.search(first.get_data(as_text=True))[1]
    assert f"'nonce-{nonce}'" in first.headers["Content-Security-Policy"]
    again = page(client, exhibit, **{"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    assert f"'nonce-{nonce}'" in again.headers["Content-Security-Policy"]
    assert "no-cache" in again.headers["Cache-Control"]


def test_pages_with_something_of_their_visitor_are_not_kept(app, client, exhibit):
    kept = app.extensions[EXTENSION]
    page(client, exhibit)
    assert len(kept) == 1
    client.get(f"/E/{exhibit.qr_token}?utm=poster", headers=PHONE)
    client.get(f"/E/{exhibit.qr_token.lower()}", headers=PHONE)
    assert len(kept) == 1


def test_the_kept_pages_are_bounded(app, client, factory, exhibit, monkeypatch):
    kept = app.extensions[EXTENSION]
    monkeypatch.setattr(kept, "most", 2)
    others = [factory.exhibit(factory.event()) for _ in range(2)]
    for shown in (exhibit, *others):
        page(client, shown)
    assert len(kept) == 2
    with app.app_context(), db.unit_of_work() as session:
        title = session.scalar(select(Initiative.title).limit(1))
    assert title in text(client, exhibit)  # the page pushed out is drawn again
