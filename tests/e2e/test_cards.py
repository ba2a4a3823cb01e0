"""Judge cards from the browser: the organiser prints them, one judge signs a tablet in with the
card's QR link, another with the code and PIN on a tablet without a camera."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def cards_of(pdf: Path) -> list[str]:
    """The text of each printed card."""
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return text.split("THẺ GIÁM KHẢO")[1:]


def test_printed_cards_sign_judges_in_by_qr_link_and_by_pin(server, browser, tmp_path):
    first, second = server["judges"][0], server["judges"][1]
    organiser = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = organiser.new_page()
    page.goto(server["organiser_url"] + "jury")
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="In thẻ giám khảo")).to_be_visible()
    page.get_by_text("In thẻ cho mọi giám khảo đang chấm").click()
    expect(page.get_by_text("Thẻ cũ và mọi máy tính bảng")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Cấp và in thẻ mới").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith(f"the-giam-khao-{server['event']}")
    cards = cards_of(saved)
    assert len(cards) == len(server["judges"])

    by_link = next(card for card in cards if first["name"] in card)
    link = re.search(r"(http://\S+/j/[A-Za-z0-9_-]{20,})", by_link)[1]
    tablet = browser.new_page(viewport={"width": 1024, "height": 768})
    tablet.goto(first["login_url"])  # the card before this print no longer works
    expect(tablet.get_by_text("Đường dẫn đăng nhập không đúng hoặc đã bị thu hồi.")).to_be_visible()
    tablet.goto(link)
    expect(tablet.get_by_role("heading", name=first["name"])).to_be_visible()

    by_pin = next(card for card in cards if second["name"] in card)
    code, pin = re.search(r"(GK\d+)\s+PIN\s+(\d{3} \d{3})", by_pin).groups()
    assert "nhập mã " + code in " ".join(by_pin.split())
    no_camera = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    no_camera.goto(server["display_url"].split("/display/")[0] + "/j")
    expect(no_camera.get_by_role("heading", name="Đăng nhập giám khảo")).to_be_visible()
    no_camera.get_by_label("Mã giám khảo").fill(code.lower())
    no_camera.get_by_label("PIN").fill("000000" if pin != "000 000" else "111111")
    no_camera.get_by_role("button", name="Đăng nhập").click()
    expect(no_camera.get_by_text("Mã giám khảo hoặc PIN không đúng")).to_be_visible()
    no_camera.get_by_label("PIN").fill(pin)
    no_camera.get_by_role("button", name="Đăng nhập").click()
    expect(no_camera.get_by_role("heading", name=second["name"])).to_be_visible()
    expect(no_camera.locator("ol.pitches li").first).to_be_visible()
