"""The reveal over the /display socket, its rehearsal, and the run-sheet with the MC tablet."""

import json
import re

import pytest

from core import db, realtime
from core.models import EventRole
from display.models import Reveal, Screen, ScreenMode
from tests.conftest import settle
from tests.display.test_events import connect, submit


@pytest.fixture
def manager(organiser_client, contest):
    client = organiser_client(contest.event, EventRole.MANAGER)
    client.application.config["WTF_CSRF_ENABLED"] = False
    return client


@pytest.fixture
def screens(factory, contest):
    with factory.writing() as session:
        made = [
            Screen(event_id=contest.event.id, name="main", key="main", mode=ScreenMode.REVEAL),
            Screen(event_id=contest.event.id, name="sanh", key="sanh"),
        ]
        session.add_all(made)
        session.flush()
        return {screen.name: screen.id for screen in made}


MC_CONFIG = r'<script type="application/json" id="mc-config">(.*?)</script>'


def reveals(app, connection):
    settle(app)
    return [m["args"][0] for m in connection.get_received("/display") if m["name"] == "reveal"]


def scored(client, factory, contest, judge):
    """Three entries scored 90,5 / 86,5 / 81,5: ranks 1, 2, 3."""
    for entry, pitch in zip(contest.entries, (9, 5, 0), strict=True):
        assert submit(client, judge, entry, pitch=pitch).status_code == 201


def test_the_reveal_sends_each_step_only_once_it_is_shown_last_place_first(
    app, client, factory, manager, contest, judge, screens
):
    scored(client, factory, contest, judge)
    slug = contest.slug
    assert manager.post(f"/manage/{slug}/ceremony/reveal").status_code == 409  # not frozen
    assert manager.post(f"/manage/{slug}/ceremony/freeze").status_code == 302
    assert manager.post(f"/manage/{slug}/ceremony/reveal").status_code == 302
    screen = connect(app, client, slug)
    (first,) = reveals(app, screen)
    assert first["steps"] == [] and first["screens"] == ["main"]
    page = manager.get(f"/manage/{slug}/ceremony").get_data(as_text=True)
    assert "Sáng kiến số 3" in page  # the preview of the next step, on the control page only
    seen = []
    for shown in range(3):
        response = manager.post(f"/manage/{slug}/ceremony/reveal/next", data={"seen": shown})
        assert response.status_code == 302
        *_, latest = reveals(app, screen)
        seen.append(latest)
        assert len(latest["steps"]) == shown + 1
    ranks = [[step["rank"] for step in payload["steps"]] for payload in seen]
    assert ranks == [[3], [3, 2], [3, 2, 1]]
    assert seen[-1]["steps"][-1]["final"] is True
    assert seen[-1]["steps"][0]["prize"] == "second"  # 1/2/3/4: ranks 2-3 get Giải Nhì
    # The same click sent again reveals nothing more; past the last step, nothing either.
    again = manager.post(f"/manage/{slug}/ceremony/reveal/next", data={"seen": 2})
    assert again.status_code == 409
    screen.disconnect(namespace="/display")


def test_a_rehearsal_plays_sample_entries_on_its_screen_and_leaves_the_real_reveal(
    app, client, factory, manager, contest, judge, screens
):
    scored(client, factory, contest, judge)
    slug = contest.slug
    manager.post(f"/manage/{slug}/ceremony/freeze")
    manager.post(f"/manage/{slug}/ceremony/reveal")
    assert (
        manager.post(f"/manage/{slug}/ceremony/rehearsal", data={"screen": "nope"}).status_code
        == 422
    )
    assert (
        manager.post(f"/manage/{slug}/ceremony/rehearsal", data={"screen": "sanh"}).status_code
        == 302
    )
    assert (
        manager.post(f"/manage/{slug}/ceremony/rehearsal/next", data={"seen": 0}).status_code == 302
    )
    screen = connect(app, client, slug)
    (payload,) = reveals(app, screen)
    assert payload["steps"] == []
    assert payload["rehearsal"]["screen"] == "sanh"
    (step,) = payload["rehearsal"]["steps"]
    assert all(entry["title"].startswith("Sáng kiến mẫu") for entry in step["entries"])
    with factory.writing() as session:
        real = session.query(Reveal).filter_by(event_id=contest.event.id, rehearsal=False).one()
        assert real.shown == 0
    assert manager.post(f"/manage/{slug}/ceremony/rehearsal/stop").status_code == 302
    *_, ended = reveals(app, screen)
    assert ended["rehearsal"] is None
    screen.disconnect(namespace="/display")


