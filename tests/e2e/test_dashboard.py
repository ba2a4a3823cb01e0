"""The organiser's dashboard in headless Chromium: judges submit through the API while it is
open, and it follows without a reload."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_judging import POINTS, post_sheet

pytestmark = pytest.mark.browser


def signed_in_dashboard(browser: Any, server: dict[str, Any]) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    page.goto(server["organiser_url"] + "dashboard")
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Bảng điều khiển")).to_be_visible()
    page.errors = errors
    return page


def test_two_submissions_reach_the_open_dashboard_without_reload(server, browser):
    base = server["display_url"].split("/display/")[0]
    entry = server["entries"][0]["id"]
    page = signed_in_dashboard(browser, server)
    expect(page.locator("#link.live")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    sheets = page.locator('[data-count="sheets"]')
    before = int(sheets.inner_text().replace(".", ""))
    for canvas in ("#timeline-chart", "#spread-chart", "#figure-visits"):
        expect(page.locator(canvas)).to_be_attached()

    for role in ("expert", "union"):
        judge = next(j for j in server["judges"] if j["role"] == role)
        cell = page.locator(f'td[data-cell$="-{entry}"][title^="{judge["name"]} ·"]')
        expect(cell).to_have_attribute("data-state", "missing")
        body = {"id": str(uuid.uuid4()), "entry": entry, "scores": POINTS, "submit": True}
        assert post_sheet(base, judge["token"], body)[0] == 201
        expect(cell).to_have_attribute("data-state", "submitted")
        expect(cell).to_contain_text("Đã gửi")

    expect(sheets).to_have_text(str(before + 2))
    summary = re.compile(rf"^{before + 2} phiếu đã gửi; phiếu gần nhất lúc \d\d:\d\d\.$")
    expect(page.locator("#timeline-chart")).to_have_attribute("aria-label", summary)
    assert page.evaluate("window.notReloaded") is True
    assert page.errors == [], "\n".join(page.errors)
