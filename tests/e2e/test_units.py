"""The reference data from the browser: the administrator adds a unit under EVNCPC and a theme,
reaching both pages from the title bar, and sees them listed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_administrator_adds_a_unit_and_a_theme(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["organiser_url"])
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(server["organiser_url"])

    page.get_by_role("banner").get_by_role("link", name="Đơn vị", exact=True).click()
    expect(page.get_by_role("heading", name="Đơn vị", exact=True)).to_be_visible()
    page.get_by_role("link", name="Thêm đơn vị trực thuộc Tổng công ty Điện lực miền Trung").click()
    expect(page.get_by_label("Đơn vị cấp trên")).to_contain_text("Tổng công ty Điện lực miền Trung")
    page.get_by_label("Mã đơn vị").fill("pckontum")
    page.get_by_label("Tên đơn vị").fill("Công ty Điện lực Kon Tum")
    page.get_by_label("Số CBCNV").fill("-5")
    page.get_by_role("button", name="Thêm đơn vị").click()
    expect(
        page.get_by_text("Số CBCNV là một số nguyên từ 0 trở lên, hoặc để trống.")
    ).to_be_visible()
    page.get_by_label("Số CBCNV").fill("640")
    page.get_by_role("button", name="Thêm đơn vị").click()
    expect(page.get_by_text("Đã thêm đơn vị “Công ty Điện lực Kon Tum”.")).to_be_visible()
    cpc = page.get_by_test_id("unit-EVNCPC").locator("xpath=..")  # its line and its sub-units
    expect(cpc.get_by_test_id("unit-PCKONTUM")).to_contain_text("Công ty Điện lực Kon Tum")
    expect(page.get_by_test_id("unit-PCKONTUM")).to_contain_text("640")

    page.get_by_role("button", name="Xóa Tổng công ty Điện lực miền Trung").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Không thể xóa “Tổng công ty Điện lực miền Trung”"
    )

    page.get_by_role("banner").get_by_role("link", name="Chuyên đề, lĩnh vực").click()
    expect(page.get_by_role("heading", name="Chuyên đề, lĩnh vực")).to_be_visible()
    page.get_by_label("Thêm vào danh sách Chuyên đề").fill("An toàn lao động")
    page.get_by_role("region", name="Chuyên đề").get_by_role(
        "button", name="Thêm", exact=True
    ).click()
    expect(page.get_by_text("Đã thêm “An toàn lao động” vào danh sách.")).to_be_visible()
    themes = page.get_by_test_id("terms-theme")
    expect(themes.get_by_role("listitem").last.get_by_role("textbox")).to_have_value(
        "An toàn lao động"
    )
    themes.get_by_role("button", name="Đưa “An toàn lao động” lên trên").click()
    expect(themes.get_by_role("listitem").nth(4).get_by_role("textbox")).to_have_value(
        "An toàn lao động"
    )
