"""Judging through the real stack: a judge's tablet, the production server, the database, the
websocket and a big screen, in headless Chromium."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.server import Server

pytestmark = pytest.mark.browser


# Top band, then these points: 19 + 24 + 23 + 18 + 9 = 93.
POINTS = {"novelty": 19, "effectiveness": 24, "benefit": 23, "replicability": 18, "pitch": 9}


def post_sheet(url: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{url}/api/v1/scoresheets",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def standings(url: str, slug: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/api/v1/events/{slug}/standings", timeout=10) as response:
        return dict(json.load(response))


def row_of(server: dict[str, Any], entry_id: int) -> dict[str, Any]:
    """The entry's line in the standings, as the API gives them now."""
    base = server["display_url"].split("/display/")[0]
    return next(e for e in standings(base, server["event"])["entries"] if e["entry_id"] == entry_id)


def open_sheet(browser: Any, server: dict[str, Any], role: str, entry: dict[str, Any]) -> Any:
    """A tablet-sized window where the judge of ``role`` opened ``entry``'s score sheet.

    Without the service worker: Chromium's offline emulation lets through what a worker passes on
    to the network, and these tests are about the outbox (tests/e2e/test_offline.py has both)."""
    context = browser.new_context(
        viewport={"width": 1024, "height": 768}, has_touch=True, service_workers="block"
    )
    tablet = context.new_page()
    tablet.goto(next(j for j in server["judges"] if j["role"] == role)["login_url"])
    tablet.get_by_text(entry["title"]).click()
    expect(tablet.locator("#sheet")).to_have_attribute("data-state", "ready")
    return tablet


def score_every_criterion(tablet: Any) -> None:
    for key, value in POINTS.items():
        criterion = tablet.locator(f'fieldset[data-key="{key}"]')
        criterion.locator(".band").first.click()
        criterion.locator(f'.point[data-value="{value}"]').click()


def test_a_judges_submission_reaches_the_big_screen_without_reload(server, browser):
    entry = server["entries"][0]
    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(server["display_url"])
    expect(screen.locator("#link.live")).to_be_visible()
    screen.evaluate("window.notReloaded = true")
    expect(screen.locator(f'tr[data-entry="{entry["id"]}"] td.num').first).to_have_text("–")

    tablet = open_sheet(browser, server, "expert", entry)
    score_every_criterion(tablet)
    for key, value in POINTS.items():
        expect(tablet.get_by_test_id(f"value-{key}")).to_have_text(str(value))
    expect(tablet.locator("#total")).to_have_text("93")
    tablet.locator("#submit").click()
    expect(tablet.locator("#save-state")).to_have_text("Đã gửi lên máy chủ")
    expect(tablet.locator("#sheet-status")).to_contain_text("Đã gửi phiếu chấm")

    top = screen.locator("#board tbody tr").first
    expect(top).to_have_attribute("data-entry", str(entry["id"]))
    expect(top.locator("td.rank")).to_have_text("1")
    expect(top.locator("td.num").first).to_have_text("93,00")
    # One of the five judges comes from the same unit as this entry and is recused.
    expect(top.locator("td.num").nth(1)).to_have_text("1/4")
    assert screen.evaluate("window.notReloaded") is True
    assert int(screen.locator("#board").get_attribute("data-version")) >= 1

    tablet.get_by_text("Danh sách bài").click()
    expect(tablet.get_by_test_id("progress")).to_have_text(f"1/{len(server['entries'])}")


def test_an_acknowledged_sheet_survives_a_server_crash_and_a_double_submit(tmp_path):
    running = Server(tmp_path)
    demo = running.seed()
    running.start()
    try:
        seeded = standings(running.url, demo["event"])["version"]
        judge = next(j for j in demo["judges"] if j["role"] == "expert")
        body = {
            "id": str(uuid.uuid4()),
            "entry": demo["entries"][1]["id"],
            "scores": POINTS,
            "comment": "Rất thiết thực",
            "submit": True,
        }
        # The same sheet sent ten times at once, as a double tap plus retries would.
        with ThreadPoolExecutor(max_workers=10) as pool:
            replies = list(
                pool.map(lambda _: post_sheet(running.url, judge["token"], body), range(10))
            )
        statuses = sorted(status for status, _ in replies)
        assert statuses == [200] * 9 + [201]
        running.kill()
        running.start()
        after = standings(running.url, demo["event"])
        row = next(e for e in after["entries"] if e["entry_id"] == body["entry"])
        assert (row["score"], row["sheets"], after["version"]) == (93.0, 1, seeded + 1)
    finally:
        running.stop()


