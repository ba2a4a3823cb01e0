"""The running order of a round, in Chromium: an organiser drags an entry with the mouse, moves
another with the keyboard, reloads and finds the order kept; withdraws an entry with a reason;
adds a round and fills it from the event's list with a search typed without accents."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def titles(page: Page) -> list[str]:
    return [
        title
        for title in page.locator("#running-order tr[data-entry]").evaluate_all(
            "rows => rows.map(row => row.dataset.title)"
        )
    ]


def saved(page: Page) -> None:
    expect(page.locator("#order-status")).to_contain_text("Đã lưu thứ tự thuyết trình.")


def test_an_organiser_orders_a_round_by_mouse_and_keyboard_and_withdraws_an_entry(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["organiser_url"])
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    menu = page.get_by_role("navigation", name="Các trang của sự kiện")
    menu.get_by_role("link", name="Vòng thi và thứ tự").click()
    expect(page.get_by_role("heading", name="Vòng thi và thứ tự thuyết trình")).to_be_visible()
    page.get_by_role("link", name="Vòng chung khảo").click()
    expect(page.get_by_role("heading", name="Vòng chung khảo")).to_be_visible()

    first, second, third, *rest = titles(page)
    # Drag the third entry by its handle above the first, with the mouse.
    rows = page.locator("#running-order tr[data-entry]")
    # The handles show once the page's script can drag (before, they would do nothing).
    expect(rows.nth(2).locator(".handle")).to_be_visible()
    handle = rows.nth(2).locator(".handle").bounding_box()
    target = rows.nth(0).bounding_box()
    assert handle is not None and target is not None
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + 10, target["y"] + 5, steps=20)
    page.mouse.move(handle["x"] + 10, target["y"] + 2, steps=5)
    page.mouse.up()
    saved(page)
    assert titles(page)[:3] == [third, first, second]
    expect(page.locator("#running-order tr[data-entry]").first.locator(".order")).to_have_text("1")

    # With the keyboard: the first entry's Xuống button, then Alt+ArrowDown from the same row.
    page.get_by_role("button", name=f"Chuyển “{third}” xuống sau").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#order-status")).to_contain_text(f"“{third}” giờ ở vị trí 2")
    saved(page)
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#order-status")).to_contain_text(f"“{third}” giờ ở vị trí 3")
    saved(page)
    expected = [first, second, third, *rest]
    assert titles(page) == expected

    page.reload()
    assert titles(page) == expected
    expect(page.get_by_test_id(f"order-{rows.nth(2).get_attribute('data-entry')}")).to_have_text(
        "3"
    )

    # Withdraw the second entry with a reason.
    row = page.locator("#running-order tr[data-entry]").nth(1)
    row.get_by_text("Rút khỏi hội thi", exact=True).click()
    form = page.get_by_role("form", name=f"Rút “{second}” khỏi hội thi")
    form.get_by_role("button", name=f"Cho “{second}” rút khỏi hội thi").click()
    expect(form.get_by_label("Lý do rút bài")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Hãy ghi lý do rút bài.")).to_be_visible()
    page.get_by_role("form", name=f"Rút “{second}” khỏi hội thi").get_by_label(
        "Lý do rút bài"
    ).fill("Tác giả chính đi công tác đột xuất")
    page.get_by_role("button", name=f"Cho “{second}” rút khỏi hội thi").click()
    expect(page.get_by_text(f"“{second}” đã rút khỏi hội thi.")).to_be_visible()
    withdrawn = page.locator("#running-order tr.withdrawn")
    expect(withdrawn).to_have_count(1)
    expect(withdrawn).to_contain_text("Lý do: Tác giả chính đi công tác đột xuất")
    assert titles(page) == expected


def test_a_new_round_is_filled_from_the_list_with_a_search_without_accents(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["organiser_url"])
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("navigation", name="Các trang của sự kiện").get_by_role(
        "link", name="Vòng thi và thứ tự"
    ).click()
    form = page.get_by_role("form", name="Thêm vòng thi")
    expect(form.get_by_label("Tên vòng thi")).to_have_value("Vòng sơ khảo")
    form.get_by_role("button", name="Thêm vòng").click()
    expect(page.get_by_text("Đã thêm vòng “Vòng sơ khảo”.")).to_be_visible()
    page.get_by_role("button", name="Đưa vòng “Vòng sơ khảo” lên trước").click()
    expect(page.get_by_role("row").nth(1)).to_contain_text("Vòng sơ khảo")

    page.get_by_role("link", name="Vòng sơ khảo").click()
    expect(page.get_by_role("heading", name="Vòng sơ khảo")).to_be_visible()
    search = page.get_by_label("Tìm theo tên, mã hoặc đơn vị", exact=False)
    expect(page.locator("#candidates label[data-search]")).to_have_count(len(server["entries"]))
    search.fill("robot sua chua")
    visible = page.locator("#candidates label[data-search]:visible")
    expect(visible).to_have_count(1)
    expect(page.locator("#candidate-count")).to_have_text("1 sáng kiến")
    visible.get_by_role("checkbox").check()
    page.get_by_role("button", name="Thêm các sáng kiến đã chọn vào vòng").click()
    expect(page.get_by_text("Đã thêm 1 bài vào vòng “Vòng sơ khảo”.")).to_be_visible()
    expect(page.locator("#running-order tr[data-entry]")).to_have_count(1)
    expect(page.locator("#running-order")).to_contain_text("Robot sửa chữa dây chống sét")
