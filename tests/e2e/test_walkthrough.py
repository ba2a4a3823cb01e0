"""A union committee that has never seen a terminal runs a whole event from the browser, on a fresh
install with no demo: the first account, the event, the units, a hundred rows of initiatives with
five mistakes, the rubric, the jury, the cards, two judges (one by the card's QR link, one by its
PIN), the dashboard following them live, the lock, the backup, and its restore into a second fresh
install with the same standings."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.admin_imports import COLUMNS as UNIT_COLUMNS
from scoring.imports import COLUMNS as JUDGE_COLUMNS
from tests.e2e.server import Server
from tests.e2e.test_cards import cards_of
from tests.e2e.test_judging import score_every_criterion
from tests.imports import xlsx
from tests.initiatives.test_imports import HEADER, good_rows

pytestmark = pytest.mark.browser

ADMIN = {"name": "Hoàng Thị Lan Anh", "email": "lan.anh@evn.vn", "password": "mat-khau-manh"}
EVENT = "Ngày hội Lao động sáng tạo Công ty Điện lực Quảng Nam 2027"
UNITS = [
    ["EVNCPC", "Tổng công ty Điện lực miền Trung", "", "9500"],
    ["PCQNAM", "Công ty Điện lực Quảng Nam", "EVNCPC", "1200"],
    ["PCDN", "Công ty TNHH MTV Điện lực Đà Nẵng", "EVNCPC", "1100"],
]
JUDGES = [
    ["GK01", "Lê Minh Tuấn", "Chuyên gia kỹ thuật", "PCDN", "x"],
    ["GK02", "Đỗ Thị Mai Phương", "Đại diện Công đoàn", "EVNCPC", ""],
]


@pytest.fixture
def installs(tmp_path: Path):
    """Two fresh installs: the venue's laptop, and the one the backup is restored into."""
    venue, spare = Server(tmp_path / "venue"), Server(tmp_path / "spare")
    venue.folder.mkdir()
    spare.folder.mkdir()
    venue.start()
    spare.start()
    yield venue, spare
    venue.stop()
    spare.stop()


def first_run(page: Any, url: str) -> None:
    page.goto(url)
    expect(page).to_have_url(f"{url}/setup")
    page.get_by_label("Họ và tên").fill(ADMIN["name"])
    page.get_by_label("Email").fill(ADMIN["email"])
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill(ADMIN["password"])
    page.get_by_label("Nhập lại mật khẩu").fill(ADMIN["password"])
    page.get_by_role("button", name="Tạo tài khoản quản trị").click()
    expect(page).to_have_url(f"{url}/manage/")


def upload(page: Any, section: Any, path: Path) -> None:
    """Upload a file in one of the import page's forms and wait for the check."""
    section.get_by_label(re.compile("Tệp .xlsx hoặc .csv")).set_input_files(str(path))
    section.get_by_role("button", name="Tải lên và kiểm tra").click()
    finished(page)


def finished(page: Any) -> None:
    """Wait for the job on the page, then open what it offers."""
    expect(page.get_by_test_id("job-status")).to_have_text("Đã xong", timeout=60_000)
    page.locator("#job-result a").click()


def write_checked(page: Any, count: int) -> None:
    """Confirm a clean preview and wait until it is written."""
    page.get_by_text("Ghi vào dữ liệu").click()
    page.get_by_role("button", name=f"Xác nhận ghi {count} mục").click()
    finished(page)
    expect(page.get_by_test_id("import-outcome")).to_contain_text(f"{count} mục mới")


def spreadsheet(folder: Path, name: str, rows: list[list[str]]) -> Path:
    path = folder / name
    path.write_bytes(xlsx(rows))
    return path


