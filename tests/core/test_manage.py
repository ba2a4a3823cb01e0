import re

import pytest
from sqlalchemy import select

from core import db
from core.models import Event, EventRole, EventStatus


def test_an_organiser_sees_only_the_events_they_have_a_role_in(factory, organiser_client):
    mine = factory.event(name="Ngày hội EVNCPC")
    factory.event(name="Ngày hội EVNNPT")
    page = organiser_client(mine, EventRole.VIEWER).get("/manage/").get_data(as_text=True)
    assert "Ngày hội EVNCPC" in page and "Theo dõi" in page
    assert "Ngày hội EVNNPT" not in page
    admin = organiser_client(admin=True).get("/manage/").get_data(as_text=True)
    assert "Ngày hội EVNCPC" in admin and "Ngày hội EVNNPT" in admin


def test_the_overview_shows_who_runs_the_event_and_every_packages_pages(factory, organiser_client):
    event = factory.event(name="Ngày hội EVNCPC", venue="Đà Nẵng")
    page = organiser_client(event, EventRole.OWNER).get(f"/manage/{event.slug}/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Phụ trách sự kiện" in html and "Hoàng Thị Lan Anh" in html
    for path, label in (
        ("/", "Tổng quan"),
        ("/exhibits", "Sản phẩm trưng bày"),
        ("/judging", "Tiến độ chấm điểm"),
        ("/screens", "Màn hình lớn"),
    ):
        assert f'href="/manage/{event.slug}{path}"' in html, label
        assert label in html
    assert html.index("Tổng quan") < html.index("Sản phẩm trưng bày") < html.index("Màn hình lớn")


def test_an_organiser_without_a_role_in_the_event_is_refused(factory, organiser_client):
    event, other = factory.event(), factory.event()
    stranger = organiser_client(other, EventRole.OWNER)
    response = stranger.get(f"/manage/{event.slug}/")
    assert response.status_code == 403
    assert "không có quyền" in response.get_data(as_text=True)


def test_a_visitor_is_sent_to_the_login_and_back(client, factory):
    factory.organiser(admin=True)
    event = factory.event()
    response = client.get(f"/manage/{event.slug}/judging")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/manage/{event.slug}/judging"


def test_an_unknown_event_is_a_404(organiser_client):
    assert organiser_client(admin=True).get("/manage/khong-co/").status_code == 404


def post(client, path, data):
    """A form sent from the console, with the CSRF token its pages carry."""
    page = client.get("/manage/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    return client.post(path, data=data | {"csrf_token": token})


def test_any_organiser_creates_an_event_and_becomes_its_owner(app, factory, organiser_client):
    unit = factory.unit(name="Công ty Điện lực Quảng Nam")
    console = organiser_client()
    listing = console.get("/manage/").get_data(as_text=True)
    assert 'href="/manage/new"' in listing and "Tạo sự kiện" in listing
    form = console.get("/manage/new").get_data(as_text=True)
    assert "Công ty Điện lực Quảng Nam" in form and 'name="csrf_token"' in form
    response = post(
        console,
        "/manage/new",
        {
            "name": "Ngày hội Lao động sáng tạo Quảng Nam",
            "held_on": "05/12/2026",
            "venue": "Tam Kỳ",
            "unit": str(unit.id),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/ngay-hoi-lao-dong-sang-tao-quang-nam/"
    overview = console.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã tạo sự kiện “Ngày hội Lao động sáng tạo Quảng Nam”." in overview
    assert "05/12/2026" in overview and "Công ty Điện lực Quảng Nam" in overview
    assert "Phụ trách sự kiện" in overview and "Đang chuẩn bị" in overview
    assert "Mở đăng ký" in overview and "Sao chép sự kiện này" in overview
    listing = console.get("/manage/").get_data(as_text=True)
    assert "Ngày hội Lao động sáng tạo Quảng Nam" in listing and "Sao chép" in listing


def test_a_form_at_fault_comes_back_with_a_message_beside_the_field(app, organiser_client):
    console = organiser_client()
    response = post(
        console, "/manage/new", {"name": "Ngày hội 2026", "held_on": "2026-12-05", "unit": "7"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Hãy nhập ngày tổ chức theo dạng ngày/tháng/năm, ví dụ 05/12/2026." in html
    assert "Đơn vị này không có trong danh sách." in html
    assert 'value="Ngày hội 2026"' in html
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalars(select(Event)).all() == []


def test_the_owner_copies_an_event_with_its_judges(app, factory, organiser_client):
    contest = factory.contest(name="Ngày hội 2026", venue="Đà Nẵng")
    factory.judge(contest.event)
    owner = organiser_client(contest.event, EventRole.OWNER)
    form = owner.get(f"/manage/{contest.slug}/copy")
    assert form.status_code == 200
    assert 'value="Ngày hội 2026"' in form.get_data(as_text=True)
    assert "Sao chép cả giám khảo" in form.get_data(as_text=True)
    response = post(
        owner,
        f"/manage/{contest.slug}/copy",
        {"name": "Ngày hội 2027", "held_on": "04/12/2027", "venue": "Huế", "judges": "1"},
    )
    assert response.headers["Location"] == "/manage/ngay-hoi-2027/"
    page = owner.get("/manage/ngay-hoi-2027/").get_data(as_text=True)
    assert "Đã tạo sự kiện “Ngày hội 2027” từ “Ngày hội 2026”." in page
    assert "Đã sao chép 1 giám khảo." in page


def test_only_the_owner_copies_an_event(factory, organiser_client):
    event = factory.event()
    manager = organiser_client(event, EventRole.MANAGER)
    assert manager.get(f"/manage/{event.slug}/copy").status_code == 403
    assert "Sao chép" not in manager.get("/manage/").get_data(as_text=True)


def test_the_overview_shows_what_stops_the_next_step(factory, organiser_client):
    contest = factory.contest(status=EventStatus.OPEN)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    html = manager.get(f"/manage/{contest.slug}/").get_data(as_text=True)
    assert "Trước khi “Bắt đầu chấm điểm”, cần xử lý:" in html and "Chưa có giám khảo." in html
    response = post(manager, f"/manage/{contest.slug}/status", {"to": "scoring"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'role="alert"' in html and "Chưa có giám khảo." in html
    assert "Chưa thể chuyển trạng thái. Cần xử lý trước:" in html
    assert "Đang mở đăng ký" in html


def test_a_manager_runs_the_day_and_the_owner_locks_it(factory, organiser_client):
    contest = factory.contest(status=EventStatus.OPEN)
    factory.judge(contest.event)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    response = post(manager, f"/manage/{contest.slug}/status", {"to": "scoring"})
    assert response.status_code == 302
    page = manager.get(f"/manage/{contest.slug}/").get_data(as_text=True)
    assert "Sự kiện đã chuyển sang “Đang chấm điểm”." in page
    assert "Bước “Khóa kết quả” cần vai trò “Phụ trách sự kiện”." in page
    assert "Tạm dừng chấm điểm" in page
    refused = post(manager, f"/manage/{contest.slug}/status", {"to": "locked"})
    assert refused.status_code == 403
    owner = organiser_client(contest.event, EventRole.OWNER)
    page = owner.get(f"/manage/{contest.slug}/").get_data(as_text=True)
    assert "Tôi đã đọc cảnh báo trên và vẫn muốn tiếp tục" in page
    warned = post(owner, f"/manage/{contest.slug}/status", {"to": "locked"})
    assert warned.status_code == 409
    assert "Chỉ còn cảnh báo: đọc chúng, rồi đánh dấu ô" in warned.get_data(as_text=True)
    assert "Chưa thể chuyển trạng thái" not in warned.get_data(as_text=True)
    done = post(owner, f"/manage/{contest.slug}/status", {"to": "locked", "override": "1"})
    assert done.status_code == 302


@pytest.mark.parametrize("role", [EventRole.VIEWER, None])
def test_a_viewer_or_a_stranger_cannot_move_the_status(factory, organiser_client, role):
    event = factory.event()
    visitor = (
        organiser_client(event, role)
        if role
        else organiser_client(factory.event(), EventRole.OWNER)
    )
    response = post(visitor, f"/manage/{event.slug}/status", {"to": "open"})
    assert response.status_code == 403


def test_an_unknown_status_is_refused(factory, organiser_client):
    event = factory.event()
    owner = organiser_client(event, EventRole.OWNER)
    response = post(owner, f"/manage/{event.slug}/status", {"to": "finished"})
    assert response.status_code == 422
    stale = post(owner, f"/manage/{event.slug}/status", {"to": "locked"})
    assert stale.status_code == 409
    assert "hãy tải lại trang" in stale.get_data(as_text=True)


def test_the_organising_unit_is_chosen_from_the_tree_in_vietnamese_order(factory, organiser_client):
    corporation = factory.unit(name="Tổng công ty Điện lực miền Trung")
    factory.unit(name="Công ty Điện lực Đà Nẵng", parent_id=corporation.id)
    factory.unit(name="Công ty Điện lực Quảng Nam", parent_id=corporation.id)
    factory.unit(name="Ăn uống (Công đoàn)")
    factory.unit(name="An toàn (Ban)")
    page = organiser_client().get("/manage/new").get_data(as_text=True)
    options = re.findall(r'<option value="\d+">((?:&nbsp;)*)([^<]+)</option>', page)
    assert options == [
        ("", "An toàn (Ban)"),
        ("", "Ăn uống (Công đoàn)"),
        ("", "Tổng công ty Điện lực miền Trung"),
        ("&nbsp;" * 3, "Công ty Điện lực Đà Nẵng"),
        ("&nbsp;" * 3, "Công ty Điện lực Quảng Nam"),
    ]
