"""Certificates from the browser: the jury scores through the API, the organiser issues and
prints the certificates from Biên bản, giấy chứng nhận, then a phone follows a certificate's
verification link, and a changed code is refused."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def score_everything(server: dict[str, Any]) -> None:
    """Every judge submits a sheet for every entry they may score; earlier entries score higher."""
    base = server["display_url"].split("/display/")[0]
    submitted = 0
    for judge in server["judges"]:
        for number, entry in enumerate(server["entries"]):
            share = max(0.3, 1 - 0.07 * number)
            scores = {c["key"]: round(c["max"] * share * 2) / 2 for c in server["criteria"]}
            body = {"id": str(uuid.uuid4()), "entry": entry["id"], "scores": scores, "submit": True}
            request = urllib.request.Request(
                base + "/api/v1/scoresheets",
                data=json.dumps(body).encode(),
                headers={
                    "Authorization": f"Bearer {judge['token']}",
                    "Content-Type": "application/json",
                },
            )
            try:
                with urllib.request.urlopen(request) as answer:
                    submitted += answer.status in (200, 201)
            except urllib.error.HTTPError:
                pass  # a judge recused from the entry's unit
    assert submitted > 0


def test_certificates_printed_from_the_page_verify(server, browser, tmp_path):
    score_everything(server)
    organiser = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = organiser.new_page()
    page.goto(server["organiser_url"] + "paperwork")
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Biên bản, giấy chứng nhận")).to_be_visible()
    page.get_by_label("Thư ký Hội đồng").fill("Đặng Ngọc Ánh")
    page.get_by_label("Họ và tên người ký (Công đoàn Điện lực Việt Nam)").fill("Đỗ Thị Mai Phương")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu thông tin in trên biên bản")).to_be_visible()

    page.get_by_label("Cơ quan cấp giấy chứng nhận").select_option("union")
    page.get_by_role("button", name="Cấp và in giấy chứng nhận").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Đã xong", timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    first = PdfReader(Path(saved)).pages[0].extract_text()
    assert "GIẤY CHỨNG NHẬN" in first and "Đỗ Thị Mai Phương" in first and "Giải Nhất" in first
    link = re.search(r"(http://\S+/verify/[A-Z0-9]{10})", first)[1]

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(link)
    expect(phone.get_by_test_id("verdict")).to_have_text("Giấy chứng nhận hợp lệ, do hệ thống cấp.")
    expect(phone.get_by_text("Giải Nhất")).to_be_visible()
    code = link.rsplit("/", 1)[1]
    changed = code[:-1] + ("A" if code[-1] != "A" else "B")
    phone.goto(link.rsplit("/", 1)[0] + "/" + changed)
    expect(phone.get_by_role("heading", name="Không tìm thấy giấy chứng nhận")).to_be_visible()
