from sqlalchemy import func, select

from core import db
from core.models import Exhibit, Visit
from kiosk import qr


def first_exhibit(app):
    with app.app_context(), db.new_session(write=False) as session:
        exhibit = session.scalars(select(Exhibit).order_by(Exhibit.booth)).first()
        return exhibit.qr_token, exhibit.initiative.title


def visits(app):
    with app.app_context(), db.new_session(write=False) as session:
        return session.execute(select(Visit.via_qr, func.count()).group_by(Visit.via_qr)).all()


def test_the_visitor_page_shows_the_initiative_and_counts_the_visit(app, client, demo):
    token, title = first_exhibit(app)
    page = client.get(f"/E/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert title in html
    assert "1.200.000.000\u00a0₫/năm" in html
    assert "Nguyễn Văn Hùng" in html and "60%" in html
    assert len(page.data) < 16_000
    client.get(f"/e/{token.lower()}")
    assert sorted(visits(app)) == [(False, 1), (True, 1)]


def test_an_unknown_benefit_is_not_zero(app, client, demo):
    with app.app_context(), db.new_session(write=False) as session:
        exhibit = session.scalars(
            select(Exhibit).join(Exhibit.initiative).where(Exhibit.initiative.has(benefit_vnd=None))
        ).first()
        token = exhibit.qr_token
    html = client.get(f"/e/{token}").get_data(as_text=True)
    assert "Chưa lượng hóa được bằng tiền" in html


def test_confidential_information_is_never_public(app, client, demo):
    from core.models import Initiative

    token, _ = first_exhibit(app)
    with app.app_context(), db.new_session(write=True) as session:
        exhibit = session.scalar(select(Exhibit).where(Exhibit.qr_token == token))
        session.get(Initiative, exhibit.initiative_id).confidential = "Bản vẽ chi tiết mật"
        session.commit()
    assert "Bản vẽ chi tiết mật" not in client.get(f"/e/{token}").get_data(as_text=True)


def test_an_unknown_exhibit_is_a_404_page(client, demo):
    response = client.get("/e/KHONGCO")
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_qr_codes_come_as_png_and_svg(app, client, demo):
    token, _ = first_exhibit(app)
    png = client.get(f"/e/{token}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG")
    svg = client.get(f"/e/{token}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data


def test_the_qr_url_is_upper_case_on_the_public_address_never_localhost():
    assert qr.qr_text("http://192.168.1.20:8000", "ab12cd34") == (
        "HTTP://192.168.1.20:8000/E/AB12CD34"
    )
    code = qr._code(qr.qr_text("http://192.168.1.20:8000", "AB12CD34"))
    assert code.data_list[0].mode == 2  # alphanumeric: the smallest code for a URL
    assert code.border == 4
    assert code.error_correction == qr.qrcode.constants.ERROR_CORRECT_Q


def test_a_qr_asked_for_on_localhost_points_at_the_lan_address(app, client, demo, monkeypatch):
    import core.links

    monkeypatch.setattr(core.links, "lan_address", lambda: "192.168.50.7")
    _token, _ = first_exhibit(app)
    with app.test_request_context("http://localhost:8000/"):
        assert core.links.public_url() == "http://192.168.50.7:8000"
    with app.test_request_context("http://192.168.50.7:8000/"):
        assert core.links.public_url() == "http://192.168.50.7:8000"
    app.config["PUBLIC_URL"] = "http://sangtao.lan"
    with app.test_request_context("http://localhost:8000/"):
        assert core.links.public_url() == "http://sangtao.lan"


def test_the_exhibit_list_is_for_organisers(client, demo):
    response = client.get(f"/events/{demo.event.slug}/exhibits")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_links_inside_the_app_do_not_count_as_scans(app, client, demo):
    from flask import url_for

    token, _ = first_exhibit(app)
    with app.test_request_context():
        assert url_for("kiosk.exhibit", token=token) == f"/e/{token}"
        assert url_for("kiosk.scan", token=token) == f"/E/{token}"


def test_a_path_prefix_keeps_its_case_in_the_qr_url():
    assert qr.qr_text("https://evn.example/SangTao", "ab12cd34") == (
        "HTTPS://EVN.EXAMPLE/SangTao/E/AB12CD34"
    )
