import pytest

import core.links
from tests.factories import PASSWORD


def test_a_link_asked_for_on_localhost_points_at_the_lan_address(app, monkeypatch):
    monkeypatch.setattr(core.links, "lan_address", lambda: "192.168.50.7")
    with app.test_request_context("http://localhost:8000/"):
        assert core.links.public_url() == "http://192.168.50.7:8000"
    with app.test_request_context("http://192.168.50.7:8000/"):
        assert core.links.public_url() == "http://192.168.50.7:8000"
    app.config["PUBLIC_URL"] = "http://sangtao.lan"
    with app.test_request_context("http://localhost:8000/"):
        assert core.links.public_url() == "http://sangtao.lan"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "////evil.example/x",
        "///evil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x=1",
        "evil",
    ],
)
def test_no_redirect_ever_leaves_the_site(client, target):
    assert client.get(f"/lang/en?next={target}").headers["Location"] == "/"


def test_the_login_never_sends_an_organiser_to_another_site(app, client, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    organiser = factory.organiser()
    response = client.post(
        "/login?next=////evil.example",
        data={"email": organiser.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/manage/"


def test_the_language_switch_goes_back_to_the_page(client):
    assert client.get("/lang/en?next=/display/x?screen=2").headers["Location"] == (
        "/display/x?screen=2"
    )


@pytest.mark.parametrize(
    ("origin", "host", "public", "allowed"),
    [
        ("http://192.168.1.20:8000", "192.168.1.20:8000", None, True),
        ("http://127.0.0.1:8000", "127.0.0.1:8000", None, True),
        ("http://[::1]:8000", "[::1]:8000", None, True),
        ("http://localhost:8000", "localhost:8000", None, True),
        ("https://sangtao.evn.example", "sangtao.evn.example", "https://sangtao.evn.example", True),
        ("http://evil.example:8000", "evil.example:8000", None, False),
        ("http://evil.example:8000", "evil.example:8000", "http://192.168.1.20:8000", False),
        ("http://evil.example", "192.168.1.20:8000", None, False),
        (None, "192.168.1.20:8000", None, False),
    ],
)
def test_only_pages_of_this_server_under_a_known_address_open_a_socket(
    origin, host, public, allowed
):
    scheme = (public or "http:").split(":")[0]
    environ = {"wsgi.url_scheme": scheme, "HTTP_HOST": host}
    assert core.links.origin_check(public)(origin, environ) is allowed
