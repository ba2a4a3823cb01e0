"""An organiser edits the rubric of a new event and previews the judge's sheet, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_organiser_fixes_the_weights_saves_and_previews_the_sheet(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    console = server["organiser_url"].split("/manage/")[0] + "/manage/"
    page.goto(console)
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(console)
    page.get_by_role("link", name="Tạo sự kiện").click()
    page.get_by_label("Tên sự kiện").fill("Hội thi thuyết trình Quảng Nam")
    page.get_by_label("Ngày tổ chức").fill("12/06/2027")
    page.get_by_role("button", name="Tạo sự kiện").click()

    page.get_by_role("link", name="Thang điểm").click()
    expect(page.get_by_role("heading", name="Thang điểm")).to_be_visible()
    expect(page.get_by_test_id("weight-total")).to_have_text("100%")
    novelty = page.get_by_test_id("criterion-0")
    expect(novelty.get_by_label("Tên tiêu chí (tiếng Việt)")).to_have_value(
        "Tính mới, tính sáng tạo"
    )
    novelty.get_by_label("Trọng số (%)").fill("25")
    novelty.get_by_label("Trọng số (%)").press("Enter")  # the keyboard saves

    problems = page.get_by_test_id("rubric-problems")
    expect(problems).to_contain_text(
        "Các trọng số cộng lại được 105%, cần đúng 100%: hãy bớt 5% ở một hoặc vài tiêu chí."
    )
    expect(page.get_by_test_id("weight-total")).to_have_text("105%")
    pitch = page.get_by_test_id("criterion-4")
    pitch.get_by_label("Trọng số (%)").fill("5")
    page.get_by_role("button", name="Lưu thang điểm").first.click()
    expect(page.get_by_text("Đã lưu thang điểm.")).to_be_visible()
    expect(page.get_by_test_id("weight-total")).to_have_text("100%")
    expect(page.get_by_test_id("criterion-4").get_by_label("Trọng số (%)")).to_have_value("5")

    page.get_by_role("link", name="Xem trước phiếu chấm của giám khảo").click()
    expect(page.get_by_test_id("preview-note")).to_be_visible()
    sheet = page.locator("#sheet")
    expect(sheet).to_have_attribute("data-state", "ready")
    novelty = sheet.locator('.criterion[data-key="novelty"]')
    novelty.get_by_role("button", name="18–20").click()
    novelty.get_by_role("button", name="19", exact=True).click()
    expect(page.get_by_test_id("value-novelty")).to_have_text("19")
    for key, band in (("effectiveness", "0"), ("benefit", "0"), ("replicability", "0")):
        sheet.locator(f'.criterion[data-key="{key}"] .band[data-min="{band}"]').click()
    sheet.locator('.criterion[data-key="pitch"] .band[data-min="9"]').click()
    sheet.locator('.criterion[data-key="pitch"]').get_by_role("button", name="9,5").click()
    expect(page.get_by_test_id("value-pitch")).to_have_text("9,5")
    # 25% of 19/20 and 5% of 9,5/10, out of 100
    expect(page.locator("#total")).to_have_text("28,5")
    expect(page.get_by_role("button", name="Gửi phiếu chấm")).to_be_disabled()
    assert page.evaluate("Object.keys(window.localStorage)") == []
    assert not [url for url in sent if "/api/v1/scoresheets" in url]
    page.close()
