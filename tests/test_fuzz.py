"""Hypothesis throws bodies, paths and query strings of every shape at every route, as each kind of
visitor that the route lets in, on SQLite and on PostgreSQL. No answer may be a 5xx; every answer
under /api/ is JSON, an error with its ``error`` and ``message``; a score sheet that is accepted is
answered and stored as sent (its comment NFC and stripped, its id in lower case).

The routes are read from the URL map, so a route is fuzzed the day it is added. CSRF is off: a
visitor who gets past the door holds a token. A short run by default; ``SANGTAO_FUZZ=long`` runs a
hundred times more examples (README, "Run the tests"). A failure prints the example and how to
reproduce it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core import db
from core.auth import ANYONE
from core.i18n import nfc
from scoring.models import ScoreSheet
from scoring.service import sheet_state
from tests.conftest import make_app, settle
from tests.core.test_routes import ALLOWED, KINDS, visitor_sessions
from tests.factories import Factory

settings.register_profile(
    "fuzz",
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("fuzz-long", parent=settings.get_profile("fuzz"), max_examples=500)
# Examples per route and database; the score sheets, the richest of the inputs, get five times as
# many.
FUZZ = settings.get_profile("fuzz-long" if os.environ.get("SANGTAO_FUZZ") == "long" else "fuzz")

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ARGUMENT = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>[^<>]+)>")

# Text of every kind: NUL, lone surrogates, letters typed decomposed, letters that NFC makes
# longer, spaces to strip, and texts longer than any limit.
LONG_TEXTS = st.sampled_from(
    ["x" * 4001, "\ufb2c" * 4000, "e\u0302\u0301" * 4000, " \t" * 3000, "a\x00" * 2000]
)
TEXTS = st.text(max_size=40) | LONG_TEXTS | st.sampled_from(["\x00", "\ud800", " ế ", "e\u0301"])
# What a URL or a form can carry: any text UTF-8 can encode.
URL_TEXTS = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(["\x00", "%00"])
NUMBERS = (
    st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.sampled_from([2**31, 2**63, 2**64, -(2**63) - 1])
    | st.floats()
)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXTS
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
    max_leaves=12,
)


def as_json(value: Any) -> str:
    """JSON as Python writes it: NaN and Infinity bare, lone surrogates escaped."""
    return json.dumps(value)


CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "text/plain; charset=utf-16",
    ]
)
# A request body: JSON of any shape, a form, bytes of any declared type, or JSON nested deeper
# than any stack.
BODIES = st.one_of(
    JSON_VALUES.map(lambda value: {"data": as_json(value), "content_type": "application/json"}),
    st.dictionaries(URL_TEXTS, URL_TEXTS, max_size=5).map(lambda form: {"data": form}),
    st.fixed_dictionaries({"data": st.binary(max_size=200), "content_type": CONTENT_TYPES}),
    st.integers(1, 100_000).map(
        lambda depth: {"data": "[" * depth + "]" * depth, "content_type": "application/json"}
    ),
)
ARGUMENTS = {
    "int": st.integers(0, 10**30).map(str) | st.sampled_from(["2147483648", "0"]),
    None: URL_TEXTS.filter(bool),
}
QUERIES = st.dictionaries(st.sampled_from(["next", "screen", "v"]) | URL_TEXTS, URL_TEXTS)


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory, template_db):
    """The app on an SQLite file of this module's own, shared by its tests like postgres_app:
    each example adds to one database, as a day at the venue does."""
    path = tmp_path_factory.mktemp("fuzz") / "sangtao.db"
    shutil.copyfile(template_db, path)
    app = make_app(f"sqlite:///{path}")
    yield app
    settle(app)
    app.extensions[db.EXTENSION].dispose()


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite_app", id="sqlite"),
        pytest.param("postgres_app", id="postgresql", marks=pytest.mark.postgres),
    ],
)
def visitors(request):
    """The visitors of the app on SQLite, then on PostgreSQL (which refuses NUL in text)."""
    app = request.getfixturevalue(request.param)
    csrf = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = False
    yield Visitors(app)
    app.config["WTF_CSRF_ENABLED"] = csrf


class Visitors:
    """Each kind of visitor of tests/core/test_routes.py, on one app; a judge comes both with the
    session their link opened and with their bearer token."""

    def __init__(self, app):
        self.app = app
        self.factory = Factory(app)
        self.contest = self.factory.contest()
        self.judge = self.factory.judge(self.contest.event)
        self.sessions = visitor_sessions(self.factory, self.contest.event, self.judge)

    def allowed(self, rule) -> list[str]:
        """Who gets past the door of ``rule``, each judge twice: by session and by token. Static
        files are everyone's."""
        view = self.app.view_functions[rule.endpoint]
        audience = ANYONE if rule.endpoint == "static" else view.audience
        kinds = [kind for kind in KINDS if kind in ALLOWED[audience]]
        return kinds + (["judge-bearer"] if "judge" in kinds else [])

    def send(self, kind: str, path: str, method: str, **body: Any):
        client = self.app.test_client()
        with client.session_transaction() as stored:
            stored.update(self.sessions[kind.removesuffix("-bearer")])
        headers = {"Authorization": f"Bearer {self.judge.token}"} if kind == "judge-bearer" else {}
        response = client.open(path, method=method, headers=headers, **body)
        if path == "/logout":  # it ended every session of that organiser: the next come anew
            self.sessions = visitor_sessions(self.factory, self.contest.event, self.judge)
        return response


