"""Bad input stops at the edge, for every route: text no column can hold, JSON too deep, and
answers under /api/ that Flask and Werkzeug make by themselves."""

import json

import pytest
from sqlalchemy import func, select

from core import db
from core.edge import MAX_DEPTH
from scoring.models import ScoreSheet
from tests.factories import PASSWORD, Factory
from tests.scoring.test_api import bearer, sheet


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_app(request):
    """The app on SQLite, then on PostgreSQL (which refuses NUL in text)."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "postgres_app")


@pytest.fixture
def made(any_app):
    """An exhibit and a contest with a judge, on ``any_app``'s database."""
    factory = Factory(any_app)
    contest = factory.contest()
    return {
        "contest": contest,
        "judge": factory.judge(contest.event),
        "exhibit": factory.exhibit(contest.event),
    }


def sheets(app):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(ScoreSheet))


@pytest.mark.parametrize(
    "path",
    [
        "/E/{token}%00",
        "/e/{token}%00",
        "/e/%00{token}/qr.png",
        "/display/{slug}%00",
        "/manage/{slug}%00/",
        "/manage/{slug}%00",
    ],
)
def test_a_page_url_holding_nul_is_a_404_page(any_app, made, path):
    url = path.format(token=made["exhibit"].qr_token, slug=made["contest"].slug)
    response = any_app.test_client().get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/events/{slug}%00/standings", "/api/v1/events/{slug}/standings?screen=a%00"],
)
def test_an_api_url_holding_nul_is_a_json_422(any_app, made, path):
    response = any_app.test_client().get(path.format(slug=made["contest"].slug))
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid_text"


@pytest.mark.parametrize(
    "change",
    [
        {"comment": "Tốt\x00"},
        {"comment": "Tốt\ud800"},
        {"scores": {"novelty\x00": 10}},
        {"scores": {"\udfff": 10}},
    ],
)
def test_unstorable_text_in_a_sheet_is_a_422_that_writes_nothing(any_app, made, change):
    body = json.dumps(sheet(made["contest"].entries[0], submit=False) | change)
    response = any_app.test_client().post(
        "/api/v1/scoresheets",
        data=body,
        content_type="application/json",
        headers=bearer(made["judge"].token),
    )
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid_text"
    assert sheets(any_app) == 0


@pytest.mark.parametrize("field", ["email", "password", "next\x00"])
def test_a_login_form_holding_nul_is_a_422_page(any_app, monkeypatch, field):
    monkeypatch.setitem(any_app.config, "WTF_CSRF_ENABLED", False)
    organiser = Factory(any_app).organiser()
    form = {"email": organiser.email, "password": PASSWORD} | {field: "a\x00b"}
    response = any_app.test_client().post("/login", data=form)
    assert response.status_code == 422
    assert response.mimetype == "text/html"


def test_json_nested_too_deep_is_malformed(client, judge, contest):
    for depth in (MAX_DEPTH + 1, 100_000):
        response = client.post(
            "/api/v1/scoresheets",
            data="[" * depth + "]" * depth,
            content_type="application/json",
            headers=bearer(judge.token),
        )
        assert response.status_code == 400, depth
        assert response.get_json()["error"] == "invalid_json"


def test_json_as_deep_as_allowed_is_read(client, judge, contest):
    nested: list = []
    for _ in range(MAX_DEPTH - 2):
        nested = [nested]
    payload = sheet(contest.entries[0], submit=False) | {"extra": nested}  # MAX_DEPTH levels
    response = client.post("/api/v1/scoresheets", json=payload, headers=bearer(judge.token))
    assert response.status_code == 201


def test_options_under_api_is_json(client):
    response = client.options("/api/v1/scoresheets")
    assert response.status_code == 200
    assert response.get_json() == {"allow": ["OPTIONS", "POST"]}
    assert set(response.allow) == {"OPTIONS", "POST"}


def test_a_routing_redirect_under_api_is_json(client, contest):
    response = client.get(f"/api/v1//events/{contest.slug}/standings")
    assert response.status_code == 308
    assert response.location.endswith(f"/api/v1/events/{contest.slug}/standings")
    assert response.get_json() == {"location": response.location}


def test_pages_keep_their_html_redirects(client, contest):
    response = client.get(f"/manage/{contest.slug}")
    assert response.status_code == 308
    assert response.mimetype == "text/html"


def test_answers_keep_vietnamese_letters_readable(client, judge, contest):
    payload = sheet(contest.entries[0], submit=False)
    response = client.post("/api/v1/scoresheets", json=payload, headers=bearer(judge.token))
    assert "Giải pháp thiết thực".encode() in response.data
