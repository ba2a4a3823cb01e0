import re
import time

import limits.storage.memory
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


@pytest.fixture
def clock(monkeypatch):
    """The clock of the limiter's memory storage, to let a window pass without waiting."""

    class Clock:
        offset = 0.0

        def time(self):
            return time.time() + self.offset

    moved = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", moved)
    return moved


def log_in(client, email, password=PASSWORD, address="10.0.0.5", **headers):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_overrides={"REMOTE_ADDR": address},
        headers=headers,
    )


@pytest.fixture
def limited(app, factory):
    """Three attempts per address and five per account; an organiser to guess at."""
    app.config.update(
        WTF_CSRF_ENABLED=False,
        LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes",
        LOGIN_LIMIT_PER_ACCOUNT="5 per hour",
    )
    return factory.organiser(admin=True)


def test_after_too_many_attempts_from_an_address_even_the_right_password_waits(client, limited):
    for _attempt in range(3):
        assert log_in(client, limited.email, "sai-mat-khau").status_code == 401
    refused = log_in(client, limited.email)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    page = refused.get_data(as_text=True)
    assert "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 15 phút." in page
    assert 'name="password"' in page  # the login form as usual
    assert client.get("/manage/").status_code == 302


def test_another_address_is_not_held_up_by_one_that_guesses(client, limited):
    for _attempt in range(4):
        log_in(client, "khong-co@evn.vn", "sai-mat-khau", address="10.0.0.66")
    assert log_in(client, limited.email, address="10.0.0.7").status_code == 302


def test_guesses_at_one_account_from_many_addresses_are_counted_together(client, limited):
    for address in range(1, 6):
        wrong = log_in(client, limited.email, "sai-mat-khau", address=f"10.0.1.{address}")
        assert wrong.status_code == 401
    assert log_in(client, limited.email, address="10.0.1.9").status_code == 429
    # The laptop that runs the day is not locked out by strangers' guesses.
    assert log_in(client, limited.email, address="127.0.0.1").status_code == 302


def test_a_forwarded_for_header_is_no_new_address_without_a_proxy(client, limited):
    for attempt in range(3):
        forged = {"X-Forwarded-For": f"172.16.0.{attempt}"}
        assert log_in(client, limited.email, "sai-mat-khau", **forged).status_code == 401
    assert log_in(client, limited.email, **{"X-Forwarded-For": "172.16.9.9"}).status_code == 429


def test_once_the_window_has_passed_the_right_password_works(client, limited, clock):
    for _attempt in range(3):
        log_in(client, limited.email, "sai-mat-khau")
    assert log_in(client, limited.email).status_code == 429
    clock.offset = 15 * 60 + 1
    assert log_in(client, limited.email).status_code == 302


def test_guesses_at_the_setup_code_from_another_computer_are_limited(app, client):
    app.config.update(WTF_CSRF_ENABLED=False, SETUP_LIMIT_PER_ADDRESS="3 per 15 minutes")
    elsewhere = {"REMOTE_ADDR": "192.168.1.50"}
    for guess in ("AAAA-BBBB", "CCCC-DDDD", "EEEE-FFFF"):
        wrong = client.post("/setup", data=ADMIN | {"code": guess}, environ_overrides=elsewhere)
        assert wrong.status_code == 422
    right = client.post(
        "/setup", data=ADMIN | {"code": setup_code(app)}, environ_overrides=elsewhere
    )
    assert right.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in right.get_data(as_text=True)
    assert "Retry-After" in right.headers
    assert client.post("/setup", data=ADMIN).status_code == 302  # on the laptop, no code


def signed_in(app, organiser, **environ):
    """A new browser that logged in as ``organiser`` with the form."""
    browser = app.test_client()
    answer = browser.post(
        "/login",
        data={"email": organiser.email, "password": PASSWORD, "csrf_token": csrf(browser)},
        environ_overrides=environ,
    )
    assert answer.status_code == 302
    return browser


def copy_of(app, browser, *names):
    """Another browser holding copies of ``browser``'s cookies ``names``."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, browser.get_cookie(name).value)
    return thief


def can_manage(browser):
    return browser.get("/manage/").status_code == 200


def test_logout_ends_every_session_of_the_account_in_every_browser(app, factory):
    organiser = factory.organiser(admin=True)
    laptop = signed_in(app, organiser)
    phone = signed_in(app, organiser)
    session_copy = copy_of(app, laptop, "session")
    remember_copy = copy_of(app, laptop, "remember_token")
    assert all(map(can_manage, (laptop, phone, session_copy, remember_copy)))
    laptop.post("/logout", data={"csrf_token": csrf(laptop, "/manage/")})
    assert not any(map(can_manage, (laptop, phone, session_copy, remember_copy)))
    assert can_manage(signed_in(app, organiser))
