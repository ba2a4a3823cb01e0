"""The owner downloads an event's backup from its overview; an administrator restores it through
the browser, follows the job and opens the restored event, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_event_is_downloaded_then_restored_from_the_browser(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    overview = server["organiser_url"]
    console = overview.split("/manage/")[0] + "/manage/"
    page.goto(overview)
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(overview)

    expect(page.get_by_text("Tệp có thông tin cá nhân", exact=False)).to_be_visible()
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Tải tệp sao lưu").click()
    download = waiting.value
    assert download.suggested_filename.startswith(server["event"])
    assert download.suggested_filename.endswith(".sangtao")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    page.goto(console)
    page.get_by_role("link", name="Khôi phục từ tệp sao lưu").click()
    expect(page.get_by_role("heading", name="Khôi phục sự kiện")).to_be_visible()
    page.get_by_label("Tệp sao lưu").set_input_files(str(saved))
    page.get_by_role("button", name="Khôi phục").click()

    expect(page.get_by_test_id("job-status")).to_have_text("Đã xong", timeout=30_000)
    restored = f"{server['event']}-2"
    expect(page.locator("#job-notes")).to_contain_text(restored)
    page.get_by_role("link", name="Mở sự kiện đã khôi phục").click()
    expect(page).to_have_url(f"{console}{restored}/")
    expect(page.get_by_test_id("event-status")).to_have_text("Đang chấm điểm")