def test_the_run_sheet_is_edited_then_advances_the_screens_and_the_mc_tablet(
    app, manager, contest, screens
):
    slug = contest.slug
    opening = {
        "title": "Khai mạc",
        "lines": "Kính thưa quý vị đại biểu",
        f"screen-{screens['sanh']}": "leaderboard",
    }
    assert manager.post(f"/manage/{slug}/runsheet", data=opening).status_code == 302
    award = {
        "title": "Trao Giải Nhất",
        "award": "Giải Nhất",
        "presenter": "Chủ tịch Công đoàn",
        "reveal": "on",
        f"screen-{screens['sanh']}": "reveal",
    }
    assert manager.post(f"/manage/{slug}/runsheet", data=award).status_code == 302
    refused = manager.post(f"/manage/{slug}/runsheet", data={"title": " "})
    assert refused.status_code == 422 and "Hãy nhập tên bước." in refused.get_data(as_text=True)
    bad_mode = manager.post(
        f"/manage/{slug}/runsheet", data={"title": "x", f"screen-{screens['sanh']}": "disco"}
    )
    assert bad_mode.status_code == 422
    silent = manager.post(
        f"/manage/{slug}/runsheet", data={"title": "x", f"screen-{screens['sanh']}": "announcement"}
    )
    assert silent.status_code == 422
    assert "chưa có nội dung thông báo" in silent.get_data(as_text=True)
    mc = realtime.socketio.test_client(
        app, namespace="/mc", auth={"event": slug}, flask_test_client=manager
    )
    assert mc.is_connected(namespace="/mc")
    anonymous = realtime.socketio.test_client(app, namespace="/mc", auth={"event": slug})
    assert not anonymous.is_connected(namespace="/mc")

    assert manager.post(f"/manage/{slug}/runsheet/next", data={"seen": 0}).status_code == 302
    settle(app)
    *_, now = [m["args"][0] for m in mc.get_received("/mc") if m["name"] == "runsheet"]
    assert now["current"]["title"] == "Khai mạc"
    assert now["current"]["lines"] == "Kính thưa quý vị đại biểu"
    assert now["next"]["title"] == "Trao Giải Nhất"
    page = manager.get(f"/mc/{slug}").get_data(as_text=True)
    assert "Kính thưa quý vị đại biểu" in page
    with app.app_context():
        session = db.session()
        assert session.get(Screen, screens["sanh"]).mode == ScreenMode.LEADERBOARD
    first_id = now["current"]["id"]
    assert manager.post(f"/manage/{slug}/runsheet/next", data={"seen": first_id}).status_code == 302
    # The step reveals a place, but no reveal was prepared: the organiser is told.
    warned = manager.get(f"/manage/{slug}/runsheet").get_data(as_text=True)
    assert "công bố kết quả, nhưng phần công bố chưa được chuẩn bị" in warned
    assert manager.post(f"/manage/{slug}/runsheet/next", data={"seen": first_id}).status_code == 409
    with app.app_context():
        assert db.session().get(Screen, screens["sanh"]).mode == ScreenMode.REVEAL
    mc.disconnect(namespace="/mc")


def test_a_run_sheet_rehearsal_moves_the_mc_tablet_but_not_the_screens(
    app, manager, contest, screens
):
    slug = contest.slug
    manager.post(
        f"/manage/{slug}/runsheet", data={"title": "A", f"screen-{screens['main']}": "leaderboard"}
    )
    manager.post(f"/manage/{slug}/runsheet", data={"title": "B"})
    assert (
        manager.post(f"/manage/{slug}/runsheet/start", data={"rehearsal": "on"}).status_code == 302
    )
    assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302
    page = manager.get(f"/manage/{slug}/runsheet").get_data(as_text=True)
    assert 'data-testid="runsheet-rehearsal"' in page and "Đang ở bước 1: A" in page
    with app.app_context():
        assert db.session().get(Screen, screens["main"]).mode == ScreenMode.REVEAL


def written(manager, slug, *titles):
    """Add steps of these titles to the run-sheet; the ids of its steps, in order."""
    for title in titles:
        manager.post(f"/manage/{slug}/runsheet", data={"title": title})
    page = manager.get(f"/manage/{slug}/runsheet").get_data(as_text=True)
    return [int(x) for x in re.findall(r'data-step="(\d+)"', page)]


def test_steps_move_and_are_deleted(app, manager, contest, screens):
    slug = contest.slug
    ids = written(manager, slug, "Một", "Hai", "Ba")
    assert (
        manager.post(f"/manage/{slug}/runsheet/{ids[2]}/move", data={"direction": "up"}).status_code
        == 302
    )
    assert manager.post(f"/manage/{slug}/runsheet/{ids[0]}/delete").status_code == 302
    assert (
        manager.post(f"/manage/{slug}/runsheet/{ids[1]}/move", data={"direction": "x"}).status_code
        == 400
    )
    page = manager.get(f"/manage/{slug}/runsheet").get_data(as_text=True)
    assert page.index("1. Ba") < page.index("2. Hai")
    assert "Một" not in page


def test_moving_a_step_still_to_come_before_the_current_one_warns_it_will_be_passed(
    app, manager, contest, screens
):
    slug = contest.slug
    opening, awards, closing = written(manager, slug, "Khai mạc", "Trao giải", "Bế mạc")
    manager.post(f"/manage/{slug}/runsheet/next")  # "Khai mạc" is under way

    def moved(step_id, direction):
        manager.post(f"/manage/{slug}/runsheet/{step_id}/move", data={"direction": direction})
        return manager.get(f"/manage/{slug}/runsheet").get_data(as_text=True)

    warning = "giờ đứng trước bước đang chạy"
    assert "“Trao giải” " + warning in moved(awards, "up")  # past the current step
    assert warning not in moved(awards, "down")  # back after it: it will come
    assert "“Trao giải” " + warning in moved(opening, "down")  # the current step passed it
    assert "“Bế mạc” " + warning in moved(closing, "up")
    assert warning not in moved(awards, "up")  # at the top already: nothing moves


