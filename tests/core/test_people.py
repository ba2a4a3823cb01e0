"""The people of an event (its Ban Tổ chức) and the organisers' accounts (core/people.py)."""

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from core import db
from core.errors import Conflict
from core.models import AuditLog, EventMember, EventRole, Organiser
from core.people import set_admin
from tests.core.test_views import copy_of, signed_in
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def no_csrf(app):
    """The forms carry their token (the browser test sends them); here the rules are tested."""
    app.config["WTF_CSRF_ENABLED"] = False


def as_client(app, organiser):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = organiser.get_id()
    return browser


def roles(app, event):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.execute(
            select(Organiser.email, EventMember.role)
            .join(EventMember, EventMember.organiser_id == Organiser.id)
            .where(EventMember.event_id == event.id)
        )
        return {email: role for email, role in rows}


def member_id(app, event, organiser):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(
            select(EventMember.id).where(
                EventMember.event_id == event.id, EventMember.organiser_id == organiser.id
            )
        )


def audit(app, action):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == action))
        return [(row.actor, row.subject, row.before, row.after, row.event_id) for row in rows]


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def event(factory):
    return factory.event(name="Ngày hội Lao động sáng tạo EVNCPC")


@pytest.fixture
def owner(factory, event):
    return factory.organiser(event=event, role=EventRole.OWNER)


# --- The event's people -------------------------------------------------------------------------


def test_an_owner_adds_an_organiser_by_email_with_a_role(app, factory, event, owner):
    colleague = factory.organiser()
    browser = as_client(app, owner)
    page = browser.get(f"/manage/{event.slug}/people")
    assert page.status_code == 200 and "Thêm vào Ban Tổ chức" in text(page)
    answer = browser.post(
        f"/manage/{event.slug}/people/add",
        data={"email": f"  {colleague.email.upper()} ", "role": "manager"},
    )
    assert answer.status_code == 302
    assert roles(app, event)[colleague.email] == EventRole.MANAGER
    listed = text(browser.get(answer.headers["Location"]))
    assert "Đã thêm Hoàng Thị Lan Anh vào Ban Tổ chức với vai trò Điều hành." in listed
    assert colleague.email in listed
    assert audit(app, "member.added") == [
        (
            f"organiser:{owner.id}",
            f"organiser:{colleague.id}",
            None,
            {"email": colleague.email, "role": "manager"},
            event.id,
        )
    ]


def test_an_email_without_an_account_says_who_can_make_one(app, factory, event, owner):
    data = {"email": "chua.co@evn.vn", "role": "viewer"}
    answer = as_client(app, owner).post(f"/manage/{event.slug}/people/add", data=data)
    assert answer.status_code == 422
    assert "Chưa có tài khoản nào với email chua.co@evn.vn." in text(answer)
    assert "Hãy nhờ quản trị viên hệ thống tạo tài khoản cho email này" in text(answer)
    admin = as_client(app, factory.organiser(admin=True))
    offered = text(admin.post(f"/manage/{event.slug}/people/add", data=data))
    link = re.search(r'href="(/manage/organisers/new\?[^"]+)"', offered)[1].replace("&amp;", "&")
    form = text(admin.get(link))
    assert 'value="chua.co@evn.vn"' in form and f'value="{event.slug}"' in form
    assert roles(app, event) == {owner.email: EventRole.OWNER}


@pytest.mark.parametrize("typed", ["", "   ", "khong-phai-email"])
def test_adding_without_an_email_asks_for_one_and_offers_no_account(app, factory, event, typed):
    admin = as_client(app, factory.organiser(admin=True, event=event, role=EventRole.OWNER))
    answer = admin.post(f"/manage/{event.slug}/people/add", data={"email": typed, "role": "viewer"})
    assert answer.status_code == 422
    assert "Hãy nhập một địa chỉ email hợp lệ." in text(answer)
    assert "Chưa có tài khoản" not in text(answer) and "/manage/organisers/new" not in text(answer)


def test_adding_someone_already_in_the_event_changes_nothing(app, factory, event, owner):
    viewer = factory.organiser(event=event, role=EventRole.VIEWER)
    answer = as_client(app, owner).post(
        f"/manage/{event.slug}/people/add", data={"email": viewer.email, "role": "owner"}
    )
    assert answer.status_code == 409
    assert "đã ở trong Ban Tổ chức của sự kiện, với vai trò Theo dõi" in text(answer)
    assert roles(app, event)[viewer.email] == EventRole.VIEWER
    assert audit(app, "member.added") == []


def test_a_role_must_be_chosen(app, factory, event, owner):
    colleague = factory.organiser()
    answer = as_client(app, owner).post(
        f"/manage/{event.slug}/people/add", data={"email": colleague.email, "role": "boss"}
    )
    assert answer.status_code == 422 and "Hãy chọn một vai trò." in text(answer)
    assert colleague.email not in roles(app, event)


