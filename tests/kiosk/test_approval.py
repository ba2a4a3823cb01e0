"""The organiser approves a kiosk registration at a booth or rejects it with a reason; both are
audited, and only an approved exhibit is public."""

import io

from sqlalchemy import select

from core import db
from core.models import AuditLog, EventRole
from initiatives import dossiers
from initiatives.models import KIOSK_ORIGIN
from kiosk.models import Exhibit, ExhibitStatus


def pending(factory, event, **overrides):
    exhibit = factory.exhibit(event, confidential="Sơ đồ mạch điều khiển", **overrides)
    with factory.writing() as session:
        found = session.get(Exhibit, exhibit.id)
        found.status, found.booth = ExhibitStatus.PENDING, ""
    return exhibit


def test_a_pending_registration_is_listed_with_its_details(app, factory, organiser_client):
    event = factory.event()
    exhibit = pending(factory, event)
    page = organiser_client(event, EventRole.VIEWER).get(f"/manage/{event.slug}/exhibits")
    html = page.get_data(as_text=True)
    assert "Đăng ký chờ duyệt" in html and exhibit.initiative_id
    assert "Nguyễn Văn Hùng (60%)" in html and "Sơ đồ mạch điều khiển" in html
    assert f"/exhibits/{exhibit.id}/approve" not in html  # a viewer only looks
    assert app.test_client().get(f"/e/{exhibit.qr_token}").status_code == 404


def test_approving_at_a_booth_makes_it_public_and_is_audited(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    factory.exhibit(event)  # approved at A01
    exhibit = pending(factory, event, title="Robot sửa dây chống sét")
    manager = organiser_client(event, EventRole.MANAGER)
    url = f"/manage/{event.slug}/exhibits/{exhibit.id}/approve"
    assert "Hãy nhập số gian" in manager.post(url, data={"booth": " "}).get_data(as_text=True)
    taken = manager.post(url, data={"booth": "A01"})
    assert taken.status_code == 422 and "Gian A01 đã có" in taken.get_data(as_text=True)
    assert manager.post(url, data={"booth": "B07"}).status_code == 302
    assert app.test_client().get(f"/e/{exhibit.qr_token}").status_code == 200
    with app.app_context(), db.unit_of_work() as session:
        found = session.get(Exhibit, exhibit.id)
        assert (found.status, found.booth) == (ExhibitStatus.APPROVED, "B07")
        log = session.scalars(select(AuditLog).where(AuditLog.action == "exhibit.approved")).one()
        assert log.after == {"status": "approved", "booth": "B07"}


def test_rejecting_needs_a_reason_and_keeps_it_private(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    exhibit = pending(factory, event)
    manager = organiser_client(event, EventRole.MANAGER)
    url = f"/manage/{event.slug}/exhibits/{exhibit.id}/reject"
    assert manager.post(url, data={"reason": ""}).status_code == 422
    assert manager.post(url, data={"reason": "Trùng với sản phẩm gian A01"}).status_code == 302
    assert app.test_client().get(f"/e/{exhibit.qr_token}").status_code == 404
    html = manager.get(f"/manage/{event.slug}/exhibits").get_data(as_text=True)
    assert "Trùng với sản phẩm gian A01" in html
    with app.app_context(), db.unit_of_work() as session:
        log = session.scalars(select(AuditLog).where(AuditLog.action == "exhibit.rejected")).one()
        assert log.reason == "Trùng với sản phẩm gian A01"


def test_a_viewer_cannot_approve(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    exhibit = pending(factory, event)
    viewer = organiser_client(event, EventRole.VIEWER)
    url = f"/manage/{event.slug}/exhibits/{exhibit.id}/approve"
    assert viewer.post(url, data={"booth": "B01"}).status_code == 403


def worker_link(factory, exhibit):
    """The exhibit's draft dossier, as a kiosk registration opens it; its id and link's token."""
    token, digest = dossiers.new_link()
    with factory.writing() as session:
        initiative = session.get(Exhibit, exhibit.id).initiative
        made = dossiers.open_dossier(session, initiative, "kiosk", digest, origin=KIOSK_ORIGIN)
        return made.id, token


CORRECTION = {
    "title": "Nội dung chưa được Ban Tổ chức duyệt",
    "solution_type": "technical",
    "author-1-name": "Nguyễn Văn Hùng",
    "author-1-share": "100",
}


def exhibit_now(app, exhibit_id):
    with app.app_context(), db.unit_of_work() as session:
        found = session.get(Exhibit, exhibit_id)
        return found.status, found.booth


def test_a_workers_correction_through_the_link_sends_the_exhibit_back_to_pending(
    app, factory, organiser_client
):
    """The exhibitor's own correction at the kiosk does it; the dossier's personal link, which a
    kiosk registration gives too, did not: the new title went public unapproved."""
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    exhibit = factory.exhibit(event)  # approved at A01
    dossier_id, token = worker_link(factory, exhibit)
    stranger = app.test_client()
    record = f"/library/{exhibit.initiative_id}"
    assert stranger.get(f"/e/{exhibit.qr_token}").status_code == 200
    assert stranger.get(record).status_code == 200
    unit_id = str(exhibit.initiative.unit_id)
    corrected = stranger.post(f"/d/{token}/{dossier_id}", data=CORRECTION | {"unit": unit_id})
    assert corrected.status_code == 302
    assert exhibit_now(app, exhibit.id) == (ExhibitStatus.PENDING, "A01")
    assert stranger.get(f"/e/{exhibit.qr_token}").status_code == 404
    assert stranger.get(record).status_code == 404
    html = organiser_client(event, EventRole.VIEWER).get(f"/manage/{event.slug}/exhibits")
    assert CORRECTION["title"] in html.get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        log = session.scalars(
            select(AuditLog).where(AuditLog.action == "exhibit.changed_by_worker")
        ).one()
        assert (log.actor, log.subject, log.event_id) == (
            "worker",
            f"exhibit:{exhibit.id}",
            event.id,
        )
        assert log.before == {"status": "approved"}
        assert log.after == {"status": "pending", "change": "corrected", "dossier": dossier_id}


def test_a_workers_new_files_send_the_exhibit_back_and_a_rejection_stays(app, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    event = factory.event()
    approved = factory.exhibit(event)
    rejected = factory.exhibit(event, title="Xe phun nước xử lý sự cố hạ thế trong hẻm")
    with factory.writing() as session:
        found = session.get(Exhibit, rejected.id)
        found.status, found.rejected_reason = ExhibitStatus.REJECTED, "Trùng gian A01"
    client = app.test_client()
    for exhibit in (approved, rejected):
        dossier_id, token = worker_link(factory, exhibit)
        sent = client.post(
            f"/d/{token}/{dossier_id}/files",
            data={"files": (io.BytesIO(b"%PDF-1.4 ban ve"), "bản vẽ.pdf")},
            content_type="multipart/form-data",
        )
        assert sent.status_code == 302
    assert exhibit_now(app, approved.id) == (ExhibitStatus.PENDING, "A01")
    assert exhibit_now(app, rejected.id)[0] == ExhibitStatus.REJECTED
    with app.app_context(), db.unit_of_work() as session:
        logs = session.scalars(
            select(AuditLog).where(AuditLog.action == "exhibit.changed_by_worker")
        ).all()
        assert [(log.subject, log.after["change"]) for log in logs] == [
            (f"exhibit:{approved.id}", "files")
        ]
