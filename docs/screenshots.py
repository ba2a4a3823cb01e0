"""Take the user guide's screenshots from the real server in headless Chromium.

.venv/bin/python docs/screenshots.py            # writes docs/img/*.png
.venv/bin/python docs/screenshots.py screens    # only the big screen's modes, screen-*.png
.venv/bin/python docs/screenshots.py library    # only the library, programme and dossiers' pages
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

IMAGES = ROOT / "docs" / "img"


def post(url: str, token: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{url}/api/v1/scoresheets",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as error:
        if error.code != 403:  # a recused judge: that pair is simply not scored
            raise


def score_some(server: Server, demo: dict[str, Any]) -> None:
    """Four judges score most entries, so the leaderboard has something to show."""
    chance = random.Random(2026)
    for judge in demo["judges"][1:]:
        for entry in demo["entries"][:7]:
            scores = {
                c["key"]: chance.randrange(int(c["max"]) * 12, int(c["max"]) * 20 + 1) / 20
                for c in demo["criteria"]
            }
            scores = {key: round(value * 2) / 2 for key, value in scores.items()}
            body = {"id": str(uuid.uuid4()), "entry": entry["id"], "scores": scores, "submit": True}
            post(server.url, judge["token"], body)


def first_run() -> None:
    """The first-run page of a fresh install, before anyone has an account."""
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder))
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1024, "height": 800})
                page.goto(server.url)
                page.get_by_label("Họ và tên").fill("Hoàng Thị Lan Anh")
                page.get_by_label("Email").fill("lan.anh@evn.vn")
                page.screenshot(path=IMAGES / "setup.png")
                browser.close()
        finally:
            server.stop()


def organiser_pages(console: Page, demo: dict[str, Any]) -> None:
    """The event's people, its jury and the units; then a new event, opened for registration
    (its overview lists what scoring still needs), and its rubric, still editable."""
    event = demo["organiser_url"]
    console.goto(event + "people")
    console.screenshot(path=IMAGES / "people.png")
    console.goto(event + "jury")
    console.screenshot(path=IMAGES / "jury.png")
    manage = event.split("/manage/")[0] + "/manage/"
    console.goto(manage + "units")
    console.screenshot(path=IMAGES / "units.png")

    console.goto(manage + "new")
    console.get_by_label("Tên sự kiện").fill(
        "Ngày hội Lao động sáng tạo Công ty Điện lực Đà Nẵng 2027"
    )
    console.get_by_label("Ngày tổ chức").fill("14/05/2027")
    console.get_by_label("Địa điểm").fill("Hội trường Công ty Điện lực Đà Nẵng")
    console.get_by_label("Đơn vị tổ chức").select_option(label="Công ty TNHH MTV Điện lực Đà Nẵng")
    console.screenshot(path=IMAGES / "new-event.png")
    console.get_by_role("button", name="Tạo sự kiện").click()
    console.wait_for_load_state("networkidle")
    console.get_by_role("button", name="Mở đăng ký").click()
    console.wait_for_load_state("networkidle")
    console.screenshot(path=IMAGES / "overview.png")
    console.get_by_role("link", name="Thang điểm").click()
    console.wait_for_load_state("networkidle")
    console.screenshot(path=IMAGES / "rubric.png")


def console_pages(console: Page, demo: dict[str, Any]) -> None:
    """The day's pages of the demo event: the dashboard, a round's running order, the panels,
    the imports and the results side by side."""
    event = demo["organiser_url"]
    console.goto(event + "dashboard")
    console.wait_for_selector("#link.live")
    console.wait_for_timeout(800)  # the charts draw
    console.screenshot(path=IMAGES / "dashboard.png", full_page=True)
    console.goto(event + "rounds")
    console.get_by_role("link", name="Vòng chung khảo").first.click()
    console.wait_for_load_state("networkidle")
    console.screenshot(path=IMAGES / "rounds.png")
    console.goto(event + "panels")
    console.screenshot(path=IMAGES / "panels.png")
    console.goto(event + "import")
    console.screenshot(path=IMAGES / "import.png")
    console.goto(event + "results")
    console.screenshot(path=IMAGES / "results.png", full_page=True)


PHONE = {"width": 390, "height": 844}


def library_pages(browser: Any, origin: str) -> None:
    """The initiative library as staff without an account read it: a search typed without
    diacritics on a laptop, then a recognised record on a phone."""
    laptop = browser.new_page(viewport={"width": 1280, "height": 900})
    laptop.goto(origin + "/library")
    laptop.get_by_test_id("library-q").fill("tiet kiem dien")
    laptop.get_by_test_id("library-q").press("Enter")
    laptop.wait_for_load_state("networkidle")
    laptop.screenshot(path=IMAGES / "library.png")
    laptop.get_by_test_id("library-q").fill("flycam")
    laptop.get_by_test_id("library-q").press("Enter")
    laptop.wait_for_load_state("networkidle")
    record = laptop.get_by_test_id("library-results").get_by_role("link").first
    address = str(record.get_attribute("href"))
    laptop.close()
    phone = browser.new_page(viewport=PHONE)
    phone.goto(origin + address)
    phone.screenshot(path=IMAGES / "library-phone.png")
    phone.close()


def programme_pages(console: Page, origin: str) -> None:
    """The programme's dashboard with its charts, for the demo event's corporation (the whole
    programme's target of 2.500 a year would dwarf the demo's bars), and its reports' page."""
    console.goto(origin + "/manage/programme")
    units = console.get_by_label("Xem số liệu của")
    units.select_option(label="Tổng công ty Điện lực miền Trung")
    console.get_by_role("button", name="Xem").click()
    console.wait_for_load_state("networkidle")
    console.set_viewport_size({"width": 1280, "height": 1180})  # down to the charts' axes
    console.wait_for_timeout(800)  # the charts draw
    console.screenshot(path=IMAGES / "programme.png")
    console.set_viewport_size({"width": 1280, "height": 900})
    console.get_by_role("link", name="Báo cáo định kỳ, bản tin").click()
    console.wait_for_load_state("networkidle")
    console.screenshot(path=IMAGES / "reports.png")


