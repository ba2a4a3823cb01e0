import json
import re

SCREEN_CONFIG = r'<script type="application/json" id="screen-config">(.*?)</script>'


def test_the_big_screen_starts_from_the_current_snapshot(client, contest):
    page = client.get(f"/display/{contest.slug}").get_data(as_text=True)
    config = json.loads(re.findall(SCREEN_CONFIG, page)[0])
    current = client.get(f"/api/v1/events/{contest.slug}/standings").get_json()
    assert config["snapshot"]["version"] == current["version"]
    assert {row["title"] for row in config["snapshot"]["entries"]} == {
        f"Sáng kiến số {order}" for order in range(1, len(contest.entries) + 1)
    }
    # One renderer: the page's module draws the rows from the snapshot, Jinja only the shell.
    assert "<tbody></tbody>" in page
    assert "/static/js/pages/display.js?v=" in page
    assert "/static/vendor/socket.io.esm.min.js?v=" in page


def test_an_unknown_event_has_no_big_screen(client):
    assert client.get("/display/khong-co").status_code == 404


def test_the_big_screen_page_has_the_language_switch_too(client, contest):
    page = client.get(f"/display/{contest.slug}").get_data(as_text=True)
    assert f'href="/lang/en?next=/display/{contest.slug}"' in page
    assert "Bảng xếp hạng" in page
