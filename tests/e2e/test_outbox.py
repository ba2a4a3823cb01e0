"""The tablet's outbox against a server that fails on one sheet every time: the other sheets
still reach the server, and the tablet names the sheet it cannot send and says why."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_judging import score_every_criterion

pytestmark = pytest.mark.browser

# What the server answers today for a comment PostgreSQL refuses (a NUL character).
BROKEN = {"error": "server_error", "message": "Đã có lỗi xảy ra. Vui lòng thử lại."}


def sheets_counted(server: dict[str, Any]) -> dict[int, int]:
    """Per entry, how many submitted sheets the server holds, as its standings say now."""
    base = server["display_url"].split("/display/")[0]
    url = f"{base}/api/v1/events/{server['event']}/standings"
    with urllib.request.urlopen(url, timeout=10) as response:
        return {row["entry_id"]: row["sheets"] for row in json.load(response)["entries"]}


def eventually(check: Callable[[], bool], seconds: float = 45) -> bool:
    """Whether check() comes true before the deadline (the outbox retries on its own clock)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def test_a_sheet_the_server_always_fails_on_does_not_hold_back_the_others(server, browser):
    judge = next(j for j in server["judges"] if j["role"] == "professional")
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    tablet = context.new_page()
    tablet.goto(judge["login_url"])
    scored = tablet.locator("li:has(a.pitch)").evaluate_all(
        "items => items.map(i => i.dataset.entry)"
    )
    stuck, *others = [e for e in server["entries"] if str(e["id"]) in scored][:3]
    failed: list[dict[str, Any]] = []

    def fails_on_a_nul(route: Any) -> None:
        sheet = route.request.post_data_json
        if "\x00" in sheet["comment"]:
            failed.append(sheet)
            route.fulfill(status=500, json=BROKEN)
        else:
            route.continue_()

    context.route("**/api/v1/scoresheets", fails_on_a_nul)

    # The first sheet: a comment pasted with a NUL in it, then submitted.
    tablet.get_by_text(stuck["title"]).click()
    expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
    score_every_criterion(tablet)
    tablet.locator("textarea[name=comment]").evaluate(
        "box => { box.value = 'Rất thiết thực\\u0000'; box.dispatchEvent(new Event('input')); }"
    )
    tablet.locator("#submit").click()
    trouble = tablet.locator("#trouble")
    expect(trouble).to_contain_text("Phiếu này chưa gửi được sau")
    expect(trouble).to_contain_text(BROKEN["message"])
    expect(tablet.locator("#save-state")).to_contain_text("Đã lưu trên máy tính bảng")

    # Two more sheets, scored and submitted after it.
    for entry in others:
        tablet.get_by_text("Danh sách bài").click()
        tablet.get_by_text(entry["title"]).click()
        expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
        score_every_criterion(tablet)
        tablet.locator("#submit").click()
    tablet.get_by_text("Danh sách bài").click()

    assert eventually(lambda: all(sheets_counted(server)[e["id"]] == 1 for e in others))
    assert sheets_counted(server)[stuck["id"]] == 0
    assert failed and all(sheet["entry"] == stuck["id"] for sheet in failed)

    for entry in others:
        expect(tablet.locator(f'li[data-entry="{entry["id"]}"] .badge')).to_have_text("Đã gửi")
    expect(tablet.locator(f'li[data-entry="{stuck["id"]}"] .badge')).to_have_text("Chờ gửi")
    expect(tablet.locator("#outbox-state")).to_contain_text("1 phiếu đang lưu trên máy tính bảng")
    line = tablet.locator("#outbox-stuck li")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(f"Phiếu của bài “{stuck['title']}” chưa gửi được sau")
    expect(line).to_contain_text(BROKEN["message"])
    expect(line).to_contain_text("Lần thử gần nhất lúc")

    # Signing out now would strand the sheet on the tablet: the judge is asked first.
    asked: list[str] = []
    tablet.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    tablet.get_by_role("button", name="Đăng xuất").click()
    expect(line).to_have_count(1)
    assert asked and "Còn 1 phiếu chưa gửi lên máy chủ" in asked[0]

    # The judge opens the sheet from that line, takes the NUL out and sends it again.
    line.locator("a").click()
    expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
    expect(tablet.locator("#trouble")).to_contain_text(BROKEN["message"])
    tablet.locator("textarea[name=comment]").fill("Rất thiết thực")
    tablet.locator("#submit").click()
    expect(tablet.locator("#save-state")).to_have_text("Đã gửi lên máy chủ")
    expect(tablet.locator("#sheet-status")).to_contain_text("Đã gửi phiếu chấm")
    expect(tablet.locator("#trouble")).to_be_hidden()
    assert sheets_counted(server)[stuck["id"]] == 1
    tablet.get_by_text("Danh sách bài").click()
    expect(tablet.locator("#outbox-state")).to_be_hidden()
    expect(tablet.locator("#outbox-stuck")).to_be_hidden()
    context.close()


def test_a_list_drawn_before_the_server_had_a_sheet_shows_it_sent(server, browser):
    """The list of pitches may be drawn before a sheet it lists reaches the server: a kept copy
    shown offline, or a list fetched while the sheet page's last send was on its way. The sheet
    the server acknowledged since shows as sent, not as "Chưa chấm"."""
    judge = next(j for j in server["judges"] if j["role"] == "expert")
    context = browser.new_context(service_workers="block")
    tablet = context.new_page()
    tablet.goto(judge["login_url"])
    entry = tablet.locator("li:has(a.pitch)").first
    title = entry.get_attribute("data-title")
    drawn_before = context.request.get(tablet.url)
    expect(entry.locator(".badge")).to_have_text("Chưa chấm")

    tablet.get_by_text(title).click()
    expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
    score_every_criterion(tablet)
    tablet.locator("#submit").click()
    expect(tablet.locator("#save-state")).to_have_text("Đã gửi lên máy chủ")

    context.route(drawn_before.url, lambda route: route.fulfill(response=drawn_before))
    tablet.get_by_text("Danh sách bài").click()
    expect(tablet.locator(f'li[data-title="{title}"] .badge')).to_have_text("Đã gửi")
    context.close()
