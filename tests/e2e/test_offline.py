"""A judge's tablet without network, in headless Chromium at tablet size: the service worker keeps
the judge's pages, the outbox keeps the sheets through a reload and a browser restart, and every
sheet reaches the server exactly once when the network returns. A locked round refuses a sheet
on the page and in the API."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, Server
from tests.e2e.test_judging import POINTS, post_sheet, score_every_criterion, standings
from tests.e2e.test_outbox import eventually

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
OFFLINE = "Mất kết nối — phiếu vẫn được lưu trên máy"


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    with sync_playwright() as running:
        yield running


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Server, dict[str, Any]]]:
    """A server of its own: the test reads its database."""
    server = Server(tmp_path / "server")
    server.folder.mkdir()
    demo = server.seed()
    server.start()
    yield server, demo
    server.stop()


def open_tablet(playwright: Any, profile: Path, offline: bool = False) -> Any:
    """Chromium with a profile on disk, as a tablet's browser keeps it between restarts."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        offline=offline,
        **TABLET,
    )


def kept_pages(tablet: Any) -> int:
    """How many judge's pages the service worker keeps."""
    return int(
        tablet.evaluate(
            """async () => {
              const names = (await caches.keys()).filter((n) => n.startsWith("sangtao-pages-"));
              let count = 0;
              for (const name of names) count += (await (await caches.open(name)).keys()).length;
              return count;
            }"""
        )
    )


def pitch(tablet: Any, entry: dict[str, Any]) -> Any:
    """The entry's line on the list of pitches, which opens its sheet."""
    return tablet.locator(f'li[data-entry="{entry["id"]}"] a.pitch')


def sheets_in_database(server: Server, judge_name: str) -> dict[int, list[str]]:
    """Per entry, the status of each sheet the judge has on the server."""
    path = server.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT score_sheet.entry_id, score_sheet.status FROM score_sheet"
            " JOIN judge ON judge.id = score_sheet.judge_id WHERE judge.name = ?",
            (judge_name,),
        ).fetchall()
    found: dict[int, list[str]] = {}
    for entry_id, status in rows:
        found.setdefault(entry_id, []).append(status)
    return found


def test_three_sheets_scored_offline_survive_a_reload_and_a_restart_and_land_once(
    playwright, running, tmp_path
):
    server, demo = running
    judge = next(j for j in demo["judges"] if j["role"] == "expert")
    profile = tmp_path / "tablet"
    before = standings(server.url, demo["event"])

    # Online, the judge opens their pages once: the worker keeps the list and every sheet.
    context = open_tablet(playwright, profile)
    tablet = context.pages[0] if context.pages else context.new_page()
    tablet.goto(judge["login_url"])
    links = tablet.locator(".pitches a.pitch")
    sheets = links.count()
    scored = links.evaluate_all("links => links.map((a) => a.closest('li').dataset.entry)")
    entries = [e for e in demo["entries"] if str(e["id"]) in scored][:3]
    assert eventually(lambda: tablet.evaluate("navigator.serviceWorker.controller !== null"))
    assert eventually(lambda: kept_pages(tablet) == sheets + 1)

    # The Wi-Fi drops; the judge reloads, then scores and submits three sheets. (Chromium's
    # offline emulation lets through a request that a service worker passes on to the network:
    # the server goes away too, as it does from a tablet that lost the Wi-Fi.)
    context.set_offline(True)
    server.stop()
    tablet.reload()
    expect(tablet.locator(".pitches")).to_be_visible()
    for number, entry in enumerate(entries):
        pitch(tablet, entry).click()
        expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
        score_every_criterion(tablet)
        if number == 2:
            # A reload in the middle of a sheet loses nothing: every change is in storage.
            tablet.reload()
            expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
            for key, value in POINTS.items():
                expect(tablet.get_by_test_id(f"value-{key}")).to_have_text(str(value))
        tablet.locator("#submit").click()
        expect(tablet.locator("#save-state")).to_have_text(OFFLINE)
        tablet.get_by_text("Danh sách bài").click()
    expect(tablet.locator("#outbox-state")).to_contain_text("3 phiếu đang lưu trên máy tính bảng")
    assert sheets_in_database(server, judge["name"]) == {}
    context.close()

    # The browser is closed and opened again, still offline: the pages and the sheets are there.
    context = open_tablet(playwright, profile, offline=True)
    tablet = context.pages[0] if context.pages else context.new_page()
    tablet.goto(f"{server.url}/judge")
    assert kept_pages(tablet) == sheets + 1
    expect(tablet.locator("#outbox-state")).to_contain_text("3 phiếu đang lưu trên máy tính bảng")
    for entry in entries:
        expect(tablet.locator(f'li[data-entry="{entry["id"]}"] .badge')).to_have_text("Chờ gửi")
    pitch(tablet, entries[0]).click()
    expect(tablet.locator("#save-state")).to_have_text(OFFLINE)
    expect(tablet.locator("#total")).to_have_text("93")

    # The network returns: the sheet on screen, then the other two, reach the server.
    server.start()
    context.set_offline(False)
    expect(tablet.locator("#save-state")).to_have_text("Đã gửi lên máy chủ")
    expect(tablet.locator("#sheet-status")).to_contain_text("Đã gửi phiếu chấm")
    tablet.get_by_text("Danh sách bài").click()
    for entry in entries:
        expect(tablet.locator(f'li[data-entry="{entry["id"]}"] .badge')).to_have_text("Đã gửi")
    expect(tablet.locator("#outbox-state")).to_be_hidden()
    context.close()

    # Exactly once each, and the big screen's standings moved.
    assert sheets_in_database(server, judge["name"]) == {
        entry["id"]: ["submitted"] for entry in entries
    }
    after = standings(server.url, demo["event"])
    assert after["version"] > before["version"]
    rows = {row["entry_id"]: row for row in after["entries"]}
    assert all(rows[entry["id"]]["sheets"] == 1 for entry in entries)
    assert all(rows[entry["id"]]["score"] == 93.0 for entry in entries)


