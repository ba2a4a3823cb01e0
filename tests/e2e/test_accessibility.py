"""Every page, as the organiser, a judge and a visitor reach it, checked by axe-core against WCAG
2.1 A and AA: labels, names, roles, contrast, landmarks, the language of the page.

The organiser's pages are found by following the console's own links from ``/manage/``, so a
page added to the menu is checked without being named here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import unavailable

pytestmark = pytest.mark.browser

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Links that end a session: nothing to look at. Links to files say so (``download``).
NOT_PAGES = ("/logout",)
MOST_PAGES = 80


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    """A browser that may add axe-core to pages whose content security policy would refuse it."""
    if not AXE.exists():
        unavailable(f"axe-core not installed at {AXE} (npm ci)")
    opened = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield opened
    opened.close()


def violations(page: Any) -> list[str]:
    """What axe-core finds on the page as it is now, one line per rule and element."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.nodes.map(n => `${v.id} (${v.impact}): `"
        " + `${n.target.join(' ')}: ${n.failureSummary.split('\\n').slice(1).join(' ')}`)).flat())",
        WCAG_AA,
    )
    return [f"{page.url}: {line}" for line in found]


def console_pages(page: Any, start: str) -> list[str]:
    """The organiser pages reachable from ``start`` through links, without query strings."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    seen: list[str] = []
    queue = [start]
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        page.goto(url)
        links = page.eval_on_selector_all("a[href]:not([download])", "as => as.map(a => a.href)")
        for href in links:
            parts = urlsplit(href)
            link = f"{origin}{parts.path}"
            if (
                f"{parts.scheme}://{parts.netloc}" == origin
                and parts.path.startswith("/manage")
                and not any(part in parts.path for part in NOT_PAGES)
                and link not in seen
                and link not in queue
            ):
                queue.append(link)
    return seen


def test_the_organiser_console_meets_wcag_aa(server, context):
    page = context.new_page()
    page.goto(server["organiser_url"])
    page.get_by_label("Email").fill(server["organiser"]["email"])
    page.get_by_label("Mật khẩu").fill(server["organiser"]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    origin = server["organiser_url"].split("/manage/")[0]
    pages = console_pages(page, f"{origin}/manage/")
    assert len(pages) >= 10, pages
    found = []
    for url in pages:
        page.goto(url)
        found += violations(page)
    assert found == [], "\n".join(found)


def test_the_judge_and_visitor_pages_meet_wcag_aa(server, context):
    origin = server["organiser_url"].split("/manage/")[0]
    page = context.new_page()
    found = []
    for url in (f"{origin}/login", origin + "/"):
        page.goto(url)
        found += violations(page)
    # The library as staff without an account read it, and one of its records.
    page.goto(f"{origin}/library")
    found += violations(page)
    page.get_by_test_id("library-results").get_by_role("link").first.click()
    page.wait_for_load_state()
    found += violations(page)
    page.goto(server["judges"][0]["login_url"])
    found += violations(page)
    page.get_by_role("link").filter(has_text=server["entries"][0]["title"]).first.click()
    page.wait_for_load_state()
    found += violations(page)
    display = context.new_page()
    display.goto(server["display_url"])
    found += violations(display)
    assert found == [], "\n".join(found)


# What a finger must be able to hit on a judge's tablet or a visitor's phone, and how small any of
# it may be (px): more than WCAG 2.2's 24, as busy judges and cheap phones need.
TARGETS = "button, .button, a.pitch, .lang a, select"
FINGER = 44


def small_targets(page: Any) -> list[str]:
    """The visible targets smaller than a finger, with their size."""
    found = page.eval_on_selector_all(
        TARGETS,
        """(all, finger) => all
          .map((e) => [e, e.getBoundingClientRect()])
          .filter(([e, r]) => r.width > 0 && (r.width < finger || r.height < finger))
          .map(([e, r]) => [e.textContent.trim(), Math.round(r.width), Math.round(r.height)])
          .map(([text, w, h]) => `${text}: ${w}x${h}`)""",
        FINGER,
    )
    return [f"{page.url}: {line}" for line in found]


def test_judges_and_visitors_hit_every_control_with_a_finger(server, browser):
    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    judge = tablet.new_page()
    judge.goto(server["judges"][0]["login_url"])
    found = small_targets(judge)
    judge.locator("a.pitch").first.click()
    judge.locator('fieldset[data-key="pitch"] .band').first.click()
    found += small_targets(judge)
    phone = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True).new_page()
    phone.goto(server["display_url"].replace("/display/", "/live/").rsplit("/", 1)[0])
    found += small_targets(phone)
    assert found == [], "\n".join(found)
