"""The organiser approves a kiosk registration at a booth or rejects it with a reason; both are
audited, and only an approved exhibit is public."""

from sqlalchemy import select

from core import db
from core.models import AuditLog, EventRole
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
