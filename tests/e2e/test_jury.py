"""The Hội đồng chấm thi grows from the browser: an organiser adds a judge, reads their link shown
once, the judge opens it on a tablet, and a recusal with a reason reaches the judge's list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REASON = "Là người hướng dẫn nhóm tác giả"


def test_a_judge_added_from_the_console_opens_their_list_and_sees_a_recusal(server, browser):
    organiser = browser.new_page(viewport={"width": 1280, "height": 900})
    organiser.goto(server["organiser_url"])
    organiser.get_by_label("Email").fill(server["organiser"]["email"])
    organiser.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    organiser.get_by_role("button", name="Đăng nhập").click()
    menu = organiser.get_by_role("navigation", name="Các trang của sự kiện")
    menu.get_by_role("link", name="Hội đồng chấm thi").click()
    expect(organiser.get_by_role("heading", name="Hội đồng chấm thi", exact=True)).to_be_visible()

    form = organiser.get_by_role("form", name="Thêm giám khảo")
    form.get_by_label("Họ và tên").fill("Dương Thị Hồng Nhung")
    form.get_by_label("Vai trò trong Hội đồng").select_option(label="Chuyên gia kỹ thuật")
    form.get_by_label("Đơn vị").select_option(label="Công ty Điện lực Quảng Nam")
    form.get_by_role("button", name="Thêm vào Hội đồng").click()
    expect(organiser.get_by_role("heading")).to_have_text("Đã thêm giám khảo Dương Thị Hồng Nhung")
    expect(organiser.get_by_test_id("recused-count")).to_contain_text("không chấm 2 bài")
    expect(
        organiser.get_by_role("img", name="Mã QR đăng nhập của Dương Thị Hồng Nhung")
    ).to_be_visible()
    link = organiser.get_by_test_id("judge-link").inner_text()

    tablet = browser.new_page(viewport={"width": 1024, "height": 768})
    tablet.goto(link)
    expect(tablet.get_by_role("heading", name="Dương Thị Hồng Nhung")).to_be_visible()
    own_unit = tablet.locator("li[data-title^='Ứng dụng AI phát hiện nguy cơ']")
    expect(own_unit).to_contain_text("Không chấm: cùng đơn vị với tác giả")
    robot = tablet.locator("li[data-title^='Robot sửa chữa dây chống sét']")
    expect(robot.get_by_role("link")).to_be_visible()

    organiser.get_by_role("link", name="Về trang Hội đồng chấm thi").click()
    recusal = organiser.get_by_role("form", name="Giám khảo không chấm một bài")
    recusal.get_by_role("combobox", name=re.compile("^Giám khảo")).select_option(
        label="Dương Thị Hồng Nhung"
    )
    recusal.get_by_label("Bài dự thi").select_option(
        label="Robot sửa chữa dây chống sét và cáp quang OPGW trên đường dây truyền tải"
    )
    recusal.get_by_label("Lý do").fill(REASON)
    recusal.get_by_role("button", name="Ghi: không chấm bài này").click()
    expect(
        organiser.get_by_text("Đã ghi: Dương Thị Hồng Nhung không chấm bài này; phiếu chấm")
    ).to_be_visible()
    expect(organiser.get_by_role("row").filter(has_text="Dương Thị Hồng Nhung")).to_contain_text(
        REASON
    )

    tablet.reload()
    expect(robot).to_contain_text(f"Không chấm: {REASON}")
    expect(robot.get_by_role("link")).to_have_count(0)
