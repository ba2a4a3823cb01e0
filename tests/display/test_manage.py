from core.models import EventRole


def test_the_screens_page_gives_each_screen_its_address(factory, organiser_client):
    event = factory.event()
    page = organiser_client(event, EventRole.VIEWER).get(f"/manage/{event.slug}/screens")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/display/{event.slug}" in html
    assert "localhost" not in html