def test_a_locked_round_refuses_an_edit_on_the_page_and_in_the_api(playwright, running):
    server, demo = running
    judge = next(j for j in demo["judges"] if j["role"] == "expert")
    entry = demo["entries"][0]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    tablet = browser.new_context(**TABLET).new_page()
    tablet.goto(judge["login_url"])
    pitch(tablet, entry).click()
    expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
    expect(tablet.locator("#locked")).to_be_hidden()
    score_every_criterion(tablet)
    expect(tablet.locator("#save-state")).to_have_text("Đã gửi lên máy chủ")  # a draft

    # The chair locks the round while the judge is about to submit.
    path = server.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE round SET status = 'locked'")
    tablet.locator("#submit").click()
    locked = tablet.locator("#locked")
    expect(locked).to_have_text("Vòng thi đã khóa: phiếu này không gửi được nữa.")
    expect(tablet.locator("#submit")).to_be_disabled()
    expect(tablet.locator('fieldset[data-key="pitch"] .band').first).to_be_disabled()
    expect(tablet.locator("textarea[name=comment]")).to_be_disabled()
    # What the judge scored stays in sight, kept on the tablet; the outbox no longer sends it.
    expect(tablet.locator("#total")).to_have_text("93")
    expect(tablet.locator("#save-state")).to_have_text("Đã lưu trên máy tính bảng")
    record = tablet.evaluate(
        "key => JSON.parse(localStorage.getItem(key))",
        f"sangtao:sheet:{judge_id(tablet)}:{entry['id']}",
    )
    assert record["pending"] is None and record["code"] == "round_locked"
    assert sheets_in_database(server, judge["name"]) == {entry["id"]: ["draft"]}

    # Opened again, the page says so before anything is touched.
    tablet.reload()
    expect(locked).to_be_visible()
    expect(tablet.locator("#submit")).to_be_disabled()
    browser.close()

    # The API says the same to any client.
    status, body = post_sheet(
        server.url,
        judge["token"],
        {"id": str(uuid.uuid4()), "entry": entry["id"], "scores": POINTS, "submit": True},
    )
    assert status == 409
    assert body == {
        "error": "round_locked",
        "message": "Vòng thi đã khóa, không thể sửa phiếu chấm.",
    }


def judge_id(tablet: Any) -> int:
    """The judge the page belongs to, as its outbox knows them."""
    return int(
        tablet.evaluate("JSON.parse(document.getElementById('outbox-config').textContent).judge")
    )


def page_caches(tablet: Any) -> list[str]:
    return list(
        tablet.evaluate(
            "async () => (await caches.keys()).filter((n) => n.startsWith('sangtao-pages-'))"
        )
    )


def test_a_shared_tablet_forgets_a_judges_pages_at_logout_and_for_the_next_judge(
    playwright, running
):
    _, demo = running
    first, second = (next(j for j in demo["judges"] if j["role"] == r) for r in ("expert", "union"))
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    tablet = browser.new_context(**TABLET).new_page()
    tablet.goto(first["login_url"])
    first_id = judge_id(tablet)
    assert eventually(lambda: page_caches(tablet) == [f"sangtao-pages-{first_id}"])

    tablet.goto(second["login_url"])
    # The first page after signing in drops the worker's mark from its address.
    expect(tablet).to_have_url(re.compile(r"/judge$"))
    second_id = judge_id(tablet)
    assert eventually(lambda: page_caches(tablet) == [f"sangtao-pages-{second_id}"])

    tablet.get_by_role("button", name="Đăng xuất").click()
    expect(tablet.locator("body")).to_contain_text("Đã đăng xuất")
    assert eventually(lambda: page_caches(tablet) == [])
    browser.close()


def test_signing_out_without_network_says_so_and_keeps_the_tablet_signed_in(playwright, running):
    server, demo = running
    judge = next(j for j in demo["judges"] if j["role"] == "expert")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(**TABLET)
    tablet = context.new_page()
    tablet.goto(judge["login_url"])
    kept = [f"sangtao-pages-{judge_id(tablet)}"]
    assert eventually(lambda: page_caches(tablet) == kept)

    context.set_offline(True)
    server.stop()
    tablet.get_by_role("button", name="Đăng xuất").click()
    expect(tablet.locator("body")).to_contain_text("Mất kết nối nên chưa đăng xuất được")
    assert page_caches(tablet) == kept
    tablet.get_by_role("link", name="Về danh sách bài").click()
    expect(tablet.locator(".pitches")).to_be_visible()

    # Back online, the judge is still signed in, and signing out works.
    server.start()
    context.set_offline(False)
    tablet.reload()
    expect(tablet.get_by_role("button", name="Đăng xuất")).to_be_visible()
    tablet.get_by_role("button", name="Đăng xuất").click()
    expect(tablet.locator("body")).to_contain_text("Đã đăng xuất")
    assert eventually(lambda: page_caches(tablet) == [])
    browser.close()
