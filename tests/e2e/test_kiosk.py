"""At tablet size: an organiser puts a tablet in kiosk mode, an exhibitor registers an initiative
with two authors and two photos, sees the QR code and the edit code, then the kiosk goes back to
its first screen on its own."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.server import Server

pytestmark = pytest.mark.browser
IDLE_SECONDS = 4


@pytest.fixture(scope="module")
def kiosk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo on a server whose kiosk goes back to its first screen after a few seconds."""
    running = Server(tmp_path_factory.mktemp("kiosk"), SANGTAO_KIOSK_IDLE=str(IDLE_SECONDS))
    demo = running.seed()
    running.start()
    yield demo
    running.stop()


def png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), colour).save(out, "PNG")
    return out.getvalue()


def test_a_kiosk_registration_with_two_photos_and_two_authors(kiosk_server, browser):
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    exhibits = kiosk_server["organiser_url"] + "exhibits"
    page.goto(exhibits)
    page.get_by_label("Email").fill(kiosk_server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(kiosk_server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(exhibits)
    page.get_by_label("Đặt PIN kiosk (4 đến 8 chữ số)").fill("2468")
    page.get_by_role("button", name="Lưu PIN kiosk").click()
    expect(page.get_by_text("Đã đặt PIN kiosk.")).to_be_visible()
    page.get_by_text("Mở chế độ kiosk", exact=True).click()
    page.get_by_role("button", name="Mở chế độ kiosk trên máy này").click()
    expect(page.get_by_role("heading", name="Đăng ký sản phẩm trưng bày")).to_be_visible()
    expect(page.get_by_text("Bước 1/5")).to_be_visible()

    # A step with a field left empty or a date misshapen says so in the page's language, not
    # the browser's (an English one here).
    title = page.get_by_label("Tên sáng kiến")
    applied = page.get_by_label("Ngày áp dụng lần đầu hoặc áp dụng thử")
    page.get_by_role("button", name="Tiếp tục").click()
    assert title.evaluate("field => field.validationMessage") == "Hãy điền mục này."
    title.fill("Giá đỡ nâng máy biến áp không cần cần cẩu")
    page.locator("select[name=unit]").select_option(index=1)
    page.locator("select[name=solution_type]").select_option("technical")
    applied.fill("5-3-2025")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_text("Bước 1/5")).to_be_visible()
    message = "Hãy nhập ngày theo dạng dd/mm/yyyy."
    assert applied.evaluate("field => field.validationMessage") == message
    applied.fill("05/03/2025")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Nội dung giải pháp").fill("Giá đỡ thủy lực lắp trên xe tải nhỏ.")
    page.get_by_label("Hiệu quả").fill("Thay máy biến áp trong 40 phút thay vì nửa ngày.")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Giá trị làm lợi (đồng/năm)").fill("85.000.000")
    page.get_by_label("Thông tin cần bảo mật").fill("Bản vẽ kết cấu giá đỡ")
    page.get_by_role("button", name="Tiếp tục").click()
    main = page.locator('fieldset[data-row="1"]')
    main.get_by_label("Họ và tên").fill("Bùi Đức Thắng")
    main.get_by_label("Tỷ lệ đóng góp (%)").fill("60")
    page.get_by_role("button", name="Thêm đồng tác giả").click()
    second = page.locator('fieldset[data-row="2"]')
    second.get_by_label("Họ và tên").fill("Đỗ Thị Mai Phương")
    second.get_by_label("Tỷ lệ đóng góp (%)").fill("39,5")
    # Written as the server writes it.
    expect(page.get_by_text("Tổng tỷ lệ đóng góp: 99,5%")).to_be_visible()
    second.get_by_label("Tỷ lệ đóng góp (%)").fill("40")
    expect(page.get_by_text("Tổng tỷ lệ đóng góp: 100%")).to_be_visible()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label(re.compile("^Chọn ảnh")).set_input_files(
        [
            {"name": "gia-do.png", "mimeType": "image/png", "buffer": png((200, 40, 40))},
            {"name": "lap-dat.png", "mimeType": "image/png", "buffer": png((40, 40, 200))},
        ]
    )
    page.get_by_role("button", name="Gửi đăng ký").click()

    expect(page.get_by_role("heading", name="Đã gửi đăng ký")).to_be_visible()
    expect(page.get_by_role("img", name="Mã QR của sản phẩm")).to_be_visible()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", page.get_by_test_id("edit-code").inner_text())
    expect(page.locator("#kiosk-idle")).to_contain_text("giây")
    # Left alone, the kiosk goes back to an empty form for the next exhibitor.
    expect(page.get_by_text("Bước 1/5")).to_be_visible(timeout=(IDLE_SECONDS + 6) * 1000)
    expect(page.get_by_label("Tên sáng kiến")).to_have_value("")
