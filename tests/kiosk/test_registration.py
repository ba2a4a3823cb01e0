"""Registering an exhibit at the kiosk: the form read field by field, the photos made upright and
small, the pending exhibit with its edit code, and the correction that sends it back to pending."""

import io
import re
from decimal import Decimal

from PIL import Image
from sqlalchemy import select

from core import db
from core.models import EventRole
from initiatives.models import (
    Attachment,
    Dossier,
    DossierState,
    EventInitiative,
    Initiative,
    attachments_folder,
)
from initiatives.photos import small_path
from kiosk.models import Exhibit, ExhibitStatus
from tests.kiosk.photos import picture

FORM = {
    "title": "Xe phun nước xử lý sự cố hạ áp trong hẻm nhỏ",
    "solution_type": "technical",
    "first_applied_on": "05/03/2025",
    "solution": "Xe đẩy gọn, phun nước áp lực thấp.",
    "effects": "Giảm thời gian mất điện từ 2 giờ còn 30 phút.",
    "benefit": "150.000.000",
    "scope": "company",
    "confidential": "Bản vẽ chi tiết bơm",
    "author-1-name": "Võ Thanh Tùng",
    "author-1-birth": "14/03/1985",
    "author-1-share": "60",
    "author-2-name": "Đặng Ngọc Ánh",
    "author-2-share": "40",
}


def kiosk(app, event):
    tablet = app.test_client()
    with tablet.session_transaction() as session:
        session["kiosk_event"] = event.id
    return tablet


def post(tablet, slug, form, photos=()):
    data = dict(form)
    data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return tablet.post(f"/kiosk/{slug}", data=data, content_type="multipart/form-data")


