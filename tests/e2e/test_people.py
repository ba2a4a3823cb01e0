"""The Ban Tổ chức grows from the browser: the administrator makes an account, gives it a role in
the demo event, and the newcomer signs in with the password shown once, then chooses their own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_new_organiser_joins_the_event_as_a_viewer(server, browser):
    admin = browser.new_page(viewport={"width": 1280, "height": 900})
    accounts = server["organiser_url"].split("/manage/")[0] + "/manage/organisers"
    admin.goto(accounts)
    admin.get_by_label("Email").fill(server["organiser"]["email"])
    admin.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    admin.get_by_role("button", name="Đăng nhập").click()
    expect(admin).to_have_url(accounts)
    admin.get_by_role("link", name="Tạo tài khoản").click()
    admin.get_by_label("Họ và tên").fill("Đỗ Thị Mai Phương")
    admin.get_by_label("Email", exact=True).fill("mai.phuong@evn.vn")
    admin.get_by_role("button", name="Tạo tài khoản").click()
    expect(admin.get_by_role("heading")).to_have_text("Đã tạo tài khoản cho Đỗ Thị Mai Phương")
    password = admin.get_by_test_id("new-password").inner_text()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)

    admin.goto(server["organiser_url"])
    menu = admin.get_by_role("navigation", name="Các trang của sự kiện")
    menu.get_by_role("link", name="Ban Tổ chức").click()
    expect(admin.get_by_role("heading", name="Ban Tổ chức của sự kiện")).to_be_visible()
    admin.get_by_label("Email của người cần thêm").fill("mai.phuong@evn.vn")
    admin.get_by_role("radio", name=re.compile("^Theo dõi")).check()
    admin.get_by_role("button", name="Thêm vào Ban Tổ chức").click()
    expect(
        admin.get_by_text("Đã thêm Đỗ Thị Mai Phương vào Ban Tổ chức với vai trò Theo dõi.")
    ).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text="mai.phuong@evn.vn")).to_contain_text(
        "Theo dõi"
    )

    newcomer = browser.new_page(viewport={"width": 1280, "height": 900})
    newcomer.goto(server["organiser_url"] + "people")
    newcomer.get_by_label("Email").fill("mai.phuong@evn.vn")
    newcomer.get_by_label("Mật khẩu").fill(password)
    newcomer.get_by_role("button", name="Đăng nhập").click()
    expect(
        newcomer.get_by_text("Hãy đặt mật khẩu của riêng bạn trước khi tiếp tục.")
    ).to_be_visible()
    newcomer.get_by_label("Mật khẩu hiện tại").fill(password)
    newcomer.get_by_label("Mật khẩu mới (ít nhất 8 ký tự)").fill("mat-khau-cua-phuong")
    newcomer.get_by_label("Nhập lại mật khẩu mới").fill("mat-khau-cua-phuong")
    newcomer.get_by_role("button", name="Đổi mật khẩu").click()
    expect(newcomer).to_have_url(server["organiser_url"] + "people")
    expect(newcomer.get_by_test_id("read-only")).to_be_visible()
    expect(newcomer.get_by_role("button", name="Thêm vào Ban Tổ chức")).to_have_count(0)
    expect(newcomer.get_by_role("button", name="Đổi vai trò")).to_have_count(0)
    newcomer.get_by_role("link", name="Tiến độ chấm điểm").click()
    expect(newcomer.get_by_role("heading", name="Tiến độ chấm điểm")).to_be_visible()
    expect(newcomer.get_by_text("Cấp lại thẻ")).to_have_count(0)
    newcomer.goto(accounts)
    expect(
        newcomer.get_by_text("Chỉ quản trị viên hệ thống mới mở được trang này.")
    ).to_be_visible()