def test_a_rehearsal_cannot_take_the_run_sheet_from_the_ceremony_under_way(
    app, manager, contest, screens
):
    slug = contest.slug
    for title in ("Khai mạc", "Trao giải", "Bế mạc"):
        manager.post(f"/manage/{slug}/runsheet", data={"title": title})
    assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302
    assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302

    refused = manager.post(f"/manage/{slug}/runsheet/start", data={"rehearsal": "on"})
    assert refused.status_code == 409
    assert "Buổi lễ đang diễn ra theo kịch bản (bước 2/3)" in refused.get_data(as_text=True)
    page = manager.get(f"/manage/{slug}/runsheet").get_data(as_text=True)
    assert "Đang ở bước 2: Trao giải" in page
    # At its last step the ceremony is over: a rehearsal may start again.
    assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302
    rehearsal = manager.post(f"/manage/{slug}/runsheet/start", data={"rehearsal": "on"})
    assert rehearsal.status_code == 302


def test_each_revealing_step_shows_the_next_place_which_the_mc_tablet_names(
    app, client, factory, manager, contest, judge, screens
):
    scored(client, factory, contest, judge)
    slug = contest.slug
    assert manager.post(f"/manage/{slug}/ceremony/freeze").status_code == 302
    assert manager.post(f"/manage/{slug}/ceremony/reveal").status_code == 302
    manager.post(f"/manage/{slug}/runsheet", data={"title": "Khai mạc"})
    for title in ("Giải Nhì", "Giải Nhất"):
        manager.post(f"/manage/{slug}/runsheet", data={"title": title, "reveal": "on"})

    def on_the_mc_tablet():
        page = manager.get(f"/mc/{slug}").get_data(as_text=True)
        revealed = json.loads(re.findall(MC_CONFIG, page, re.S)[0])["snapshot"]["revealed"]
        return revealed and revealed["entries"][0]["entry_id"]

    assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302
    assert on_the_mc_tablet() is None  # a step that reveals nothing
    # The organiser shows the first place to come (rank 3) from the ceremony page; the next
    # revealing step shows the one after it, and the MC tablet names it.
    assert manager.post(f"/manage/{slug}/ceremony/reveal/next", data={"seen": 0}).status_code == 302
    assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302
    assert on_the_mc_tablet() == contest.entries[1]
    assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302
    assert on_the_mc_tablet() == contest.entries[0]
    page = manager.get(f"/manage/{slug}/ceremony").get_data(as_text=True)
    assert 'data-testid="reveal-done"' in page


def test_the_reveal_shows_the_results_the_freeze_kept_from_the_public(
    app, client, factory, manager, contest, judge, screens
):
    scored(client, factory, contest, judge)
    slug = contest.slug
    assert manager.post(f"/manage/{slug}/ceremony/freeze").status_code == 302
    frozen = client.get(f"/api/v1/events/{slug}/standings").get_json()
    # A second judge's sheets, after the freeze, put the third entry first: 86,5 / 86 / 84.
    other = factory.judge(contest.event, name="Trần Thị Thu Hà")
    for entry, pitch in zip(contest.entries, (0, 0, 10), strict=True):
        assert submit(client, other, entry, pitch=pitch).status_code == 201
    assert (
        manager.post(f"/manage/{slug}/ceremony/reveal", data={"places": "all"}).status_code == 302
    )
    screen = connect(app, client, slug)
    for shown in range(3):
        assert (
            manager.post(f"/manage/{slug}/ceremony/reveal/next", data={"seen": shown}).status_code
            == 302
        )
        *_, latest = reveals(app, screen)
        revealed = [step["entries"][0]["entry_id"] for step in latest["steps"]]
        # The public standings stay frozen until the organiser lifts the freeze.
        assert client.get(f"/api/v1/events/{slug}/standings").get_json() == frozen
    assert revealed == [contest.entries[1], contest.entries[0], contest.entries[2]]
    assert latest["steps"][-1]["final"] is True
    screen.disconnect(namespace="/display")


def test_deleting_the_step_the_run_stands_on_goes_on_from_the_step_before(
    app, manager, contest, screens
):
    slug = contest.slug
    ids = written(manager, slug, "Một", "Hai", "Ba")
    for _ in range(2):
        assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302
    assert manager.post(f"/manage/{slug}/runsheet/{ids[1]}/delete").status_code == 302
    page = manager.get(f"/manage/{slug}/runsheet").get_data(as_text=True)
    assert "Đang ở bước 1: Một" in page
    assert manager.post(f"/manage/{slug}/runsheet/next").status_code == 302
    page = manager.get(f"/manage/{slug}/runsheet").get_data(as_text=True)
    assert "Đang ở bước 2: Ba" in page
