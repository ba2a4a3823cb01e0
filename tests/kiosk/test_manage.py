from core.models import EventRole
from kiosk.visits import EXTENSION
from tests.kiosk.test_views import PHONE


def test_the_exhibit_list_shows_qr_codes_and_visits(app, client, factory, organiser_client):
    event = factory.event()
    exhibit = factory.exhibit(event)
    client.get(f"/E/{exhibit.qr_token}", headers=PHONE)
    app.extensions[EXTENSION].flush()
    page = organiser_client(event, EventRole.VIEWER).get(f"/manage/{event.slug}/exhibits")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/e/{exhibit.qr_token}/qr.svg" in html
    assert '<td class="num">1</td>' in html
    assert 'aria-current="page">Sản phẩm trưng bày' in html


def test_the_exhibit_list_is_for_organisers_of_the_event(client, factory, organiser_client):
    event = factory.event()
    response = client.get(f"/manage/{event.slug}/exhibits")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    other = factory.event()
    stranger = organiser_client(other, EventRole.OWNER)
    assert stranger.get(f"/manage/{event.slug}/exhibits").status_code == 403