def test_a_sheet_scored_offline_waits_on_the_tablet_and_goes_when_the_network_returns(
    server, browser
):
    entry = server["entries"][2]
    tablet = open_sheet(browser, server, "manager", entry)
    tablet.context.set_offline(True)
    score_every_criterion(tablet)
    tablet.locator("#submit").click()
    expect(tablet.locator("#save-state")).to_have_text("Mất kết nối — phiếu vẫn được lưu trên máy")
    assert row_of(server, entry["id"])["sheets"] == 0

    tablet.context.set_offline(False)
    expect(tablet.locator("#save-state")).to_have_text("Đã gửi lên máy chủ")
    expect(tablet.locator("#sheet-status")).to_contain_text("Đã gửi phiếu chấm")
    row = row_of(server, entry["id"])
    assert (row["score"], row["sheets"]) == (93.0, 1)


def test_a_slow_request_body_never_holds_up_another_judge(tmp_path):
    """A tablet on bad Wi-Fi sends its headers, then its body much later: meanwhile another
    judge's sheet must be stored, not wait on the database lock until it times out."""
    running = Server(tmp_path)
    demo = running.seed()
    running.start()
    try:
        slow_judge, quick_judge = demo["judges"][2], demo["judges"][3]
        slow = {
            "id": str(uuid.uuid4()),
            "entry": demo["entries"][1]["id"],
            "scores": POINTS,
            "submit": True,
        }
        body = json.dumps(slow).encode()
        with socket.create_connection(("127.0.0.1", running.port), timeout=30) as tablet:
            tablet.sendall(
                (
                    "POST /api/v1/scoresheets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Bearer {slow_judge['token']}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                    "Connection: close\r\n\r\n"
                ).encode()
                + body[:10]
            )
            time.sleep(0.5)  # let the server start on the slow request
            quick = slow | {"id": str(uuid.uuid4()), "entry": demo["entries"][2]["id"]}
            status, reply = post_sheet(running.url, quick_judge["token"], quick)
            assert (status, reply.get("outcome")) == (201, "created")
            tablet.sendall(body[10:])
            answer = tablet.makefile("rb").read().decode()
        assert answer.startswith("HTTP/1.1 201")
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("origin", "rebound", "accepted"),
    [
        (None, False, True),
        ("http://evil.example", False, False),
        ("http://evil.example", True, False),
    ],
)
def test_only_pages_of_this_server_may_open_the_display_socket(server, origin, rebound, accepted):
    """``rebound``: another site's page whose name resolves to this server (DNS rebinding)."""
    import socketio

    base = server["display_url"].split("/display/")[0]
    screen = socketio.Client(reconnection=False)
    headers = {"Origin": origin or base}
    if rebound:
        headers["Host"] = "evil.example"
    try:
        screen.connect(
            base,
            namespaces=["/display"],
            headers=headers,
            auth={"event": server["event"]},
            wait_timeout=10,
        )
        connected = screen.connected
    except socketio.exceptions.ConnectionError:
        connected = False
    finally:
        screen.disconnect()
    assert connected is accepted


def test_typing_after_an_offline_submit_does_not_undo_the_submit(server, browser):
    entry = server["entries"][3]
    tablet = open_sheet(browser, server, "union", entry)
    tablet.context.set_offline(True)
    score_every_criterion(tablet)
    tablet.locator("#submit").click()
    tablet.locator("textarea[name=comment]").fill("Nhận xét viết sau khi bấm gửi")
    tablet.context.set_offline(False)
    expect(tablet.locator("#sheet-status")).to_contain_text("Có thay đổi chưa gửi")
    expect(tablet.locator("#save-state")).to_have_text("Đã lưu trên máy tính bảng")
    assert row_of(server, entry["id"])["sheets"] == 1


