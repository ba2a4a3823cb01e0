"""The visitor's page of an approved exhibit: small, its photos lazy with thumbnails served for a
year, confidential fields never shown, nothing loaded from elsewhere; pending ones are hidden."""

import re

from sqlalchemy import select

from core import db
from initiatives.models import Attachment, AttachmentKind, attachments_folder
from initiatives.photos import new_photo_path, prepare_photo, small_path, write_photo
from kiosk.models import Exhibit, ExhibitStatus
from tests.kiosk.photos import picture

PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 13; SM-A145F) Mobile Safari/537.36"}
SECRET = "Thông số bơm cao áp (mật)"


def with_photo(app, factory, **overrides):
    exhibit = factory.exhibit(factory.event(), confidential=SECRET, **overrides)
    with app.app_context():
        path = new_photo_path("kiosk")
        write_photo(attachments_folder(), path, prepare_photo(picture()))
    with factory.writing() as session:
        found = session.get(Exhibit, exhibit.id)
        found.initiative.attachments.append(Attachment(kind=AttachmentKind.PHOTO, path=path))
        found.initiative.attachments.append(
            Attachment(kind=AttachmentKind.DOCUMENT, path="kiosk/secret.pdf")
        )
    with app.app_context(), db.unit_of_work() as session:
        ids = dict(session.execute(select(Attachment.kind, Attachment.id)).tuples().all())
    return exhibit, ids


def test_confidential_fields_are_never_shown(app, client, factory):
    exhibit, _ids = with_photo(
        app, factory, effects="Giảm 80% sự cố", prior_state=f"Trước đây {SECRET[:5]}"
    )
    html = client.get(f"/e/{exhibit.qr_token}", headers=PHONE).get_data(as_text=True)
    assert SECRET not in html and "Giảm 80% sự cố" in html


def test_the_page_is_light_and_loads_nothing_from_elsewhere(app, client, factory):
    exhibit, ids = with_photo(app, factory, effects="Giảm thời gian xử lý sự cố")
    page = client.get(f"/e/{exhibit.qr_token}", headers=PHONE)
    html = page.get_data(as_text=True)
    # What the browser fetches: stylesheets and scripts (the import map's modules load only
    # when a script imports them).
    loaded = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    loaded += re.findall(r'<script[^>]* src="([^"]+)"', html)
    assert loaded
    weight = len(page.data) + sum(len(client.get(url).data) for url in set(loaded))
    assert weight < 50_000, weight
    assert not re.search(r'(?:src|href)="https?://', html)
    assert 'loading="lazy"' in html and "srcset=" in html
    small = client.get(f"/e/{exhibit.qr_token}/photos/{ids[AttachmentKind.PHOTO]}-small.jpg")
    assert small.status_code == 200 and small.mimetype == "image/jpeg"
    assert "max-age=31536000" in small.headers["Cache-Control"]
    assert len(small.data) < 60_000
    document = client.get(f"/e/{exhibit.qr_token}/photos/{ids[AttachmentKind.DOCUMENT]}.jpg")
    assert document.status_code == 404


def test_a_pending_or_rejected_exhibit_is_hidden_with_its_photos_and_qr(app, client, factory):
    exhibit, ids = with_photo(app, factory)
    for status in (ExhibitStatus.PENDING, ExhibitStatus.REJECTED):
        with factory.writing() as session:
            session.get(Exhibit, exhibit.id).status = status
        for path in ("", "/qr.svg", f"/photos/{ids[AttachmentKind.PHOTO]}.jpg"):
            assert client.get(f"/e/{exhibit.qr_token}{path}").status_code == 404


def test_a_photo_without_its_thumbnail_is_served_large(app, client, factory):
    exhibit, ids = with_photo(app, factory)
    with app.app_context(), db.unit_of_work() as session:
        path = session.get(Attachment, ids[AttachmentKind.PHOTO]).path
        (attachments_folder() / small_path(path)).unlink()
    answer = client.get(f"/e/{exhibit.qr_token}/photos/{ids[AttachmentKind.PHOTO]}-small.jpg")
    assert answer.status_code == 200
