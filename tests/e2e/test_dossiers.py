"""A dossier's whole way, as new users try it in the browser: the administrator puts a colleague
in a unit's support team; a worker registers a dossier whose authors' shares add up to 90%; the
support team member gets it, takes it in hand and returns it asking for the missing share; the
worker corrects it from their personal link and submits it again; the member marks it complete
and recognises it with its decision number; the dossier's audit shows every step. Each page on
the way is checked by axe-core against WCAG 2.1 AA, as the console's pages are."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import unavailable
from tests.e2e.server import SANGTAO, Server
from tests.e2e.test_accessibility import AXE, violations

pytestmark = pytest.mark.browser

MEMBER = {
    "email": "to-ho-tro@evn.example",
    "password": "mat-khau-to-ho-tro",
    "name": "Lê Minh Tuấn",
}
UNIT = "Công ty Điện lực Quảng Nam"
TITLE = "Giá đỡ nâng máy biến áp phân phối không cần xe cẩu"
REASON = "Thiếu tỷ lệ đóng góp của đồng tác giả Nguyễn Văn Hùng: tổng mới là 90%."


@pytest.fixture(scope="module")
def dossier_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo on a running server, with a second organiser account for the support team."""
    running = Server(tmp_path_factory.mktemp("dossiers"))
    demo = running.seed()
    subprocess.run(
        [SANGTAO, "create-organiser", "--email", MEMBER["email"], "--name", MEMBER["name"]],
        env=running.env | {"SANGTAO_ORGANISER_PASSWORD": MEMBER["password"]},
        check=True,
        capture_output=True,
    )
    running.start()
    yield demo | {"url": running.url}
    running.stop()


def sign_in(page: Page, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("banner")).to_contain_text("Đăng xuất")


def choose_unit(page: Page, name: str) -> None:
    units = page.locator('select[name="unit"]')
    units.select_option(units.locator("option", has_text=name).first.get_attribute("value"))


