"""A periodic report as an organiser makes one: from the programme dashboard to the report's
page, a unit and a year, the job's progress, then the XLSX downloaded and read back."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_yearly_report_is_made_by_a_job_and_downloaded(server, browser, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(server["organiser_url"])
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(server["organiser_url"])

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(server["organiser_url"]))
    page.goto(f"{origin}/manage/programme")
    page.get_by_role("link", name="Báo cáo định kỳ, bản tin").click()
    expect(page.get_by_role("heading", name="Báo cáo định kỳ")).to_be_visible()
    units = page.get_by_label("Đơn vị")
    cpc = units.locator("option", has_text="Tổng công ty Điện lực miền Trung")
    units.select_option(cpc.get_attribute("value"))
    page.get_by_label("Kỳ báo cáo").select_option("2025")
    page.get_by_label("Báo cáo (Excel)").check()
    page.get_by_role("button", name="Lập báo cáo").click()

    expect(page.get_by_test_id("job-status")).to_have_text("Đã xong", timeout=30_000)
    link = page.locator("#job-result a")
    expect(link).to_have_attribute("download", "")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "bao-cao.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename.endswith("-2025.xlsx")
    summary = {
        row[0]: row[1:] for row in load_workbook(saved)["Tổng hợp"].iter_rows(values_only=True)
    }
    assert summary["Đơn vị"][0] == "Tổng công ty Điện lực miền Trung"
    assert summary["Kỳ báo cáo"][0] == "Năm 2025"
    assert isinstance(summary["Sáng kiến được công nhận trong kỳ"][0], int)
