import json
import re

SCREEN_CONFIG = r'<script type="application/json" id="screen-config">(.*?)</script>'


def test_the_big_screen_starts_from_the_current_snapshot(client, demo):
    page = client.get(f"/display/{demo.event.slug}").get_data(as_text=True)
    config = json.loads(re.findall(SCREEN_CONFIG, page)[0])
    assert config["snapshot"]["version"] == 0
    assert {row["title"] for row in config["snapshot"]["entries"]} == {
        entry.initiative.title for entry in demo.entries
    }
    # One renderer: the page's module draws the rows from the snapshot, Jinja only the shell.
    assert "<tbody></tbody>" in page
    assert "/static/js/pages/display.js?v=" in page
    assert "/static/vendor/socket.io.esm.min.js?v=" in page


def test_an_unknown_event_has_no_big_screen(client):
    assert client.get("/display/khong-co").status_code == 404


def test_the_big_screen_page_has_the_language_switch_too(client, demo):
    page = client.get(f"/display/{demo.event.slug}").get_data(as_text=True)
    assert f'href="/lang/en?next=/display/{demo.event.slug}"' in page
    assert "Bảng xếp hạng" in page