def test_an_owner_changes_a_role_and_takes_someone_off(app, factory, event, owner):
    viewer = factory.organiser(event=event, role=EventRole.VIEWER)
    browser = as_client(app, owner)
    member = member_id(app, event, viewer)
    changed = browser.post(f"/manage/{event.slug}/people/{member}/role", data={"role": "manager"})
    assert changed.status_code == 302
    assert roles(app, event)[viewer.email] == EventRole.MANAGER
    removed = browser.post(f"/manage/{event.slug}/people/{member}/remove")
    assert removed.status_code == 302
    assert viewer.email not in roles(app, event)
    assert [row[2:] for row in audit(app, "member.role_changed")] == [
        ({"role": "viewer"}, {"role": "manager"}, event.id)
    ]
    assert [row[2:] for row in audit(app, "member.removed")] == [
        ({"email": viewer.email, "role": "manager"}, None, event.id)
    ]
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Organiser, viewer.id) is not None  # the account stays


def test_the_last_owner_can_be_neither_demoted_nor_removed(app, factory, event, owner):
    browser = as_client(app, owner)
    member = member_id(app, event, owner)
    for action, data in (("role", {"role": "viewer"}), ("remove", {})):
        answer = browser.post(f"/manage/{event.slug}/people/{member}/{action}", data=data)
        assert answer.status_code == 409
        assert "Sự kiện cần ít nhất một người Phụ trách sự kiện." in text(answer)
    assert roles(app, event) == {owner.email: EventRole.OWNER}
    second = factory.organiser(event=event, role=EventRole.OWNER)
    answer = browser.post(f"/manage/{event.slug}/people/{member}/role", data={"role": "viewer"})
    assert answer.status_code == 302
    assert roles(app, event) == {owner.email: EventRole.VIEWER, second.email: EventRole.OWNER}


def test_another_events_member_is_not_found_here(app, factory, event, owner):
    other = factory.event()
    stranger = factory.organiser(event=other, role=EventRole.VIEWER)
    member = member_id(app, other, stranger)
    browser = as_client(app, owner)
    for action in ("role", "remove"):
        answer = browser.post(f"/manage/{event.slug}/people/{member}/{action}", data={})
        assert answer.status_code == 404
    assert browser.post(f"/manage/{event.slug}/people/{2**40}/remove").status_code == 404
    assert roles(app, other) == {stranger.email: EventRole.VIEWER}


@pytest.mark.parametrize("role", [EventRole.VIEWER, EventRole.MANAGER])
def test_viewers_and_managers_read_the_list_and_change_nothing(
    app, factory, event, owner, organiser_client, role
):
    browser = organiser_client(event, role)
    page = browser.get(f"/manage/{event.slug}/people")
    assert page.status_code == 200
    assert owner.email in text(page) and "Phụ trách sự kiện" in text(page)
    assert "Thêm vào Ban Tổ chức" not in text(page) and "Đổi vai trò" not in text(page)
    assert "Bạn chỉ xem được danh sách này." in text(page)
    colleague = factory.organiser()
    member = member_id(app, event, owner)
    for path, data in (
        ("add", {"email": colleague.email, "role": "owner"}),
        (f"{member}/role", {"role": "viewer"}),
        (f"{member}/remove", {}),
    ):
        assert browser.post(f"/manage/{event.slug}/people/{path}", data=data).status_code == 403
    assert roles(app, event)[owner.email] == EventRole.OWNER
    assert colleague.email not in roles(app, event)


def test_a_stranger_to_the_event_is_refused(factory, event, owner, organiser_client):
    stranger = organiser_client(factory.event(), EventRole.OWNER)
    assert stranger.get(f"/manage/{event.slug}/people").status_code == 403


def test_the_menu_lists_the_page_for_every_role(event, owner, organiser_client):
    page = text(organiser_client(event, EventRole.VIEWER).get(f"/manage/{event.slug}/"))
    assert f'href="/manage/{event.slug}/people"' in page


# --- Accounts -----------------------------------------------------------------------------------


def test_only_administrators_open_the_accounts(app, client, factory, event, organiser_client):
    assert organiser_client(event, EventRole.OWNER).get("/manage/organisers").status_code == 403
    owner = organiser_client(event, EventRole.OWNER)
    assert owner.post("/manage/organisers/new", data={}).status_code == 403
    factory.organiser(admin=True)
    assert client.get("/manage/organisers").headers["Location"].startswith("/login?next=")
    admin = organiser_client(admin=True)
    page = admin.get("/manage/organisers")
    assert page.status_code == 200 and "Tài khoản Ban Tổ chức" in text(page)


