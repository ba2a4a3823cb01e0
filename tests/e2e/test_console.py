"""The organiser's side in headless Chromium: the first run on a fresh install, then the console."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.server import Server
from tests.e2e.test_judging import POINTS, post_sheet

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh(tmp_path) -> Iterator[Server]:
    """A server on an empty database, as after installing: nobody has an account yet."""
    running = Server(tmp_path)
    running.start()
    yield running
    running.stop()


def test_a_fresh_install_creates_its_administrator_in_the_browser(fresh, browser):
    page = browser.new_page()
    page.goto(fresh.url)
    expect(page).to_have_url(f"{fresh.url}/setup")
    expect(page.get_by_role("heading")).to_have_text("Chào mừng đến với Sáng tạo Live")
    page.get_by_label("Họ và tên").fill("Hoàng Thị Lan Anh")
    page.get_by_label("Email").fill("lan.anh@evn.vn")
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill("mat-khau-manh")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-khac")
    page.get_by_role("button", name="Tạo tài khoản quản trị").click()
    expect(page.get_by_text("Hai lần nhập mật khẩu không khớp.")).to_be_visible()
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill("mat-khau-manh")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-manh")
    page.get_by_role("button", name="Tạo tài khoản quản trị").click()
    expect(page).to_have_url(f"{fresh.url}/manage/")
    expect(
        page.get_by_text("Đã tạo tài khoản quản trị. Chào mừng Hoàng Thị Lan Anh!")
    ).to_be_visible()
    expect(page.get_by_text("Bạn là quản trị viên hệ thống")).to_be_visible()

    # On a phone, a venue typed as one long word wraps instead of pushing the page sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{fresh.url}/manage/new")
    page.get_by_label("Tên sự kiện").fill("Ngày hội Lao động sáng tạo 2026")
    page.get_by_label("Ngày tổ chức").fill("05/12/2026")
    page.get_by_label("Địa điểm").fill("HộitrườngTrungtâm" * 15)
    page.get_by_role("button", name="Tạo sự kiện").click()
    expect(page.get_by_role("heading", name="Ngày hội Lao động sáng tạo 2026")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the event's overview
    page.goto(f"{fresh.url}/manage/")
    expect(page.get_by_text("Ngày hội Lao động sáng tạo 2026")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    other = browser.new_page()
    other.goto(f"{fresh.url}/setup")
    expect(other).to_have_url(f"{fresh.url}/login")


def test_the_organiser_follows_the_judging_from_the_console(server, browser):
    expert = next(j for j in server["judges"] if j["role"] == "expert")
    body = {"id": str(uuid.uuid4()), "entry": server["entries"][6]["id"], "scores": POINTS}
    assert post_sheet(
        server["display_url"].split("/display/")[0], expert["token"], body | {"submit": True}
    )[0] in (200, 201)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["organiser_url"])
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(server["organiser_url"])
    menu = page.get_by_role("navigation", name="Các trang của sự kiện")
    for label in ("Tổng quan", "Sản phẩm trưng bày", "Tiến độ chấm điểm", "Màn hình lớn"):
        expect(menu.get_by_role("link", name=label)).to_be_visible()
    menu.get_by_role("link", name="Tiến độ chấm điểm").click()
    expect(page.get_by_role("heading", name="Tiến độ chấm điểm")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=expert["name"])
    expect(row).to_contain_text("/")
    done = int(row.locator("td.num").first.inner_text().split("/")[0])
    assert done >= 1


def test_an_organiser_page_needs_the_login_and_comes_back_after_it(server, browser):
    page = browser.new_page()
    target = server["organiser_url"] + "screens"
    page.goto(target)
    expect(page.get_by_text("Vui lòng đăng nhập để mở trang này.")).to_be_visible()
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(target)
    expect(
        page.get_by_role("link", name=f"/display/{server['event']}", exact=False)
    ).to_be_visible()


def test_a_manager_reissues_a_lost_judge_card(server, browser):
    """The new card's QR code shows on the page (the content security policy lets it in), the
    new link signs a tablet in, and the old one no longer does."""
    lost = next(j for j in server["judges"] if j["role"] == "manager")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["organiser_url"] + "judging")
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    row = page.get_by_role("row").filter(has_text=lost["name"])
    row.get_by_text("Cấp lại thẻ").click()
    row.get_by_role("button", name=f"Cấp thẻ mới cho {lost['name']}").click()
    expect(page.get_by_role("heading", name=f"Thẻ mới của {lost['name']}")).to_be_visible()
    code = page.get_by_role("img", name=f"Mã QR đăng nhập của {lost['name']}")
    assert code.evaluate("image => image.complete && image.naturalWidth > 0")
    link = page.get_by_test_id("judge-link").inner_text()
    assert link != lost["login_url"]

    tablet = browser.new_page()
    tablet.goto(lost["login_url"])
    expect(tablet.get_by_text("Đường dẫn đăng nhập không đúng hoặc đã bị thu hồi.")).to_be_visible()
    tablet.goto(link)
    expect(tablet.get_by_role("heading", name=lost["name"])).to_be_visible()
