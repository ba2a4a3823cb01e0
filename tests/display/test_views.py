import json
import re

from display.models import Screen

SCREEN_CONFIG = r'<script type="application/json" id="screen-config">(.*?)</script>'


def config_of(page):
    return json.loads(re.findall(SCREEN_CONFIG, page)[0])


def test_the_big_screen_starts_from_every_current_snapshot(client, contest):
    page = client.get(f"/display/{contest.slug}").get_data(as_text=True)
    config = config_of(page)
    current = client.get(f"/api/v1/events/{contest.slug}/standings").get_json()
    snapshots = config["snapshots"]
    assert set(snapshots) == {
        "screens",
        "standings",
        "pitching",
        "peoples_choice",
        "exhibits",
        "reveal",
    }
    assert snapshots["standings"]["version"] == current["version"]
    assert {row["title"] for row in snapshots["standings"]["entries"]} == {
        f"Sáng kiến số {order}" for order in range(1, len(contest.entries) + 1)
    }
    assert config["texts"]["provisional"] == "Dự kiến"
    # One renderer per mode: the page's modules draw, Jinja only the shell.
    assert (
        '<section id="stage" class="stage" data-testid="stage" aria-live="polite"></section>'
        in page
    )
    assert "/static/js/pages/display.js?v=" in page
    assert "/static/vendor/socket.io.esm.min.js?v=" in page
    assert "#lib/mode-standings.js" in page


def test_an_unknown_event_or_screen_has_no_big_screen(client, contest):
    assert client.get("/display/khong-co").status_code == 404
    assert client.get(f"/display/{contest.slug}/khong-co").status_code == 404


def test_the_big_screen_page_has_the_language_switch_too(client, contest):
    page = client.get(f"/display/{contest.slug}").get_data(as_text=True)
    assert f'href="/lang/en?next=/display/{contest.slug}"' in page
    assert "Mất kết nối" in page


def test_only_a_screens_preview_may_be_framed_and_only_by_this_site(client, factory, contest):
    with factory.writing() as session:
        session.add(Screen(event_id=contest.event.id, name="Sảnh", key="sanh"))
    opened = client.get(f"/display/{contest.slug}/sanh")
    assert opened.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in opened.headers["Content-Security-Policy"]
    preview = client.get(f"/display/{contest.slug}/sanh?preview=1")
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