def test_a_sheet_the_server_could_not_take_is_sent_from_the_list_of_pitches(server, browser):
    entry = server["entries"][4]
    tablet = open_sheet(browser, server, "professional", entry)
    failing = {"on": True}

    def server_trouble(route: Any) -> None:
        if failing["on"]:
            route.fulfill(status=500, json={"error": "server_error", "message": "Lỗi máy chủ"})
        else:
            route.continue_()

    tablet.context.route("**/api/v1/scoresheets", server_trouble)
    score_every_criterion(tablet)
    tablet.locator("#submit").click()
    expect(tablet.locator("#save-state")).to_have_text("Đã lưu trên máy tính bảng")
    expect(tablet.locator("#trouble")).to_contain_text("Lỗi máy chủ")
    tablet.get_by_text("Danh sách bài").click()
    item = tablet.locator(f'li[data-entry="{entry["id"]}"] .badge')
    expect(item).to_have_text("Chờ gửi")
    expect(tablet.locator("#outbox-state")).to_contain_text("1 phiếu đang lưu trên máy tính bảng")
    done, total = progress(tablet)
    failing["on"] = False
    expect(item).to_have_text("Đã gửi", timeout=30_000)
    expect(tablet.locator("#outbox-state")).to_be_hidden()
    expect(tablet.get_by_test_id("progress")).to_have_text(f"{done + 1}/{total}")
    base = server["display_url"].split("/display/")[0]
    row = next(
        e for e in standings(base, server["event"])["entries"] if e["entry_id"] == entry["id"]
    )
    assert row["sheets"] == 1


def progress(tablet: Any) -> tuple[int, int]:
    """The list's "7/12": sheets the server holds as submitted, pitches to score."""
    done, total = tablet.get_by_test_id("progress").inner_text().split("/")
    return int(done), int(total)


def test_a_submitted_sheet_changed_on_the_tablet_is_unsent_on_the_list_and_at_sign_out(
    server, browser
):
    entry = server["entries"][7]
    tablet = open_sheet(browser, server, "manager", entry)
    score_every_criterion(tablet)
    tablet.locator("#submit").click()
    expect(tablet.locator("#sheet-status")).to_contain_text("Đã gửi phiếu chấm")
    tablet.get_by_text("Danh sách bài").click()
    submitted = progress(tablet)
    badge = tablet.locator(f'li[data-entry="{entry["id"]}"] .badge')
    expect(badge).to_have_text("Đã gửi")

    # A point changed and not sent again: the list says so, and so does signing out.
    tablet.get_by_text(entry["title"]).click()
    pitch = tablet.locator('fieldset[data-key="pitch"]')
    pitch.locator('.point[data-value="10"]').click()
    expect(tablet.locator("#sheet-status")).to_contain_text("Có thay đổi chưa gửi")
    tablet.get_by_text("Danh sách bài").click()
    expect(badge).to_have_text("Sửa chưa gửi")
    expect(tablet.locator("#outbox-state")).to_contain_text("1 phiếu đã sửa")
    assert progress(tablet) == submitted  # the server still holds the submitted sheet
    asked: list[str] = []
    tablet.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    tablet.get_by_role("button", name="Đăng xuất").click()
    expect(tablet.locator(".pitches")).to_be_visible()
    assert asked and asked[0].startswith("Còn 1 phiếu chưa gửi")

    # Changed back to what the server holds: no edit left.
    tablet.get_by_text(entry["title"]).click()
    pitch.locator('.point[data-value="9"]').click()
    expect(tablet.locator("#sheet-status")).to_contain_text("Đã gửi phiếu chấm")
    tablet.get_by_text("Danh sách bài").click()
    expect(badge).to_have_text("Đã gửi")
    expect(tablet.locator("#outbox-state")).to_be_hidden()


def test_after_taking_a_sheet_back_the_latest_draft_is_what_reloads(server, browser):
    entry = server["entries"][5]
    tablet = open_sheet(browser, server, "expert", entry)
    score_every_criterion(tablet)
    tablet.locator("#submit").click()
    expect(tablet.locator("#sheet-status")).to_contain_text("Đã gửi phiếu chấm")
    pitch = tablet.locator('fieldset[data-key="pitch"]')
    pitch.locator('.point[data-value="10"]').click()  # kept back: the sheet is submitted
    tablet.locator("#withdraw").click()
    expect(tablet.locator("#save-state")).to_have_text("Đã gửi lên máy chủ")
    expect(tablet.locator("#sheet-status")).to_be_empty()
    pitch.locator(".band").nth(1).click()
    pitch.locator('.point[data-value="8"]').click()  # a draft: saved at once
    expect(tablet.locator("#save-state")).to_have_text("Đã gửi lên máy chủ")
    expect(tablet.locator("#total")).to_have_text("92")
    tablet.reload()
    expect(tablet.get_by_test_id("value-pitch")).to_have_text("8")
    assert row_of(server, entry["id"])["sheets"] == 0