def public_standings(url: str, slug: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{url}/api/v1/events/{slug}/standings", timeout=10) as answer:
        snapshot = json.load(answer)
    return [{k: v for k, v in row.items() if k != "id"} for row in snapshot["entries"]]


def test_a_new_committee_runs_a_whole_event_from_the_browser(installs, browser, tmp_path):
    venue, spare = installs
    organiser = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = organiser.new_page()
    first_run(page, venue.url)

    # The units, imported by the administrator.
    page.goto(f"{venue.url}/manage/units/import")
    upload(
        page,
        page,
        spreadsheet(
            tmp_path,
            "don-vi.xlsx",
            [
                [column.label for column in UNIT_COLUMNS],
                *UNITS,
            ],
        ),
    )
    write_checked(page, len(UNITS))

    # The event.
    page.goto(f"{venue.url}/manage/")
    page.get_by_role("link", name="Tạo sự kiện").click()
    page.get_by_label("Tên sự kiện").fill(EVENT)
    page.get_by_label("Ngày tổ chức").fill("15/01/2027")
    unit = page.get_by_label("Đơn vị tổ chức")
    quang_nam = unit.locator("option", has_text="Công ty Điện lực Quảng Nam")
    unit.select_option(quang_nam.get_attribute("value"))
    page.get_by_role("button", name="Tạo sự kiện").click()
    expect(page.get_by_text(f"Đã tạo sự kiện “{EVENT}”.")).to_be_visible()
    console = page.url
    slug = console.rstrip("/").rsplit("/", 1)[1]

    # A hundred rows (fifty initiatives of two authors), five of them wrong: each is shown,
    # nothing is written; the corrected file goes in.
    rows = good_rows(50)
    rows[0][HEADER.index("Tỷ lệ đóng góp (%)")] = "70"
    rows[10][HEADER.index("Ngày áp dụng lần đầu")] = "2025-12-05"
    rows[20][HEADER.index("Mã đơn vị")] = "KHONGCO"
    rows[40][HEADER.index("Chuyên đề")] = "Chuyên đề lạ"
    rows[60][HEADER.index("Họ và tên tác giả")] = ""
    page.get_by_role("link", name="Nhập dữ liệu").click()
    initiatives = page.get_by_role("region", name="Sáng kiến và tác giả")
    upload(page, initiatives, spreadsheet(tmp_path, "sang-kien-loi.xlsx", [HEADER, *rows]))
    problems = page.get_by_test_id("import-problems").locator("tbody tr")
    expect(problems).to_have_count(5)
    for row in ("2", "12", "22", "42", "62"):
        expect(problems.filter(has=page.locator(f"td:text-is('{row}')")).first).to_be_visible()
    expect(page.get_by_role("button", name="Ghi vào dữ liệu")).to_be_disabled()
    page.goto(console + "initiatives")
    expect(page.get_by_text("Chưa có sáng kiến nào trong danh sách.")).to_be_visible()

    page.goto(console + "import")
    upload(page, initiatives, spreadsheet(tmp_path, "sang-kien.xlsx", [HEADER, *good_rows(50)]))
    write_checked(page, 50)

    # The rubric: the weights moved by five points between two criteria.
    page.goto(console + "rubric")
    page.get_by_test_id("criterion-0").get_by_label("Trọng số (%)").fill("25")
    page.get_by_test_id("criterion-4").get_by_label("Trọng số (%)").fill("5")
    page.get_by_role("button", name="Lưu thang điểm").first.click()
    expect(page.get_by_text("Đã lưu thang điểm.")).to_be_visible()

    # The jury, then two of the initiatives pitched in the final.
    page.goto(console + "import")
    jury = page.get_by_role("region", name=re.compile("Giám khảo|Hội đồng"))
    upload(
        page,
        jury,
        spreadsheet(
            tmp_path,
            "giam-khao.xlsx",
            [
                [column.label for column in JUDGE_COLUMNS],
                *JUDGES,
            ],
        ),
    )
    write_checked(page, len(JUDGES))
    page.goto(console + "rounds")
    page.get_by_role("link", name="Vòng chung khảo").first.click()
    for code in ("SK-0001", "SK-0002"):
        page.locator("label.check", has_text=code).get_by_role("checkbox").check()
    page.get_by_role("button", name="Thêm các sáng kiến đã chọn vào vòng").click()
    expect(page.get_by_text("Đã thêm 2 bài vào vòng “Vòng chung khảo”.")).to_be_visible()

    # The cards: one judge uses the QR link, the other the code and PIN.
    page.goto(console + "jury")
    page.get_by_text("In thẻ cho mọi giám khảo đang chấm").click()
    with page.expect_download() as printed:
        page.get_by_role("button", name="Cấp và in thẻ mới").click()
    pdf = tmp_path / "the.pdf"
    printed.value.save_as(pdf)
    cards = cards_of(pdf)
    link = re.search(r"(http://\S+/j/[A-Za-z0-9_-]{20,})", cards[0])[1]
    code, pin = re.search(r"(GK\d+)\s+PIN\s+(\d{3} \d{3})", cards[1]).groups()

    page.goto(console)
    page.get_by_role("button", name="Mở đăng ký").click()
    page.get_by_role("button", name="Bắt đầu chấm điểm").click()
    expect(page.get_by_test_id("event-status")).to_have_text("Đang chấm điểm")
    dashboard = organiser.new_page()
    dashboard.goto(console + "dashboard")
    expect(dashboard.locator("#link.live")).to_be_visible()
    dashboard.evaluate("window.notReloaded = true")

    by_qr = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True).new_page()
    by_qr.goto(link)
    by_pin = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True).new_page()
    by_pin.goto(f"{venue.url}/j")
    by_pin.get_by_label("Mã giám khảo").fill(code)
    by_pin.get_by_label("PIN").fill(pin)
    by_pin.get_by_role("button", name="Đăng nhập").click()
    for tablet in (by_qr, by_pin):
        for title in ("Sáng kiến số 1", "Sáng kiến số 2"):
            tablet.get_by_text(title).click()
            expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
            score_every_criterion(tablet)
            tablet.locator("#submit").click()
            expect(tablet.locator("#save-state")).to_contain_text("Đã gửi")
            tablet.get_by_text("Danh sách bài").click()

    submitted = dashboard.locator('td[data-state="submitted"]')
    expect(submitted).to_have_count(4)
    expect(dashboard.locator('[data-count="sheets"]')).to_have_text("4")
    assert dashboard.evaluate("window.notReloaded") is True

    # Lock, back up, and restore into the spare laptop: the same standings.
    page.goto(console)
    page.get_by_role("button", name="Khóa kết quả").click()
    expect(page.get_by_test_id("event-status")).to_have_text("Đã khóa kết quả")
    locked = public_standings(venue.url, slug)
    assert [row["sheets"] for row in locked] == [2, 2]
    with page.expect_download() as saved:
        page.get_by_role("link", name="Tải tệp sao lưu").click()
    backup = tmp_path / saved.value.suggested_filename
    saved.value.save_as(backup)

    spare_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    first_run(spare_page, spare.url)
    spare_page.get_by_role("link", name="Khôi phục từ tệp sao lưu").click()
    spare_page.get_by_label("Tệp sao lưu").set_input_files(str(backup))
    spare_page.get_by_role("button", name="Khôi phục").click()
    expect(spare_page.get_by_test_id("job-status")).to_have_text("Đã xong", timeout=60_000)
    spare_page.get_by_role("link", name="Mở sự kiện đã khôi phục").click()
    expect(spare_page.get_by_test_id("event-status")).to_have_text("Đã khóa kết quả")
    assert public_standings(spare.url, slug) == locked