def test_a_registration_makes_a_pending_exhibit_with_authors_and_photos(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    unit = factory.unit()
    tablet = kiosk(app, event)
    # A photo taken sideways: EXIF orientation 6 means "turn it a quarter to the right".
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways = picture(2000, 1000, "JPEG", exif=exif.tobytes())
    form = FORM | {"unit": str(unit.id), "title": "Xe phun nu\u031bo\u031b\u0301c"}
    answer = post(tablet, event.slug, form, [("a.jpg", sideways), ("b.png", picture())])
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/done")
    done = tablet.get(f"/kiosk/{event.slug}/done").get_data(as_text=True)
    assert "data:image/svg+xml" in done and 'data-testid="edit-code"' in done
    # Shown once.
    assert tablet.get(f"/kiosk/{event.slug}/done").status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        exhibit = session.scalars(select(Exhibit)).one()
        initiative = exhibit.initiative
        assert exhibit.status == ExhibitStatus.PENDING and exhibit.edit_code_hash
        assert initiative.title == "Xe phun nước"  # composed (NFC)
        assert initiative.code is None and initiative.benefit_vnd == 150_000_000
        assert [(a.full_name, a.contribution_pct) for a in initiative.authors] == [
            ("Võ Thanh Tùng", Decimal(60)),
            ("Đặng Ngọc Ánh", Decimal(40)),
        ]
        assert session.scalar(select(EventInitiative).where(EventInitiative.event_id == event.id))
        folder = attachments_folder()
        sizes = []
        for attachment in session.scalars(select(Attachment).order_by(Attachment.id)):
            with Image.open(folder / attachment.path) as large:
                sizes.append(large.size)
                assert large.format == "JPEG" and not large.getexif()
            with Image.open(folder / small_path(attachment.path)) as small:
                assert max(small.size) == 480
    assert sizes == [(800, 1600), (1600, 800)]  # the sideways one turned upright


def test_each_field_is_checked_in_vietnamese_and_nothing_is_written(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    tablet = kiosk(app, event)
    form = FORM | {
        "title": "",
        "first_applied_on": "31/02/2025",
        "benefit": "nhiều",
        "author-2-share": "30",
    }
    answer = post(tablet, event.slug, form, [("virus.jpg", b"MZ not a picture")])
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Hãy nhập tên sáng kiến." in page
    assert "Hãy chọn đơn vị." in page
    assert "Không có ngày 31/02/2025 trên lịch." in page
    assert "không phải số tiền" in page
    assert "không phải ảnh JPEG, PNG hoặc WebP" in page
    assert "Đặng Ngọc Ánh" in page  # what was typed stays
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalars(select(Initiative)).all() == []


def test_the_shares_must_add_up_to_100_and_the_benefit_may_be_unknown(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    unit = factory.unit()
    tablet = kiosk(app, event)
    form = FORM | {"unit": str(unit.id), "author-2-share": "30"}
    page = post(tablet, event.slug, form).get_data(as_text=True)
    assert "cộng lại là 90%, phải đúng 100%." in page
    form = FORM | {"unit": str(unit.id), "benefit": "", "benefit_unknown": "1"}
    assert post(tablet, event.slug, form).status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalars(select(Initiative.benefit_vnd)).one() is None


def test_too_many_or_too_large_photos_are_refused(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    unit = factory.unit()
    tablet = kiosk(app, event)
    form = FORM | {"unit": str(unit.id)}
    five = [(f"{n}.png", picture(40, 30)) for n in range(5)]
    assert "Tối đa 4 ảnh." in post(tablet, event.slug, form, five).get_data(as_text=True)
    huge = [("big.png", b"\x89PNG" + bytes(8 * 1024 * 1024 + 1))]
    assert "lớn hơn 8 MB" in post(tablet, event.slug, form, huge).get_data(as_text=True)


def test_the_edit_code_opens_the_record_and_a_correction_goes_back_to_pending(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    unit = factory.unit()
    tablet = kiosk(app, event)
    post(tablet, event.slug, FORM | {"unit": str(unit.id)}, [("a.png", picture(60, 40))])
    page = tablet.get(f"/kiosk/{event.slug}/done").get_data(as_text=True)
    token = page.split('data-testid="exhibit-code">')[1].split("<")[0]
    code = page.split('data-testid="edit-code">')[1].split("<")[0]
    with factory.writing() as session:
        session.scalars(select(Exhibit)).one().status = ExhibitStatus.APPROVED
    wrong = tablet.post(f"/kiosk/{event.slug}/edit", data={"token": token, "code": "AAAA-AAAA"})
    assert wrong.status_code == 422 and "mã sửa không đúng" in wrong.get_data(as_text=True)
    opened = tablet.post(
        f"/kiosk/{event.slug}/edit", data={"token": token.lower(), "code": code.lower()}
    )
    assert opened.headers["Location"].endswith("/edit/form")
    form_page = tablet.get(f"/kiosk/{event.slug}/edit/form").get_data(as_text=True)
    assert "Võ Thanh Tùng" in form_page and "150.000.000" in form_page
    with app.app_context(), db.unit_of_work() as session:
        photo_id = session.scalars(select(Attachment.id)).one()
    data = FORM | {
        "unit": str(unit.id),
        "title": "Xe phun nước (bản sửa)",
        "remove_photo": photo_id,
    }
    data["photos"] = [(io.BytesIO(picture(50, 50)), "c.png")]
    sent = tablet.post(
        f"/kiosk/{event.slug}/edit/form", data=data, content_type="multipart/form-data"
    )
    assert sent.status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        exhibit = session.scalars(select(Exhibit)).one()
        assert exhibit.status == ExhibitStatus.PENDING
        assert exhibit.initiative.title == "Xe phun nước (bản sửa)"
        assert [a.id for a in exhibit.initiative.attachments] != [photo_id]
        assert len(exhibit.initiative.attachments) == 1


def registered(tablet, slug, form):
    """Register at the kiosk: the exhibit's code and its edit code, as the last screen shows."""
    assert post(tablet, slug, form).status_code == 302
    page = tablet.get(f"/kiosk/{slug}/done").get_data(as_text=True)
    token = page.split('data-testid="exhibit-code">')[1].split("<")[0]
    return token, page.split('data-testid="edit-code">')[1].split("<")[0]


def test_wrong_edit_codes_lock_out_only_that_exhibit_and_stay_on_the_kiosk(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["KIOSK_EDIT_LIMIT_PER_CODE"] = "2 per 15 minutes"
    event = factory.event()
    unit = factory.unit()
    tablet = kiosk(app, event)
    first, _ = registered(tablet, event.slug, FORM | {"unit": str(unit.id)})
    second, code = registered(tablet, event.slug, FORM | {"unit": str(unit.id), "title": "Khác"})
    for _ in range(2):
        wrong = tablet.post(f"/kiosk/{event.slug}/edit", data={"token": first, "code": "AAAA"})
        assert wrong.status_code == 422
    refused = tablet.post(f"/kiosk/{event.slug}/edit", data={"token": first, "code": "AAAA"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "thử quá nhiều lần" in page
    assert 'id="kiosk-config"' in page and 'href="/"' not in page  # the kiosk's frame, no way out
    opened = tablet.post(f"/kiosk/{event.slug}/edit", data={"token": second, "code": code})
    assert opened.headers["Location"].endswith("/edit/form")


def test_too_many_wrong_pins_are_refused_on_the_kiosk(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["KIOSK_PIN_LIMIT_PER_ADDRESS"] = "1 per 15 minutes"
    event = factory.event()
    tablet = kiosk(app, event)
    assert tablet.post(f"/kiosk/{event.slug}/exit", data={"pin": "1357"}).status_code == 422
    refused = tablet.post(f"/kiosk/{event.slug}/exit", data={"pin": "1357"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "thử quá nhiều lần" in page
    assert 'id="kiosk-config"' in page and 'href="/"' not in page


def test_kiosk_mode_is_opened_by_a_manager_and_left_with_the_pin(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    manager = organiser_client(event, EventRole.MANAGER)
    refused = manager.post(f"/manage/{event.slug}/kiosk/open")
    assert refused.status_code == 409
    assert manager.post(f"/manage/{event.slug}/kiosk/pin", data={"pin": "12"}).status_code == 422
    assert manager.post(f"/manage/{event.slug}/kiosk/pin", data={"pin": "2468"}).status_code == 302
    opened = manager.post(f"/manage/{event.slug}/kiosk/open")
    assert opened.headers["Location"] == f"/kiosk/{event.slug}"
    # The tablet is no longer signed in as the organiser: only the kiosk is open.
    assert manager.get(f"/manage/{event.slug}/exhibits").status_code == 302
    assert manager.get(f"/kiosk/{event.slug}").status_code == 200
    assert manager.post(f"/kiosk/{event.slug}/exit", data={"pin": "1357"}).status_code == 422
    left = manager.post(f"/kiosk/{event.slug}/exit", data={"pin": "2468"})
    assert left.headers["Location"] == "/login"
    assert manager.get(f"/kiosk/{event.slug}").status_code == 403


def test_a_registration_starts_a_draft_dossier_whose_link_shows_once(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    unit = factory.unit()
    tablet = kiosk(app, event)
    assert post(tablet, event.slug, FORM | {"unit": str(unit.id)}).status_code == 302
    done = tablet.get(f"/kiosk/{event.slug}/done").get_data(as_text=True)
    link = re.search(r'data-testid="dossier-link">[^<]*(/d/[A-Za-z0-9_-]+)<', done).group(1)
    with app.app_context(), db.unit_of_work() as session:
        dossier = session.scalars(select(Dossier)).one()
        assert (dossier.state, dossier.origin) == (DossierState.DRAFT, "kiosk")
    assert FORM["title"] in app.test_client().get(link).get_data(as_text=True)
    assert tablet.get(f"/kiosk/{event.slug}/done").status_code == 302  # shown once