@pytest.fixture
def pages(browser: Any) -> Iterator[Any]:
    """New pages, each in a browser of its own that may add axe-core to the page."""
    if not AXE.exists():
        unavailable(f"axe-core not installed at {AXE} (npm ci)")
    opened = []

    def new_page(width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
        opened.append(context)
        return context.new_page()

    yield new_page
    for context in opened:
        context.close()


def test_a_dossier_from_registration_to_recognition(dossier_server, pages):
    url = dossier_server["url"]
    found: list[str] = []
    admin = pages()
    sign_in(
        admin, url, dossier_server["organiser"]["email"], dossier_server["organiser"]["password"]
    )
    admin.get_by_role("banner").get_by_role("link", name="Tổ hỗ trợ sáng kiến").click()
    choose_unit(admin, UNIT)
    admin.get_by_label("Email tài khoản").fill(MEMBER["email"])
    admin.get_by_role("button", name="Thêm vào Tổ").click()
    expect(admin.get_by_test_id("support-members")).to_contain_text(MEMBER["name"])
    found += violations(admin)

    # The worker registers, on their phone.
    worker = pages(412, 915)
    worker.goto(f"{url}/dossier/new")
    found += violations(worker)
    worker.locator('[name="title"]').fill(TITLE)
    choose_unit(worker, UNIT)
    worker.locator('[name="solution_type"]').select_option("technical")
    worker.locator('[name="first_applied_on"]').fill("05/03/2025")
    worker.locator('[name="solution"]').fill("Giá đỡ thép gập, nâng bằng kích thủy lực.")
    worker.locator('[name="benefit"]').fill("150.000.000")
    worker.locator('[name="author-1-name"]').fill("Bùi Đức Thắng")
    worker.locator('[name="author-1-share"]').fill("60")
    worker.locator('[name="author-2-name"]').fill("Đỗ Thị Mai Phương")
    worker.locator('[name="author-2-share"]').fill("30")
    worker.get_by_role("button", name="Nộp hồ sơ").click()
    expect(worker.get_by_test_id("state")).to_have_text("Đã nộp")
    expect(worker.get_by_test_id("missing")).to_contain_text("90%")
    personal = worker.url
    found += violations(worker)
    assert worker.get_by_test_id("personal-link").input_value().endswith(personal.split(url)[1])

    # The support team member gets it.
    member = pages()
    sign_in(member, url, MEMBER["email"], MEMBER["password"])
    member.get_by_role("banner").get_by_role("link", name="Hồ sơ sáng kiến").click()
    expect(member.get_by_test_id("waits")).to_contain_text("Đã nộp")
    found += violations(member)
    member.get_by_test_id("queue").get_by_role("link", name=TITLE).click()
    member.get_by_role("button", name="Nhận hỗ trợ").click()
    expect(member.get_by_test_id("state")).to_have_text("Đang hỗ trợ")
    expect(member.get_by_test_id("checklist")).to_contain_text("90%")
    found += violations(member)
    member.get_by_label("Ghi chú mới").fill("Đã gọi anh Thắng: còn anh Hùng 10%.")
    member.get_by_role("button", name="Thêm ghi chú").click()
    member.get_by_label("Trả lại cho người lao động").fill(REASON)
    member.get_by_role("button", name="Trả lại hồ sơ").click()
    expect(member.get_by_test_id("state")).to_have_text("Trả lại")

    # The worker reads the answer (not the team's note) and corrects the shares.
    worker.goto(personal)
    expect(worker.get_by_test_id("returned-reason")).to_contain_text(REASON)
    expect(worker.get_by_text("Đã gọi anh Thắng")).to_have_count(0)
    found += violations(worker)
    worker.get_by_role("link", name=TITLE).click()
    found += violations(worker)
    worker.get_by_text("Thêm đồng tác giả").click()
    worker.locator('[name="author-3-name"]').fill("Nguyễn Văn Hùng")
    worker.locator('[name="author-3-share"]').fill("10")
    worker.get_by_role("button", name="Lưu phần sửa").click()
    expect(worker.get_by_text("Đã lưu phần sửa.")).to_be_visible()
    expect(worker.get_by_test_id("missing")).to_have_count(0)
    worker.get_by_role("button", name="Nộp hồ sơ").click()
    expect(worker.get_by_test_id("state")).to_have_text("Đã nộp")

    # The member takes it again, marks it complete and recognises it.
    member.reload()
    member.get_by_role("button", name="Nhận hỗ trợ").click()
    member.get_by_role("button", name="Xác nhận đủ hồ sơ").click()
    expect(member.get_by_test_id("state")).to_have_text("Đủ hồ sơ")
    member.get_by_label("Cấp công nhận").select_option("base")
    member.get_by_label("Số quyết định").fill("125/QĐ-PCQNA")
    member.get_by_label("Ngày quyết định").fill("05/12/2025")
    member.get_by_role("button", name="Công nhận sáng kiến").click()
    expect(member.get_by_test_id("state")).to_have_text("Đã công nhận")
    audit = member.get_by_test_id("audit")
    for step in (
        "Đăng ký sáng kiến",
        "Bắt đầu hồ sơ",
        "Nộp hồ sơ",
        "Nhận hỗ trợ",
        "Phân công",
        "Thêm ghi chú",
        "Trả lại hồ sơ",
        "Sửa hồ sơ",
        "Xác nhận đủ hồ sơ",
        "Công nhận",
        "Ghi quyết định công nhận",
    ):
        expect(audit).to_contain_text(step)
    expect(audit).to_contain_text(REASON)
    expect(audit).to_contain_text("125/QĐ-PCQNA")
    expect(member.get_by_test_id("stays").get_by_role("row")).to_have_count(9)

    worker.goto(personal)
    expect(worker.get_by_test_id("state")).to_have_text("Đã công nhận")
    expect(worker.get_by_test_id("dossier")).to_contain_text("125/QĐ-PCQNA")
    assert os.path.basename(personal) not in member.content()
    found += violations(member)
    assert found == [], "\n".join(found)