def dossier_pages(browser: Any, console: Page, demo: dict[str, Any], origin: str) -> None:
    """The support team's queue and a dossier being supported (its checklist and moves, then
    its private notes and trail); the worker's start page, and their personal link on a phone."""
    console.goto(origin + "/manage/dossiers")
    console.screenshot(path=IMAGES / "dossiers.png", full_page=True)  # down to the last dossier
    console.get_by_role("link", name="Phiếu công tác và phiếu thao tác điện tử").click()
    console.wait_for_load_state("networkidle")
    console.screenshot(path=IMAGES / "dossier.png")
    console.get_by_role("heading", name="Ghi chú của Tổ hỗ trợ").evaluate(
        "heading => window.scrollTo(0, heading.getBoundingClientRect().top + window.scrollY - 16)"
    )
    console.screenshot(path=IMAGES / "dossier-history.png")

    worker = browser.new_page(viewport={"width": 1024, "height": 800})
    worker.goto(origin + "/dossier/new")
    worker.get_by_label("Tên sáng kiến").fill("Báo cáo ca trực tự động bằng RPA")
    worker.screenshot(path=IMAGES / "dossier-start.png")
    worker.close()
    phone = browser.new_page(viewport=PHONE)
    phone.goto(demo["dossier_link"])
    phone.screenshot(path=IMAGES / "dossier-phone.png", full_page=True)
    phone.close()


# Every mode a big screen offers, as the control page names it, in the guide's order.
SCREEN_MODES = [
    ("leaderboard", "Bảng xếp hạng"),
    ("pitching", "Đang thuyết trình"),
    ("peoples_choice", "Bình chọn của khán giả"),
    ("exhibit_wall", "Tường trưng bày"),
    ("announcement", "Thông báo"),
    ("clock", "Đồng hồ và chương trình"),
    ("blank", "Màn hình chờ (logo)"),
]