def test_the_administrator_creates_an_account_whose_password_is_shown_once(app, factory):
    admin = factory.organiser(admin=True)
    browser = as_client(app, admin)
    answer = browser.post(
        "/manage/organisers/new",
        data={"name": "Trần Thị Thu Hà", "email": "Thu.Ha@EVN.vn", "password": ""},
    )
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    password = re.search(r'data-testid="new-password">([^<]+)<', text(answer))[1]
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    assert password not in text(browser.get("/manage/organisers"))
    newcomer = app.test_client()
    login = newcomer.post("/login", data={"email": "thu.ha@evn.vn", "password": password})
    assert login.status_code == 302
    [(actor, subject, before, after, event_id)] = audit(app, "organiser.created")
    assert actor == f"organiser:{admin.id}" and subject.startswith("organiser:")
    assert before is None and event_id is None
    assert after == {"name": "Trần Thị Thu Hà", "email": "thu.ha@evn.vn", "admin": False}


def test_an_account_made_from_an_events_page_joins_the_event(app, factory, event, owner):
    admin = as_client(app, factory.organiser(admin=True))
    data = {"name": "Lê Minh Tuấn", "email": "tuan@evn.vn", "password": "mat-khau-cua-tuan"}
    answer = admin.post(
        "/manage/organisers/new", data=data | {"event": event.slug, "role": "viewer"}
    )
    assert answer.status_code == 200
    assert "mat-khau-cua-tuan" in text(answer)
    assert f'href="/manage/{event.slug}/people"' in text(answer)
    assert roles(app, event)["tuan@evn.vn"] == EventRole.VIEWER
    unknown = admin.post(
        "/manage/organisers/new", data=data | {"event": "khong-co", "role": "viewer"}
    )
    assert unknown.status_code == 404


def test_a_new_account_needs_a_name_an_email_and_a_long_enough_password(app, factory):
    admin = as_client(app, factory.organiser(admin=True))
    answer = admin.post(
        "/manage/organisers/new", data={"name": " ", "email": "x", "password": "123"}
    )
    assert answer.status_code == 422
    page = text(answer)
    assert "Hãy nhập họ và tên." in page
    assert "Hãy nhập một địa chỉ email hợp lệ." in page
    assert "Mật khẩu cần ít nhất 8 ký tự." in page
    assert audit(app, "organiser.created") == []


def test_an_email_with_an_account_keeps_its_password(app, factory):
    existing = factory.organiser()
    admin = as_client(app, factory.organiser(admin=True))
    data = {"name": "Ai đó", "email": existing.email, "password": "mat-khau-khac-han"}
    answer = admin.post("/manage/organisers/new", data=data)
    assert answer.status_code == 422
    assert f"Đã có tài khoản với email {existing.email}." in text(answer)
    signed_in(app, existing)  # the old password still works


def test_a_password_reset_ends_the_accounts_sessions(app, factory):
    admin = as_client(app, factory.organiser(admin=True))
    organiser = factory.organiser()
    browser = signed_in(app, organiser)
    stolen = copy_of(app, browser, "session")
    remembered = copy_of(app, browser, "remember_token")
    assert stolen.get("/manage/").status_code == 200
    answer = admin.post(f"/manage/organisers/{organiser.id}/password", data={"password": ""})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    password = re.search(r'data-testid="new-password">([^<]+)<', text(answer))[1]
    for stale in (browser, stolen, remembered):
        assert stale.get("/manage/").status_code == 302
    assert (
        app.test_client()
        .post("/login", data={"email": organiser.email, "password": PASSWORD})
        .status_code
        == 401
    )
    assert (
        app.test_client()
        .post("/login", data={"email": organiser.email, "password": password})
        .status_code
        == 302
    )
    assert len(audit(app, "organiser.password_reset")) == 1


def test_a_typed_reset_password_must_be_long_enough_and_not_ones_own(app, factory):
    me = factory.organiser(admin=True)
    admin = as_client(app, me)
    other = factory.organiser()
    short = admin.post(f"/manage/organisers/{other.id}/password", data={"password": "ngan"})
    assert short.status_code == 422 and "Mật khẩu cần ít nhất 8 ký tự." in text(short)
    own = admin.post(f"/manage/organisers/{me.id}/password", data={"password": ""})
    assert own.status_code == 409 and "Tài khoản của tôi" in text(own)
    assert admin.post(f"/manage/organisers/{2**40}/password").status_code == 404
    assert audit(app, "organiser.password_reset") == []


