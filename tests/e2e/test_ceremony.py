"""The ceremony through the real stack, in headless Chromium: the organiser freezes the standings,
a judge's later sheet changes nothing the public sees, then the reveal goes from the last place to
the first, that sheet included, on a big screen that never reloads and never shows a place before
its turn."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.server import Server
from tests.e2e.test_judging import post_sheet, standings
from tests.e2e.test_screens import sign_in

pytestmark = pytest.mark.browser

SCREEN = "hoi-truong-chinh"


@pytest.fixture
def running(tmp_path) -> Any:
    """A server of its own: the freeze and the reveal change the event for good."""
    server = Server(tmp_path)
    demo = server.seed()
    server.start()
    yield server, demo
    server.stop()


CONFETTI_DRAWN = """() => [...document.querySelectorAll("body > canvas")].some((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha]) return true;
  return false;
})"""


OPENING_LINES = "\n\n".join(
    f"Phần {number}: xin trân trọng giới thiệu các đại biểu, khách mời và các đơn vị tham dự "
    "Ngày hội Lao động sáng tạo năm nay."
    for number in range(1, 9)
)


def scores(total: int) -> dict[str, int]:
    """A sheet whose points add up to ``total`` (at most 100), spread over the five criteria."""
    caps = {"novelty": 20, "effectiveness": 25, "benefit": 25, "replicability": 20, "pitch": 10}
    left, points = total, {}
    for key, cap in caps.items():
        points[key] = min(cap, left)
        left -= points[key]
    return points


def submit(url: str, demo: dict[str, Any], entry: dict[str, Any], total: int) -> None:
    """One submitted sheet for ``entry``, by the first judge who is not recused from it."""
    for judge in demo["judges"]:
        body = {"id": str(uuid.uuid4()), "entry": entry["id"], "scores": scores(total)}
        status, _ = post_sheet(url, judge["token"], body | {"submit": True})
        if status == 201:
            return
    raise AssertionError(f"no judge could score {entry['title']}")


def phone_snapshot(url: str, slug: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/live/{slug}/snapshot.json", timeout=10) as response:
        return dict(json.load(response)["standings"])


def public_view(url: str, slug: str) -> list[tuple[int, Any, Any]]:
    """What the public API says of every entry: id, rank, score."""
    return [(row["entry_id"], row["rank"], row["score"]) for row in standings(url, slug)["entries"]]


def test_a_frozen_ceremony_reveals_from_last_to_first_without_leaking(running, browser):
    server, demo = running
    slug = demo["event"]
    entries = demo["entries"]
    for entry, total in zip(entries[:4], (60, 70, 80, 90), strict=True):
        submit(server.url, demo, entry, total)

    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    refused = []  # what the browser reports as an error: a script or worker the policy refused
    screen.on("console", lambda message: message.type == "error" and refused.append(message.text))
    screen.goto(demo["display_url"])
    expect(screen.locator("#link.live")).to_be_visible()
    screen.evaluate("window.notReloaded = true")
    expect(screen.locator("#board tbody tr").first).to_have_attribute(
        "data-entry", str(entries[3]["id"])
    )

    console = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(console, demo)
    console.goto(f"{server.url}/manage/{slug}/ceremony")
    console.locator("summary", has_text="Đóng băng kết quả").click()
    console.get_by_role("button", name="Đóng băng kết quả ngay").click()
    expect(console.get_by_test_id("frozen")).to_be_visible()

    frozen_api = public_view(server.url, slug)
    frozen_phone = phone_snapshot(server.url, slug)
    frozen_version = standings(server.url, slug)["version"]
    expect(screen.locator("#board")).to_have_attribute("data-version", str(frozen_version))

    # After the freeze a judge's sheet makes the fifth entry the best one, for the organiser only.
    late = entries[4]
    submit(server.url, demo, late, 100)
    assert public_view(server.url, slug) == frozen_api
    assert phone_snapshot(server.url, slug) == frozen_phone
    assert standings(server.url, slug)["version"] == frozen_version

    # A message sent to the screen after the sheet arrives after anything the sheet caused:
    # switch the screen away and back, then its board is still the frozen one.
    console.goto(f"{server.url}/manage/{slug}/screens")
    card = console.get_by_test_id(f"screen-{SCREEN}")
    card.get_by_label("Nội dung").select_option(label="Thông báo")
    card.get_by_role("textbox", name="Thông báo").fill("Xin chờ trong giây lát")
    card.get_by_role("button", name="Hiển thị").click()
    expect(screen.locator(".announcement")).to_have_text("Xin chờ trong giây lát")
    card = console.get_by_test_id(f"screen-{SCREEN}")
    card.get_by_label("Nội dung").select_option(label="Bảng xếp hạng")
    card.get_by_role("button", name="Hiển thị").click()
    expect(screen.locator("#board")).to_have_attribute("data-version", str(frozen_version))
    expect(screen.locator(f'#board tr[data-entry="{late["id"]}"] td.rank')).not_to_have_text("1")
    expect(screen.locator("#board tbody tr").first).to_have_attribute(
        "data-entry", str(entries[3]["id"])
    )

    # The reveal: every ranked place, from the last to the first.
    console.goto(f"{server.url}/manage/{slug}/ceremony")
    console.get_by_label("Mọi thứ hạng, từ hạng cuối").check()
    console.get_by_role("button", name="Chuẩn bị").click()
    expect(console.get_by_test_id("reveal-progress")).to_contain_text("0/")

    console.goto(f"{server.url}/manage/{slug}/screens")
    card = console.get_by_test_id(f"screen-{SCREEN}")
    card.get_by_label("Nội dung").select_option(label="Công bố kết quả")
    card.get_by_role("button", name="Hiển thị").click()
    shown = screen.get_by_test_id("reveal")
    expect(shown).to_have_attribute("data-shown", "0")
    expect(screen.locator(".reveal-step")).to_have_count(0)

    # It reveals the results as they stand, the late sheet included: what the freeze kept from
    # the public is what the ceremony announces, one place at a time.
    results = console.request.get(f"{server.url}/api/v1/events/{slug}/results").json()
    ranked = [row for row in results["entries"] if row["rank"] is not None]
    places = sorted({row["rank"] for row in ranked}, reverse=True)
    assert places[-1] == 1 and len(places) == 5
    titles = {row["rank"]: row["title"] for row in ranked}
    assert titles[1] == late["title"]
    console.goto(f"{server.url}/manage/{slug}/ceremony")
    for number, place in enumerate(places, start=1):
        console.get_by_test_id("reveal-next-button").click()
        expect(shown).to_have_attribute("data-shown", str(number))
        latest = screen.locator(".reveal-step.latest")
        expect(latest).to_have_attribute("data-step", str(number))
        expect(latest).to_have_attribute("data-rank", str(place))
        expect(latest.locator(".reveal-title")).to_have_text(titles[place])
        drawn = [
            int(rank)
            for rank in screen.locator(".reveal-step").evaluate_all(
                "steps => steps.map(step => step.dataset.rank)"
            )
        ]
        # The newest first, then as many earlier ones as fit: none cut at the bottom.
        assert drawn and drawn == sorted(places[:number])[: len(drawn)]
        assert shown.evaluate("box => box.scrollHeight <= box.clientHeight")
        screen_text = shown.inner_text()
        for later in places[number:]:
            assert titles[later] not in screen_text
        assert public_view(server.url, slug) == frozen_api  # the public stays frozen
    expect(console.get_by_test_id("reveal-done")).to_be_visible()
    # The first prize gets confetti: some pixel of a canvas over the page is drawn.
    screen.wait_for_function(CONFETTI_DRAWN, polling=100)
    # A screen turned 4:3 draws the reveal again to its size: still nothing cut.
    screen.set_viewport_size({"width": 1024, "height": 768})
    screen.wait_for_function(
        "() => { const box = document.querySelector('.reveal');"
        " return innerWidth === 1024 && box.scrollHeight <= box.clientHeight; }"
    )
    expect(screen.locator(".reveal-step.latest")).to_have_attribute("data-rank", "1")
    assert refused == []
    assert screen.evaluate("window.notReloaded") is True


def test_one_click_moves_the_big_screen_and_the_mc_tablet_together(running, browser):
    """The run-sheet written in the browser, then run: each "Bước tiếp theo" changes what the
    main hall shows and the MC's teleprompter at once, neither of them reloading; the MC's
    tablet says when it has lost the server."""
    server, demo = running
    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    console = organiser.new_page()
    sign_in(console, demo)
    console.goto(f"{server.url}/manage/{demo['event']}/runsheet")
    add = console.locator('section[aria-labelledby="add-title"]')
    steps = (
        (
            "Khai mạc",
            "Kính thưa quý vị đại biểu, Ngày hội xin được bắt đầu.\n\n" + OPENING_LINES,
            "Màn hình chờ (logo)",
        ),
        ("Bảng xếp hạng", "Xin mời quý vị cùng theo dõi bảng xếp hạng.", "Bảng xếp hạng"),
    )
    for title, lines, mode in steps:
        add.get_by_label("Tên bước").fill(title)
        add.get_by_label("Lời dẫn của người dẫn chương trình").fill(lines)
        add.get_by_label("Màn hình “Hội trường chính” hiển thị").select_option(label=mode)
        add.get_by_role("button", name="Thêm bước").click()
        expect(console.get_by_test_id("runsheet")).to_contain_text(title)

    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    screen.goto(demo["display_url"])
    mc = organiser.new_page()
    mc.goto(f"{server.url}/mc/{demo['event']}")
    for page in (screen, mc):
        expect(page.locator("#link.live")).to_have_count(1)  # connected
        page.evaluate("window.notReloaded = true")

    console.get_by_test_id("runsheet-next").click()
    expect(mc.get_by_test_id("mc-title")).to_have_text("Khai mạc")
    lines = mc.get_by_test_id("mc-lines")
    expect(lines).to_contain_text("Ngày hội xin được bắt đầu")
    expect(mc.get_by_test_id("mc-next")).to_have_text("Bảng xếp hạng")
    expect(screen.locator(".logo")).to_be_visible()
    # Lines longer than the tablet scroll in their box, which says there is more until its end
    # is in sight; the rest of the page stays on the screen.
    expect(mc.get_by_test_id("mc-more")).to_be_visible()
    assert mc.locator(".lang").evaluate(
        "node => node.getBoundingClientRect().bottom <= innerHeight"
    )
    lines.evaluate("box => box.scrollTo(0, box.scrollHeight)")
    expect(mc.get_by_test_id("mc-more")).to_be_hidden()

    console.get_by_test_id("runsheet-next").click()
    expect(mc.get_by_test_id("mc-title")).to_have_text("Bảng xếp hạng")
    expect(screen.locator("#board")).to_be_visible()
    assert screen.evaluate("window.notReloaded") and mc.evaluate("window.notReloaded")

    # The MC sees when the tablet has lost the server, and is back on the same step after.
    server.kill()
    expect(mc.get_by_test_id("link-state")).to_contain_text("Mất kết nối")
    expect(mc.get_by_text("Mất kết nối")).to_be_visible()
    server.start()
    expect(mc.locator("#link.live")).to_have_count(1)
    expect(mc.get_by_text("Mất kết nối")).to_be_hidden()
    expect(mc.get_by_test_id("mc-title")).to_have_text("Bảng xếp hạng")
    organiser.close()


def test_the_phone_page_numbers_only_the_ranked_entries(running, browser):
    server, demo = running
    submit(server.url, demo, demo["entries"][0], 80)
    phone = browser.new_page(viewport={"width": 360, "height": 740})
    phone.goto(f"{server.url}/live/{demo['event']}")
    rows = phone.get_by_test_id("live-standings").locator("li")
    expect(rows).to_have_count(len(demo["entries"]))
    ranked = rows.first
    expect(ranked).to_contain_text(demo["entries"][0]["title"])
    assert ranked.get_attribute("value") == "1"
    unranked = rows.nth(1)
    expect(unranked).to_contain_text("chưa có phiếu chấm")
    assert unranked.evaluate("item => getComputedStyle(item).listStyleType") == "none"
