"""An organiser creates an event from the console and tries to start its scoring, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_organiser_creates_an_event_and_reads_what_stops_the_scoring(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = server["organiser_url"].split("/manage/")[0] + "/manage/"
    page.goto(console)
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(console)

    page.get_by_role("link", name="Tạo sự kiện").click()
    expect(page.get_by_role("heading", name="Tạo sự kiện")).to_be_visible()
    page.get_by_label("Tên sự kiện").fill("Hội thi Sáng tạo trẻ Đà Nẵng")
    page.get_by_label("Ngày tổ chức").fill("31/02/2027")
    page.get_by_label("Đơn vị tổ chức").select_option(label="Công ty TNHH MTV Điện lực Đà Nẵng")
    page.get_by_role("button", name="Tạo sự kiện").click()
    expect(page.get_by_text("ví dụ 05/12/2026.", exact=False).last).to_be_visible()
    page.get_by_label("Ngày tổ chức").fill("20/03/2027")
    page.get_by_label("Địa điểm").press("Enter")  # the keyboard sends the form too

    overview = console + "hoi-thi-sang-tao-tre-da-nang/"
    expect(page).to_have_url(overview)
    expect(page.get_by_text("Đã tạo sự kiện “Hội thi Sáng tạo trẻ Đà Nẵng”.")).to_be_visible()
    expect(page.get_by_test_id("event-status")).to_have_text("Đang chuẩn bị")
    page.goto(console)
    page.get_by_role("link", name="Hội thi Sáng tạo trẻ Đà Nẵng", exact=True).click()
    expect(page).to_have_url(overview)

    page.get_by_role("button", name="Mở đăng ký").click()
    expect(page.get_by_test_id("event-status")).to_have_text("Đang mở đăng ký")
    page.get_by_role("button", name="Bắt đầu chấm điểm").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Chưa có giám khảo.")
    expect(alert).to_contain_text("Chưa có bài dự thi.")
    expect(page.get_by_test_id("event-status")).to_have_text("Đang mở đăng ký")