def test_the_administrator_grants_and_takes_back_administrator_rights(app, factory):
    me = factory.organiser(admin=True)
    admin = as_client(app, me)
    other = factory.organiser()
    granted = admin.post(f"/manage/organisers/{other.id}/admin", data={"admin": "1"})
    assert granted.status_code == 302
    assert as_client(app, other).get("/manage/organisers").status_code == 200
    revoked = admin.post(f"/manage/organisers/{other.id}/admin", data={"admin": "0"})
    assert revoked.status_code == 302
    assert as_client(app, other).get("/manage/organisers").status_code == 403
    assert [row[2:4] for row in audit(app, "organiser.admin_granted")] == [
        ({"admin": False}, {"admin": True})
    ]
    assert len(audit(app, "organiser.admin_revoked")) == 1


def test_nobody_changes_their_own_administrator_rights(app, factory):
    me = factory.organiser(admin=True)
    answer = as_client(app, me).post(f"/manage/organisers/{me.id}/admin", data={"admin": "0"})
    assert answer.status_code == 409
    assert "Bạn không thể tự thay đổi quyền quản trị của mình" in text(answer)
    assert as_client(app, me).get("/manage/organisers").status_code == 200


def test_the_last_administrator_keeps_the_rights(app, factory):
    only = factory.organiser(admin=True)
    other = factory.organiser()
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        actor = session.get(Organiser, other.id)
        with pytest.raises(Conflict) as refused:
            set_admin(session, session.get(Organiser, only.id), False, actor)
        assert refused.value.code == "last_admin"
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Organiser, only.id).is_admin


def test_an_organiser_changes_their_own_password(app, factory):
    organiser = factory.organiser()
    laptop = signed_in(app, organiser)
    phone = signed_in(app, organiser)
    page = laptop.get("/manage/account")
    assert page.status_code == 200 and organiser.email in text(page)
    for data, message in (
        ({"current": "sai", "password": "mat-khau-moi", "confirm": "mat-khau-moi"}, "không đúng"),
        ({"current": PASSWORD, "password": "mat-khau-moi", "confirm": "khac"}, "không khớp"),
        ({"current": PASSWORD, "password": "ngan", "confirm": "ngan"}, "ít nhất 8 ký tự"),
    ):
        answer = laptop.post("/manage/account", data=data)
        assert answer.status_code == 422 and message in text(answer)
    changed = laptop.post(
        "/manage/account",
        data={"current": PASSWORD, "password": "mat-khau-moi", "confirm": "mat-khau-moi"},
    )
    assert changed.status_code == 302
    assert "Đã đổi mật khẩu." in text(laptop.get("/manage/account"))  # this browser stays in
    assert phone.get("/manage/").status_code == 302  # the others are signed out
    fresh = app.test_client().post(
        "/login", data={"email": organiser.email, "password": "mat-khau-moi"}
    )
    assert fresh.status_code == 302
    [(actor, subject, before, after, _event)] = audit(app, "organiser.password_changed")
    assert actor == subject == f"organiser:{organiser.id}" and before is after is None


def test_guesses_at_the_current_password_are_counted(app, factory):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per hour"
    organiser = factory.organiser()
    browser = as_client(app, organiser)
    wrong = {"current": "sai", "password": "mat-khau-moi", "confirm": "mat-khau-moi"}
    assert [browser.post("/manage/account", data=wrong).status_code for _ in range(3)] == [
        422,
        422,
        429,
    ]


def url_for_account(back):
    return "/manage/account?" + urlencode({"next": back}, safe="/")


def test_a_password_an_administrator_chose_is_replaced_before_anything_else(app, factory, event):
    admin = as_client(app, factory.organiser(admin=True))
    data = {"name": "Lê Minh Tuấn", "email": "tuan@evn.vn", "password": "mat-khau-tam-thoi"}
    admin.post("/manage/organisers/new", data=data | {"event": event.slug, "role": "manager"})
    newcomer = app.test_client()
    newcomer.post("/login", data={"email": "tuan@evn.vn", "password": "mat-khau-tam-thoi"})
    for page in ("/manage/", f"/manage/{event.slug}/", f"/manage/{event.slug}/people"):
        sent = newcomer.get(page)
        assert sent.status_code == 302
        assert sent.headers["Location"] == url_for_account(page)
    assert "Hãy đặt mật khẩu của riêng bạn" in text(newcomer.get("/manage/account"))
    api = newcomer.get("/api/v1/jobs/0123456789abcdef")
    assert api.status_code == 403 and api.get_json()["error"] == "password_change_required"
    assert newcomer.get("/").status_code == 200  # public pages stay open
    changed = newcomer.post(
        "/manage/account",
        data={
            "current": "mat-khau-tam-thoi",
            "password": "cua-rieng-tuan",
            "confirm": "cua-rieng-tuan",
        },
    )
    assert changed.status_code == 302
    assert newcomer.get(f"/manage/{event.slug}/people").status_code == 200

    organiser = factory.organiser()
    admin.post(f"/manage/organisers/{organiser.id}/password", data={"password": ""})
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Organiser, organiser.id).password_temporary