def screen_modes(browser: Any, console: Page, demo: dict[str, Any]) -> None:
    """The main hall's screen of the demo event in every mode at 1920x1080, each switched from
    the control page without reloading the screen; the ceremony reveal last, after a freeze."""
    event = demo["organiser_url"]
    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(demo["display_url"])
    screen.wait_for_selector("#link.live")
    key = demo["display_url"].rstrip("/").rsplit("/", 1)[1]

    def show(label: str, **fields: str) -> None:
        console.goto(event + "screens")
        card = console.get_by_test_id(f"screen-{key}")
        card.get_by_label("Nội dung").select_option(label=label)
        for name, value in fields.items():
            card.locator(f'[name="{name}"]').fill(value)
        card.get_by_role("button", name="Hiển thị").click()
        console.wait_for_load_state("networkidle")

    for mode, label in SCREEN_MODES:
        fields = {
            "announcement": {"text": "Mời các đại biểu về chỗ ngồi, lễ trao giải sắp bắt đầu"},
            "clock": {
                "agenda": "08:00 Đón tiếp đại biểu\n08:30 Khai mạc\n09:00 Thuyết trình"
                "\n11:30 Lễ trao giải"
            },
        }.get(mode, {})
        if mode == "pitching":  # the first entry of the final round takes the stage
            console.goto(event + "rounds")
            console.get_by_role("link", name="Vòng chung khảo").first.click()
            console.locator('button[name="pitching"][value="1"]').first.click()
            console.wait_for_load_state("networkidle")
        show(label, **fields)
        if mode == "pitching":
            card = console.get_by_test_id(f"screen-{key}")
            card.get_by_role("button", name="Bắt đầu đếm ngược").click()
        screen.wait_for_timeout(1500)  # the mode draws, its photos and fonts load
        screen.screenshot(path=IMAGES / f"screen-{mode}.png")

    console.goto(event + "screens")
    console.wait_for_timeout(2000)  # each screen's preview draws
    console.screenshot(path=IMAGES / "screens.png")
    phone = browser.new_page(viewport={"width": 360, "height": 740})
    phone.goto(demo["display_url"].split("/display/")[0] + f"/live/{demo['event']}")
    phone.wait_for_timeout(1000)
    phone.screenshot(path=IMAGES / "live-phone.png")
    phone.close()
    run_sheet(browser, console, demo)

    console.goto(event + "ceremony")
    console.locator("summary", has_text="Đóng băng kết quả").click()
    console.get_by_role("button", name="Đóng băng kết quả ngay").click()
    console.get_by_label("Mọi thứ hạng, từ hạng cuối").check()
    console.get_by_role("button", name="Chuẩn bị").click()
    show("Công bố kết quả")
    console.goto(event + "ceremony")
    for _ in range(3):
        console.get_by_test_id("reveal-next-button").click()
        console.wait_for_load_state("networkidle")
    screen.wait_for_timeout(1500)
    screen.screenshot(path=IMAGES / "screen-reveal.png")
    console.screenshot(path=IMAGES / "ceremony.png")
    screen.close()


def run_sheet(browser: Any, console: Page, demo: dict[str, Any]) -> None:
    """Three steps of a run-sheet, the first one under way, and the MC's tablet."""
    console.goto(demo["organiser_url"] + "runsheet")
    add = console.locator('section[aria-labelledby="add-title"]')
    steps = (
        (
            "Khai mạc",
            "Kính thưa quý vị đại biểu, Ngày hội Lao động sáng tạo xin được bắt đầu.",
            "Màn hình chờ (logo)",
            "",
            "",
        ),
        (
            "Trao Giải Ba",
            "Xin trân trọng kính mời đồng chí Phó Tổng giám đốc lên trao Giải Ba.",
            "Công bố kết quả",
            "Giải Ba",
            "Phó Tổng giám đốc",
        ),
        ("Bế mạc", "Xin cảm ơn quý vị đại biểu.", "Thông báo", "", ""),
    )
    for title, lines, mode, award, presenter in steps:
        add.get_by_label("Tên bước").fill(title)
        add.get_by_label("Lời dẫn của người dẫn chương trình").fill(lines)
        add.get_by_label("Giải thưởng").fill(award)
        add.get_by_label("Người trao giải (chức danh)").fill(presenter)
        add.get_by_label("Màn hình “Hội trường chính” hiển thị").select_option(label=mode)
        add.get_by_role("button", name="Thêm bước").click()
    console.get_by_test_id("runsheet-next").click()
    console.wait_for_load_state("networkidle")
    console.screenshot(path=IMAGES / "runsheet.png")
    signed_in = console.context.storage_state()  # the MC signs in with an account of the event
    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, storage_state=signed_in)
    mc = tablet.new_page()
    mc.goto(demo["display_url"].split("/display/")[0] + f"/mc/{demo['event']}")
    mc.wait_for_timeout(1000)
    mc.screenshot(path=IMAGES / "mc.png")
    tablet.close()


