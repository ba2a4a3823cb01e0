import re

import pytest
from sqlalchemy import select

from core import db
from core.models import Organiser
from core.views import setup_code
from tests.factories import PASSWORD


def csrf(client, path="/login"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[
        1
    ]


ADMIN = {
    "name": "Hoàng Thị Lan Anh",
    "email": "Lan.Anh@EVN.vn",
    "password": "mat-khau-manh",
    "confirm": "mat-khau-manh",
}


def test_a_fresh_install_leads_the_organiser_to_the_first_run_page(client):
    for path in ("/", "/login", "/manage/"):
        response = client.get(path)
        assert (response.status_code, response.headers["Location"]) == (302, "/setup")
    assert client.get("/healthz").status_code == 200


def test_the_first_run_page_creates_the_administrator_and_signs_them_in(app, client):
    response = client.post("/setup", data=ADMIN | {"csrf_token": csrf(client, "/setup")})
    assert (response.status_code, response.headers["Location"]) == (302, "/manage/")
    assert "Hoàng Thị Lan Anh" in client.get("/manage/").get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        (admin,) = session.scalars(select(Organiser)).all()
    assert (admin.email, admin.is_admin) == ("lan.anh@evn.vn", True)
    assert "mat-khau-manh" not in admin.password_hash
    assert client.get("/setup").headers["Location"] == "/login"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "Hãy nhập họ và tên."),
        ({"email": "khong-phai-email"}, "Hãy nhập một địa chỉ email hợp lệ."),
        ({"password": "ngan", "confirm": "ngan"}, "Mật khẩu cần ít nhất 8 ký tự."),
        ({"confirm": "mat-khau-khac"}, "Hai lần nhập mật khẩu không khớp."),
    ],
)
def test_the_first_run_page_explains_each_mistake_and_creates_nobody(app, client, change, field):
    response = client.post("/setup", data=ADMIN | change | {"csrf_token": csrf(client, "/setup")})
    assert response.status_code == 422
    assert field in response.get_data(as_text=True)
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(Organiser.id)) is None


def test_from_another_computer_the_first_run_needs_the_code_the_server_printed(app, client):
    elsewhere = {"REMOTE_ADDR": "192.168.1.50"}
    page = client.get("/setup", environ_overrides=elsewhere).get_data(as_text=True)
    assert 'name="code"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    wrong = client.post(
        "/setup",
        data=ADMIN | {"code": "AAAA-BBBB", "csrf_token": token},
        environ_overrides=elsewhere,
    )
    assert wrong.status_code == 422
    assert "Mã cài đặt không đúng" in wrong.get_data(as_text=True)
    right = client.post(
        "/setup",
        data=ADMIN | {"code": setup_code(app).lower(), "csrf_token": token},
        environ_overrides=elsewhere,
    )
    assert right.status_code == 302


def test_a_proxied_request_is_not_taken_for_the_laptop_itself(client):
    page = client.get("/setup", headers={"X-Forwarded-For": "10.0.0.9"}).get_data(as_text=True)
    assert 'name="code"' in page


def test_an_organiser_logs_in_to_their_events(client, factory):
    admin = factory.organiser(admin=True)
    response = client.post(
        "/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf(client)}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/manage/")


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, factory):
    admin = factory.organiser(admin=True)
    answers = [
        client.post("/login", data=credentials | {"csrf_token": csrf(client)})
        for credentials in (
            {"email": admin.email, "password": "sai-mat-khau"},
            {"email": "khong-co@evn.vn", "password": PASSWORD},
        )
    ]
    assert [answer.status_code for answer in answers] == [401, 401]
    assert all("Email hoặc mật khẩu không đúng." in a.get_data(as_text=True) for a in answers)
