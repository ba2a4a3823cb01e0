def test_the_big_screen_starts_from_the_current_snapshot(client, demo):
    page = client.get(f"/display/{demo.event.slug}").get_data(as_text=True)
    assert 'data-version="0"' in page
    for entry in demo.entries:
        assert entry.initiative.title in page
    assert "/static/vendor/socket.io.esm.min.js?v=" in page


def test_an_unknown_event_has_no_big_screen(client):
    assert client.get("/display/khong-co").status_code == 404


def test_the_big_screen_page_has_the_language_switch_too(client, demo):
    page = client.get(f"/display/{demo.event.slug}").get_data(as_text=True)
    assert f'href="/lang/en?next=/display/{demo.event.slug}"' in page
    assert "Bảng xếp hạng" in page
