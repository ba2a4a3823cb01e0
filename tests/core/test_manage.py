from core.models import EventRole


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
