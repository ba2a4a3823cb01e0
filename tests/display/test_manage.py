import pytest
from sqlalchemy import select

from core import db
from core.models import AuditLog, EventRole
from display.models import Screen, ScreenMode


@pytest.fixture(autouse=True)
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False


def screens_of(app, event):
    with app.app_context():
        rows = db.session().scalars(select(Screen).where(Screen.event_id == event.id))
        found = {screen.name: screen for screen in rows}
        db.session().expunge_all()
        return found


def add(client, event, name):
    return client.post(f"/manage/{event.slug}/screens", data={"name": name})


def test_a_manager_creates_a_screen_with_an_address_from_its_name(app, factory, organiser_client):
    event = factory.event()
    client = organiser_client(event, EventRole.MANAGER)
    assert add(client, event, "Hội  trường chính").status_code == 302
    screen = screens_of(app, event)["Hội trường chính"]
    assert (screen.key, screen.mode) == ("hoi-truong-chinh", ScreenMode.LEADERBOARD)
    page = client.get(f"/manage/{event.slug}/screens").get_data(as_text=True)
    assert f"/display/{event.slug}/hoi-truong-chinh" in page
    assert "localhost" not in page
    assert client.get(f"/display/{event.slug}/hoi-truong-chinh").status_code == 200


def test_names_are_unique_and_never_empty(app, factory, organiser_client):
    event = factory.event()
    client = organiser_client(event, EventRole.MANAGER)
    add(client, event, "Sảnh trưng bày")
    refused = add(client, event, "sảnh trưng bày")
    assert refused.status_code == 422
    assert "Đã có màn hình tên" in refused.get_data(as_text=True)
    assert add(client, event, "   ").status_code == 422
    assert list(screens_of(app, event)) == ["Sảnh trưng bày"]


def test_a_renamed_screen_keeps_its_address_and_a_deleted_one_is_gone(
    app, factory, organiser_client
):
    event = factory.event()
    client = organiser_client(event, EventRole.MANAGER)
    add(client, event, "Màn hình 1")
    screen = screens_of(app, event)["Màn hình 1"]
    client.post(f"/manage/{event.slug}/screens/{screen.id}/rename", data={"name": "Hội trường"})
    assert screens_of(app, event)["Hội trường"].key == "man-hinh-1"
    client.post(f"/manage/{event.slug}/screens/{screen.id}/delete")
    assert screens_of(app, event) == {}
    assert client.get(f"/display/{event.slug}/man-hinh-1").status_code == 404
    with app.app_context():
        actions = db.session().scalars(select(AuditLog.action).where(AuditLog.event_id == event.id))
        assert {"screen.create", "screen.rename", "screen.delete"} <= set(actions)


def test_switching_the_mode_keeps_the_settings_of_the_others(app, factory, organiser_client):
    event = factory.event()
    client = organiser_client(event, EventRole.MANAGER)
    add(client, event, "Hội trường")
    screen = screens_of(app, event)["Hội trường"]
    url = f"/manage/{event.slug}/screens/{screen.id}/mode"
    client.post(url, data={"mode": "announcement", "text": "Mời đại biểu  về chỗ ngồi"})
    client.post(url, data={"mode": "clock", "agenda": "8:00 Khai mạc\n\n9:00 Thuyết trình\n"})
    shown = screens_of(app, event)["Hội trường"]
    assert shown.mode == ScreenMode.CLOCK
    assert shown.payload["text"] == "Mời đại biểu về chỗ ngồi"
    assert shown.payload["agenda"] == ["8:00 Khai mạc", "9:00 Thuyết trình"]


def test_bad_input_is_refused_and_changes_nothing(app, factory, organiser_client):
    event = factory.event()
    client = organiser_client(event, EventRole.MANAGER)
    add(client, event, "Hội trường")
    screen = screens_of(app, event)["Hội trường"]
    url = f"/manage/{event.slug}/screens/{screen.id}/mode"
    assert client.post(url, data={"mode": "no-such-mode"}).status_code == 422
    assert client.post(url, data={"mode": "pitching", "minutes": "0"}).status_code == 422
    assert client.post(url, data={"mode": "announcement", "text": "x" * 301}).status_code == 422
    empty = client.post(url, data={"mode": "announcement", "text": "   "})
    assert empty.status_code == 422 and "Hãy nhập nội dung thông báo." in empty.get_data(
        as_text=True
    )
    assert client.post(f"/manage/{event.slug}/screens/999999/mode", data={}).status_code == 404
    assert screens_of(app, event)["Hội trường"].mode == ScreenMode.LEADERBOARD


def test_a_viewer_sees_the_screens_but_cannot_drive_them(app, factory, organiser_client):
    event = factory.event()
    add(organiser_client(event, EventRole.MANAGER), event, "Hội trường")
    viewer = organiser_client(event, EventRole.VIEWER)
    page = viewer.get(f"/manage/{event.slug}/screens").get_data(as_text=True)
    assert "Hội trường" in page and 'data-testid="read-only"' in page
    assert 'name="mode"' not in page
    screen = screens_of(app, event)["Hội trường"]
    refused = viewer.post(f"/manage/{event.slug}/screens/{screen.id}/mode", data={"mode": "clock"})
    assert refused.status_code == 403
