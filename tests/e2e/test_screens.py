"""The organiser drives a big screen from the control page, in Chromium: the screen changes mode
without reloading, and comes back in its mode after the server restarts."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.server import Server

pytestmark = pytest.mark.browser


@pytest.fixture
def running(tmp_path) -> Iterator[tuple[Server, dict]]:
    """A server of its own: this test stops and starts it."""
    server = Server(tmp_path)
    demo = server.seed()
    server.start()
    yield server, demo
    server.stop()


def sign_in(page, demo):
    page.goto(demo["organiser_url"])
    page.get_by_label("Email").fill(demo["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(demo["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()


def test_the_organiser_switches_a_screen_which_survives_a_restart(running, browser):
    server, demo = running
    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(demo["display_url"])
    expect(screen.locator("#link.live")).to_be_visible()
    expect(screen.locator("#board")).to_be_visible()
    screen.evaluate("window.notReloaded = true")

    console = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(console, demo)
    console.goto(f"{server.url}/manage/{demo['event']}/screens")
    card = console.get_by_test_id("screen-hoi-truong-chinh")
    expect(card.locator("[data-presence]")).to_have_text("Đang mở (1)")
    card.get_by_label("Nội dung").select_option(label="Thông báo")
    card.get_by_role("textbox", name="Thông báo").fill("Mời các đại biểu về chỗ ngồi")
    card.get_by_role("button", name="Hiển thị").click()

    expect(screen.locator(".announcement")).to_have_text("Mời các đại biểu về chỗ ngồi")
    assert screen.evaluate("window.notReloaded") is True

    server.kill()
    expect(screen.locator("#link.down")).to_be_visible()
    expect(screen.get_by_text("Mất kết nối")).to_be_visible()
    server.start()
    back = time.monotonic()
    expect(screen.locator("#link.live")).to_be_visible(timeout=5000)
    assert time.monotonic() - back < 5
    expect(screen.locator(".announcement")).to_have_text("Mời các đại biểu về chỗ ngồi")
    assert screen.evaluate("window.notReloaded") is True


LONG_ANNOUNCEMENT = (
    "Kính mời quý vị đại biểu, khách mời và toàn thể cán bộ công nhân viên về hội trường chính để "
    "dự lễ tổng kết và trao giải Hội thi thuyết trình sáng kiến. Ban Tổ chức đề nghị quý vị tắt "
    "chuông điện thoại và giữ trật tự trong suốt buổi lễ. Xin trân trọng cảm ơn!"
)


def overflows(page) -> bool:
    return bool(page.locator(".stage").evaluate("stage => stage.scrollHeight > stage.clientHeight"))


def test_what_the_organiser_writes_fits_a_four_by_three_screen_in_the_venues_time(running, browser):
    """A long announcement shrinks to fit; a long agenda is shown a page at a time; the clock says
    the venue's time on a screen computer set to UTC; a screen showing complete panels only, with
    none complete, says so."""
    server, demo = running
    player = browser.new_context(viewport={"width": 1024, "height": 768}, timezone_id="UTC")
    screen = player.new_page()
    screen.goto(demo["display_url"])
    expect(screen.locator("#link.live")).to_be_visible()
    console = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(console, demo)
    console.goto(f"{server.url}/manage/{demo['event']}/screens")

    def show(mode: str, **fields: str) -> None:
        card = console.get_by_test_id("screen-hoi-truong-chinh")
        card.get_by_label("Nội dung").select_option(label=mode)
        for name, value in fields.items():
            card.locator(f'[name="{name}"]').fill(value)
        card.get_by_role("button", name="Hiển thị").click()

    show("Thông báo", text=LONG_ANNOUNCEMENT)
    expect(screen.locator(".announcement")).to_have_text(LONG_ANNOUNCEMENT)
    assert not overflows(screen)

    agenda = [f"{8 + hour:02d}:00 Phần {hour + 1} của chương trình Ngày hội" for hour in range(12)]
    show("Đồng hồ và chương trình", agenda="\n".join(agenda))
    expect(screen.locator(".agenda li").first).to_have_text(agenda[0])
    expect(screen.locator(".agenda-head .page-note")).to_have_text(re.compile(r"Trang 1/\d"))
    assert not overflows(screen)
    venue = [
        (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(minutes=late)).strftime("%H:%M")
        for late in (0, 1)
    ]
    assert screen.locator(".clock-time").inner_text() in venue

    card = console.get_by_test_id("screen-hoi-truong-chinh")
    card.get_by_label("Bảng xếp hạng: chỉ hiện bài đã đủ phiếu chấm").check()
    show("Bảng xếp hạng")
    expect(screen.get_by_test_id("board-empty")).to_have_text(
        "Chưa có bài dự thi nào đủ phiếu chấm."
    )
    expect(screen.get_by_test_id("board")).to_be_hidden()


def test_a_ranking_taller_than_a_four_by_three_screen_is_shown_a_page_at_a_time(running, browser):
    """Every entry is shown in turn, none below the screen's edge or under the phones' QR code."""
    _server, demo = running
    screen = browser.new_page(viewport={"width": 1024, "height": 768})
    screen.clock.install()
    screen.goto(demo["display_url"])
    note = screen.get_by_test_id("board-page")
    expect(note).to_have_text("Trang 1/2")
    seen: set[str] = set()
    for turn in (1, 2, 1):
        expect(note).to_have_text(f"Trang {turn}/2")
        shown = screen.locator("#board tbody tr:not([hidden])")
        assert shown.count() > 0
        qr_top = screen.locator(".follow").bounding_box()["y"]
        for index in range(shown.count()):
            box = shown.nth(index).bounding_box()
            assert box["y"] + box["height"] <= qr_top
            seen.add(shown.nth(index).get_attribute("data-entry"))
        screen.clock.run_for(10_000)
    assert seen == {str(entry["id"]) for entry in demo["entries"]}


def test_a_released_peoples_choice_taller_than_the_screen_is_shown_a_page_at_a_time(
    server, browser
):
    """The people's choice renderer, on the screen's page, given the ten most voted exhibits
    with long titles (the demo's votes are not released)."""
    screen = browser.new_page(viewport={"width": 1024, "height": 768})
    screen.clock.install()
    screen.goto(server["display_url"])
    expect(screen.locator("#link.live")).to_be_visible()
    screen.evaluate(
        """async () => {
            const { peoplesChoice } = await import("#lib/mode-messages.js");
            const shown = document.getElementById("stage");
            shown.style.display = "none";
            const stage = document.createElement("section");
            stage.className = "stage";
            stage.id = "choice-stage";
            shown.after(stage);
            const results = Array.from({ length: 10 }, (_, i) => ({
                rank: i + 1,
                title: `Ứng dụng trí tuệ nhân tạo phát hiện sự cố lưới điện số ${i + 1}`,
                unit: "Công ty Điện lực Quảng Nam",
                booth: `A0${i}`,
                votes: 100 - i,
            }));
            const texts = { peoples_choice: "Bình chọn", votes: "phiếu bầu", page: "Trang" };
            peoplesChoice(stage).update({ released: true, results }, { texts, lang: "vi-VN" });
        }"""
    )
    note = screen.get_by_test_id("choice-page")
    expect(note).to_have_text(re.compile(r"Trang 1/\d"))
    count = int(note.text_content().rsplit("/", 1)[1])
    bottom = screen.evaluate(
        "document.getElementById('choice-stage').getBoundingClientRect().bottom"
    )
    seen: set[str] = set()
    for turn in range(1, count + 1):
        expect(note).to_have_text(f"Trang {turn}/{count}")
        shown = screen.locator("#choice-stage li:not([hidden])")
        assert shown.count() > 0
        for index in range(shown.count()):
            box = shown.nth(index).bounding_box()
            assert box["y"] + box["height"] <= bottom
            seen.add(shown.nth(index).locator(".rank").text_content())
        screen.clock.run_for(10_000)
    assert count >= 2 and seen == {str(rank) for rank in range(1, 11)}


def test_the_pages_are_measured_right_while_a_row_glides_to_its_new_place(server, browser):
    """A resize (F11, a projector's new resolution) during a rank change: the rows' room is
    measured from the list, not from a row still on its way."""
    screen = browser.new_page(viewport={"width": 1024, "height": 768})
    screen.goto(server["display_url"])
    expect(screen.locator("#link.live")).to_be_visible()
    pages = screen.evaluate(
        """async () => {
            const { standings } = await import("#lib/mode-standings.js");
            const shown = document.getElementById("stage");
            shown.style.display = "none";
            const stage = document.createElement("section");
            stage.className = "stage";
            shown.after(stage);
            const view = standings(stage);
            const snapshot = (version, order) => ({
                version,
                provisional: true,
                entries: order.map((i, place) => ({
                    entry_id: i + 1,
                    rank: place + 1,
                    title: `Sáng kiến số ${i + 1} cải tiến lưới điện phân phối`,
                    unit: "Công ty Điện lực Quảng Nam",
                    score: 90 - place,
                    sheets: 3,
                    expected: 5,
                })),
            });
            const texts = { standings: "Bảng xếp hạng", provisional: "Dự kiến", page: "Trang" };
            const ctx = { settings: {}, texts, lang: "vi-VN", liveUrl: "", liveQr: "" };
            const order = [...Array(24).keys()];
            view.update(snapshot(1, order), ctx);
            const note = stage.querySelector(".page-note");
            const before = note.textContent;
            // The eighth entry takes the lead: its row glides up from far below.
            view.update(snapshot(2, [7, ...order.filter((i) => i !== 7)]), ctx);
            window.dispatchEvent(new Event("resize"));
            return [before, note.textContent];
        }"""
    )
    assert pages[0].startswith("Trang 1/") and pages[1] == pages[0]
