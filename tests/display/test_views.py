def test_the_big_screen_starts_from_the_current_snapshot(client, contest):
    page = client.get(f"/display/{contest.slug}").get_data(as_text=True)
    version = client.get(f"/api/v1/events/{contest.slug}/standings").get_json()["version"]
    assert f'data-version="{version}"' in page
    for order in range(1, len(contest.entries) + 1):
        assert f"Sáng kiến số {order}" in page
    assert "/static/vendor/socket.io.min.js" in page


def test_an_unknown_event_has_no_big_screen(client):
    assert client.get("/display/khong-co").status_code == 404


def test_the_big_screen_page_has_the_language_switch_too(client, contest):
    page = client.get(f"/display/{contest.slug}").get_data(as_text=True)
    assert f'href="/lang/en?next=/display/{contest.slug}"' in page
    assert "Bảng xếp hạng" in page
