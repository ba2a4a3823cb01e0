"""The library as a new user tries it: search without diacritics, filter by a unit's subtree and
a year, open a record, export the search as XLSX."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_search_filter_open_and_export(server, browser, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(server["organiser_url"])
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(server["organiser_url"])

    page.get_by_role("banner").get_by_role("link", name="Thư viện sáng kiến").click()
    expect(page.get_by_role("heading", name="Thư viện sáng kiến")).to_be_visible()
    page.get_by_label("Tìm theo tên, mã, tóm tắt, tác giả, đơn vị").fill("tiet kiem dien")
    page.get_by_role("button", name="Tìm", exact=True).click()
    results = page.get_by_test_id("library-results")
    expect(results.get_by_role("row").nth(1)).to_be_visible()
    everywhere = results.get_by_role("row").count() - 1

    units = page.get_by_label("Đơn vị (cả các đơn vị trực thuộc)")
    cpc = units.locator("option", has_text="Tổng công ty Điện lực miền Trung")
    units.select_option(cpc.get_attribute("value"))
    page.get_by_label("Năm (áp dụng lần đầu hoặc công nhận)").fill("2025")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page).to_have_url(re.compile(r"year=2025"))
    rows = results.get_by_role("row")
    expect(rows.nth(1)).to_be_visible()
    found = rows.count() - 1
    assert 0 < found <= everywhere
    for line in range(1, found + 1):
        assert rows.nth(line).get_by_role("cell").nth(1).inner_text() in {
            "Công ty Điện lực Quảng Nam",
            "Công ty TNHH MTV Điện lực Đà Nẵng",
            "Công ty Điện lực Thừa Thiên Huế",
            "Tổng công ty Điện lực miền Trung",
        }

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    saved = tmp_path / "thu-vien.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet.max_row - 1 == found
    assert sheet.cell(1, 2).value == "Tên sáng kiến"

    title = rows.nth(1).get_by_role("link").inner_text()
    rows.nth(1).get_by_role("link").click()
    expect(page.get_by_test_id("record-title")).to_have_text(title)
    expect(page.get_by_test_id("appearances")).to_contain_text("Gian trưng bày")
    expect(page.get_by_test_id("recognition")).to_contain_text("Chưa được công nhận")
