"""At phone size (390x844): a printed ballot's link, the exhibits, the confirm screen, the vote;
the same ballot refused a second time (even from a second phone that raced it), a made-up ballot
and a closed window refused; the count hidden from the organiser's page, the dashboard's figures
and the exports until the organiser releases it, then shown.

The ballots come from ``sangtao issue-ballots <event> <count> --json``, as a badge printer's
script would get them; the organiser opens, closes and releases from the browser.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import SANGTAO, Server

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
USED = "Phiếu bình chọn này đã được dùng. Mỗi phiếu chỉ bình chọn được một lần."
UNKNOWN = "Không tìm thấy phiếu bình chọn này."
CLOSED = "Bình chọn đã kết thúc. Cảm ơn bạn đã quan tâm."


@pytest.fixture(scope="module")
def vote_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Server, dict[str, Any]]]:
    """The demo on a running server, kept with the server (its environment issues ballots)."""
    running = Server(tmp_path_factory.mktemp("vote"))
    demo = running.seed()
    running.start()
    yield running, demo
    running.stop()


def issue_ballots(server: Server, event: str, count: int) -> list[str]:
    """The ballots' URLs as ``sangtao issue-ballots --json`` prints them: the server's
    ``PUBLIC_URL`` upper-cased, as a QR code carries it, then ``/B/<TOKEN>``."""
    done = subprocess.run(
        [SANGTAO, "issue-ballots", event, str(count), "--json"],
        env=server.env,
        check=True,
        capture_output=True,
        text=True,
    )
    urls = [row["url"] for row in json.loads(done.stdout)["ballots"]]
    assert all(url.startswith(f"{server.url.upper()}/B/") for url in urls)
    return urls


def vote_bars(organiser: Page, slug: str) -> list[list[Any]]:
    """The dashboard's "votes" figure: its per-exhibit bars (none until the count is released)."""
    answer = organiser.request.get(f"/manage/{slug}/dashboard/figures")
    assert answer.ok
    (votes,) = [figure for figure in answer.json() if figure["key"] == "votes"]
    return list(votes["bars"])


def assert_count_hidden(organiser: Page, slug: str, voted: int) -> None:
    organiser.goto(f"/manage/{slug}/votes")
    expect(organiser.get_by_test_id("used")).to_have_text(str(voted))
    expect(organiser.get_by_test_id("hidden-result")).to_be_visible()
    expect(organiser.get_by_test_id("result")).to_have_count(0)
    assert vote_bars(organiser, slug) == []
    assert organiser.request.get(f"/manage/{slug}/votes/result.csv").status == 409


def test_a_phone_votes_once_and_the_count_stays_hidden_until_released(vote_server, browser):
    server, demo = vote_server
    slug = demo["event"]
    first, late, unused = issue_ballots(server, slug, 3)
    organiser = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 900}
    ).new_page()
    organiser.goto(f"/manage/{slug}/votes")
    organiser.get_by_label("Email").fill(demo["organiser"]["email"])
    organiser.get_by_label("Mật khẩu").fill(demo["organiser"]["password"])
    organiser.get_by_role("button", name="Đăng nhập").click()
    expect(organiser.get_by_test_id("window")).to_have_text("Chưa mở")

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(first)
    expect(phone.get_by_test_id("not-open")).to_be_visible()

    organiser.get_by_role("button", name="Mở bình chọn").click()
    expect(organiser.get_by_text("Đã mở bình chọn.")).to_be_visible()
    expect(organiser.get_by_test_id("window")).to_contain_text("Đang mở")

    # The ballot's link: the exhibits, one picked, the confirm screen.
    phone.goto(first)
    expect(phone.get_by_role("heading", name="Bình chọn sản phẩm bạn yêu thích")).to_be_visible()
    choice = phone.locator(".ballot-choice").first
    picked = choice.locator("strong").inner_text()
    choice.click()
    expect(phone.get_by_role("heading", name="Xác nhận bình chọn")).to_be_visible()
    expect(phone.locator(".ballot-pick strong")).to_have_text(picked)
    confirm_url = phone.url
    # A second phone holding the same ballot waits on the same confirm screen.
    racer = browser.new_context(**PHONE).new_page()
    racer.goto(confirm_url)
    phone.get_by_role("button", name="Bình chọn").click()
    expect(phone.get_by_test_id("voted")).to_have_text(
        "Cảm ơn bạn đã bình chọn! Phiếu của bạn đã được ghi nhận."
    )

    # The same ballot again: from the racing phone's confirm screen, then its link.
    racer.get_by_role("button", name="Bình chọn").click()
    expect(racer.get_by_test_id("refusal")).to_have_text(USED)
    phone.goto(first)
    expect(phone.get_by_test_id("used")).to_have_text(USED)
    expect(phone.locator(".ballot-choice")).to_have_count(0)
    phone.goto(confirm_url)
    expect(phone.get_by_test_id("refusal")).to_have_text(USED)

    # A made-up ballot.
    made_up = phone.goto(first.rsplit("/", 1)[0] + "/ZZZZ2222ZZZZ")
    assert made_up is not None and made_up.status == 404
    expect(phone.get_by_role("main")).to_contain_text(UNKNOWN)

    # A second ballot's phone on its confirm screen when the window closes.
    assert_count_hidden(organiser, slug, voted=1)
    late_phone = browser.new_context(**PHONE).new_page()
    late_phone.goto(late)
    late_phone.locator(".ballot-choice").first.click()
    expect(late_phone.get_by_role("heading", name="Xác nhận bình chọn")).to_be_visible()
    organiser.get_by_text("Đóng bình chọn", exact=True).click()
    organiser.get_by_role("button", name="Đóng bình chọn ngay").click()
    expect(organiser.get_by_text("Đã đóng bình chọn.")).to_be_visible()
    late_phone.get_by_role("button", name="Bình chọn").click()
    expect(late_phone.get_by_test_id("refusal")).to_have_text(CLOSED)
    fresh = browser.new_context(**PHONE).new_page()
    fresh.goto(unused)
    expect(fresh.get_by_test_id("closed")).to_have_text(CLOSED)
    expect(fresh.locator(".ballot-choice")).to_have_count(0)
    assert_count_hidden(organiser, slug, voted=1)

    # Released: the count appears on the organiser's page, the dashboard and the export.
    organiser.get_by_text("Công bố kết quả bình chọn", exact=True).click()
    organiser.get_by_role("button", name="Công bố kết quả").click()
    expect(organiser.get_by_text("Đã công bố kết quả bình chọn.")).to_be_visible()
    winner = organiser.get_by_test_id("result").locator("tbody tr").first
    expect(winner).to_contain_text(picked)
    expect(winner.locator("td").last).to_have_text("1")
    bars = vote_bars(organiser, slug)
    assert [n for label, n in bars if label.endswith(picked)] == [1]
    assert sum(n for _label, n in bars) == 1
    exported = organiser.request.get(f"/manage/{slug}/votes/result.csv")
    assert exported.ok and picked in exported.text()
