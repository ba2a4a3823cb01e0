import sqlite3

from sqlalchemy import func, select

from core import db, qr
from core.models import Event
from kiosk.models import Visit
from kiosk.qr import qr_text
from kiosk.visits import EXTENSION

PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 13; SM-A145F) Mobile Safari/537.36"}


def visits(app):
    """The visits written so far, once those still counted in memory are written."""
    app.extensions[EXTENSION].flush()
    with app.app_context(), db.unit_of_work() as session:
        return session.execute(select(Visit.via_qr, func.count()).group_by(Visit.via_qr)).all()


def test_the_visitor_page_shows_the_initiative_and_counts_the_visit(app, client, factory):
    exhibit = factory.exhibit(factory.event())
    page = client.get(f"/E/{exhibit.qr_token}", headers=PHONE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ứng dụng AI phát hiện nguy cơ mất an toàn lưới điện" in html
    assert "1.200.000.000\u00a0₫/năm" in html
    assert "Nguyễn Văn Hùng" in html and "60%" in html
    assert len(page.data) < 16_000
    client.get(f"/e/{exhibit.qr_token.lower()}", headers=PHONE)
    assert sorted(visits(app)) == [(False, 1), (True, 1)]


def test_a_phone_reloading_the_page_counts_once_and_robots_never(app, client, factory):
    exhibit = factory.exhibit(factory.event())
    for _ in range(5):
        client.get(f"/E/{exhibit.qr_token}", headers=PHONE)
    client.head(f"/E/{exhibit.qr_token}", headers=PHONE)
    for robot in ("facebookexternalhit/1.1", "Googlebot/2.1", "curl/8.5.0", ""):
        assert (
            client.get(f"/E/{exhibit.qr_token}", headers={"User-Agent": robot}).status_code == 200
        )
    # Another phone of the same model, on the venue's Wi-Fi behind the same address: a device.
    app.test_client().get(f"/E/{exhibit.qr_token}", headers=PHONE)
    assert visits(app) == [(True, 2)]


def test_a_visit_writes_nothing_while_the_page_is_served(app, client, factory):
    """The visitor's page only reads: a write held elsewhere (a judge's sheet) does not hold up
    a flood of phones, and the phones add no write for the judges to wait behind."""
    exhibit = factory.exhibit(factory.event())
    holder = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert client.get(f"/E/{exhibit.qr_token}", headers=PHONE).status_code == 200
    finally:
        holder.rollback()
        holder.close()
    assert visits(app) == [(True, 1)]


def test_an_unknown_benefit_is_not_zero(client, factory):
    exhibit = factory.exhibit(factory.event(), benefit_vnd=None)
    html = client.get(f"/e/{exhibit.qr_token}").get_data(as_text=True)
    assert "Chưa lượng hóa được bằng tiền" in html


def test_confidential_information_is_never_public(client, factory):
    exhibit = factory.exhibit(factory.event(), confidential="Bản vẽ chi tiết mật")
    page = client.get(f"/e/{exhibit.qr_token}").get_data(as_text=True)
    assert "Bản vẽ chi tiết mật" not in page
    assert "Ứng dụng AI" in page


def test_an_unknown_exhibit_is_a_404_page(client):
    response = client.get("/e/KHONGCO")
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_qr_codes_come_as_png_and_svg(client, factory):
    token = factory.exhibit(factory.event()).qr_token
    png = client.get(f"/e/{token}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG")
    svg = client.get(f"/e/{token}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data


def test_the_qr_url_is_upper_case_on_the_public_address_never_localhost():
    assert qr_text("http://192.168.1.20:8000", "ab12cd34") == (
        "HTTP://192.168.1.20:8000/E/AB12CD34"
    )
    code = qr._code(qr_text("http://192.168.1.20:8000", "AB12CD34"))
    assert code.data_list[0].mode == 2  # alphanumeric: the smallest code for a URL
    assert code.border == 4
    assert code.error_correction == qr.qrcode.constants.ERROR_CORRECT_Q


def test_a_path_prefix_keeps_its_case_in_the_qr_url():
    assert qr_text("https://evn.example/SangTao", "ab12cd34") == (
        "HTTPS://EVN.EXAMPLE/SangTao/E/AB12CD34"
    )


def test_links_inside_the_app_do_not_count_as_scans(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("kiosk.exhibit", token="AB12CD34") == "/e/AB12CD34"
        assert url_for("kiosk.scan", token="AB12CD34") == "/E/AB12CD34"


def test_a_visit_changes_no_screen(app, client, factory):
    """Visits are counted, never pushed: one push per scan would flood the screens."""
    event = factory.event()
    exhibit = factory.exhibit(event)
    before = live_version(app, event.id)
    client.get(f"/E/{exhibit.qr_token}", headers=PHONE)
    visits(app)
    assert live_version(app, event.id) == before


def live_version(app, event_id):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(select(Event.live_version).where(Event.id == event_id))