def big_screens() -> None:
    """The big screen's modes, on a demo event of their own (the reveal freezes its results)."""
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder))
        demo = server.seed()
        server.start()
        try:
            score_some(server, demo)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                console = browser.new_page(viewport={"width": 1280, "height": 900})
                console.goto(demo["organiser_url"])
                console.fill('input[name="email"]', demo["organiser"]["email"])
                console.fill('input[name="password"]', demo["organiser"]["password"])
                console.click('button[type="submit"]')
                console.wait_for_load_state("networkidle")
                screen_modes(browser, console, demo)
                browser.close()
        finally:
            server.stop()


def library_programme_dossiers() -> None:
    """The library, the programme's pages and the dossiers, on a demo of their own."""
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder))
        demo = server.seed()
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                console = browser.new_page(viewport={"width": 1280, "height": 900})
                console.goto(demo["organiser_url"])
                console.fill('input[name="email"]', demo["organiser"]["email"])
                console.fill('input[name="password"]', demo["organiser"]["password"])
                console.click('button[type="submit"]')
                console.wait_for_load_state("networkidle")
                library_and_records(browser, console, demo, server.url)
                browser.close()
        finally:
            server.stop()


def library_and_records(browser: Any, console: Page, demo: dict[str, Any], origin: str) -> None:
    programme_pages(console, origin)
    dossier_pages(browser, console, demo, origin)
    library_pages(browser, origin)


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    first_run()
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder))
        demo = server.seed()
        server.start()
        try:
            score_some(server, demo)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                tablet = browser.new_page(viewport={"width": 1024, "height": 768})
                tablet.goto(demo["judges"][0]["login_url"])
                tablet.screenshot(path=IMAGES / "judge-pitches.png")
                tablet.get_by_text(demo["entries"][7]["title"]).click()
                first = tablet.locator('fieldset[data-key="novelty"]')
                first.locator(".band").nth(1).click()
                first.locator('.point[data-value="15.5"]').click()
                tablet.screenshot(path=IMAGES / "judge-sheet.png")

                console = browser.new_page(viewport={"width": 1280, "height": 900})
                console.goto(demo["organiser_url"])
                console.fill('input[name="email"]', demo["organiser"]["email"])
                console.fill('input[name="password"]', demo["organiser"]["password"])
                console.click('button[type="submit"]')
                console.wait_for_load_state("networkidle")
                console.screenshot(path=IMAGES / "console.png")
                console.get_by_role("link", name="Tiến độ chấm điểm").click()
                console.screenshot(path=IMAGES / "judging.png")
                console.get_by_role("link", name="Sản phẩm trưng bày").click()
                console.wait_for_load_state("networkidle")
                console.screenshot(path=IMAGES / "exhibits.png")
                token = console.locator("tbody tr a").first.get_attribute("href")
                console_pages(console, demo)
                organiser_pages(console, demo)
                library_and_records(browser, console, demo, server.url)

                phone = browser.new_page(viewport={"width": 360, "height": 740})
                phone.goto(server.url + str(token))
                phone.screenshot(path=IMAGES / "exhibit-phone.png", full_page=True)
                browser.close()
        finally:
            server.stop()
    big_screens()
    for image in sorted(IMAGES.glob("*.png")):
        print(image.relative_to(ROOT), image.stat().st_size, "bytes")


if __name__ == "__main__":
    if sys.argv[1:] == ["screens"]:
        big_screens()
    elif sys.argv[1:] == ["library"]:
        library_programme_dossiers()
    else:
        main()