# The routes of an app built like the tests' own: one test per route, so that a failure names
# its route and shrinks fast.
ROUTES = sorted(make_app("sqlite://").url_map.iter_rules(), key=lambda rule: rule.rule)
TAKING_BODIES = [
    pytest.param(rule, method, id=f"{method} {rule.rule}")
    for rule in ROUTES
    for method in sorted(rule.methods & WRITES)
]


def url(rule, arguments: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda match: quote(arguments[match["name"]], safe=""), rule.rule)


def check(response, method: str, path: str) -> None:
    where = f"{method} {path!r}"
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if path.startswith("/api/"):
        assert response.is_json, f"{where}: {response.status_code} {response.mimetype}"
        if method == "HEAD":
            return  # the headers of a GET, without its body
        body = response.get_json()
        if response.status_code >= 400:
            assert isinstance(body.get("error"), str), where
            assert isinstance(body.get("message"), str), where


@pytest.mark.parametrize(("rule", "method"), TAKING_BODIES)
@FUZZ
@given(data=st.data())
def test_no_body_breaks_a_route_that_takes_one(visitors, rule, method, data):
    path = url(rule, {name: "1" for name in rule.arguments})
    kind = data.draw(st.sampled_from(visitors.allowed(rule)), label="visitor")
    body = data.draw(BODIES, label="body")
    check(visitors.send(kind, path, method, **body), method, path)


@pytest.mark.parametrize("rule", [pytest.param(rule, id=rule.rule) for rule in ROUTES])
@FUZZ
@given(data=st.data())
def test_no_method_path_or_query_breaks_a_route(visitors, rule, data):
    method = data.draw(st.sampled_from(sorted(rule.methods)), label="method")
    arguments = {
        match["name"]: data.draw(
            ARGUMENTS.get(match["converter"], ARGUMENTS[None]), label=match["name"]
        )
        for match in ARGUMENT.finditer(rule.rule)
    }
    query = data.draw(QUERIES, label="query")
    path = url(rule, arguments) + ("?" + urlencode(query) if query else "")
    kind = data.draw(st.sampled_from(visitors.allowed(rule)), label="visitor")
    check(visitors.send(kind, path, method), method, path)


@st.composite
def sheets(draw: st.DrawFn, visitors: Visitors) -> dict[str, Any]:
    """A score sheet as a tablet would send it, half the time with one field spoilt."""
    maxima = dict(visitors.contest.criteria)
    scores = {
        key: st.integers(0, 2 * top).map(lambda halves: halves / 2) for key, top in maxima.items()
    }
    body = draw(
        st.fixed_dictionaries(
            {
                "id": st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper()),
                "entry": st.sampled_from(visitors.contest.entries),
            },
            optional={
                "scores": st.fixed_dictionaries({}, optional=scores),
                "comment": TEXTS,
                "submit": st.booleans(),
            },
        )
    )
    spoilt = {
        "id": st.uuids().flatmap(lambda u: st.sampled_from([f"{{{u}}}", u.hex, u.urn, u.int])),
        "scores": st.dictionaries(
            st.sampled_from(sorted(maxima)) | TEXTS,
            st.integers(-2, 60).map(lambda halves: halves / 2) | st.floats() | JSON_VALUES,
        ),
    }
    if draw(st.booleans()):
        field = draw(st.sampled_from(sorted(body)))
        body[field] = draw(spoilt.get(field, st.nothing()) | JSON_VALUES)
    return body


def expected_state(body: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    scores = body.get("scores", {})
    return {
        "status": "submitted" if body.get("submit") else "draft",
        "comment": nfc(body.get("comment") or "").strip(),
        "scores": {key: scores.get(key) for key in keys},
    }


def same_numbers(left: dict[str, Any], right: dict[str, Any]) -> bool:
    def exact(value: Any) -> Decimal | None:
        return None if value is None else Decimal(repr(value))

    return {k: exact(v) for k, v in left.items()} == {k: exact(v) for k, v in right.items()}


@settings(FUZZ, max_examples=5 * FUZZ.max_examples)
@given(data=st.data())
def test_an_accepted_sheet_is_answered_and_stored_as_sent(visitors, data):
    judge = visitors.factory.judge(visitors.contest.event)  # no sheet yet
    body = data.draw(sheets(visitors), label="sheet")
    response = visitors.app.test_client().post(
        "/api/v1/scoresheets",
        data=as_json(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {judge.token}"},
    )
    check(response, "POST", "/api/v1/scoresheets")
    event(f"answered {response.get_json().get('error', 'saved')}")
    if response.status_code not in (200, 201):
        return
    keys = [key for key, _max in visitors.contest.criteria]
    expected = expected_state(body, keys)
    answer = response.get_json()
    assert (answer["id"], answer["entry"]) == (body["id"].lower(), body["entry"])
    with visitors.app.app_context(), db.unit_of_work() as session:
        stored = session.scalar(select(ScoreSheet).where(ScoreSheet.id == answer["id"]))
        assert stored is not None
        state = sheet_state(stored)
    for seen in ({k: answer[k] for k in expected}, state):
        assert (seen["status"], seen["comment"]) == (expected["status"], expected["comment"])
        assert same_numbers(seen["scores"], expected["scores"]), (seen["scores"], body["scores"])
