import uuid

import pytest
from sqlalchemy import func, select

from core import db
from core.models import AuditLog, Event, EventStatus, Round, RoundStatus
from scoring.models import Judge, ScoreSheet
from scoring.service import MAX_COMMENT
from tests.factories import Factory

FULL = {"novelty": 18, "effectiveness": 22.5, "benefit": 24, "replicability": 17, "pitch": 9}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def sheet(entry, scores=None, submit=True, **extra):
    return {
        "id": str(uuid.uuid4()),
        "entry": entry,
        "scores": FULL if scores is None else scores,
        "comment": "Giải pháp thiết thực, số liệu rõ ràng.",
        "submit": submit,
        **extra,
    }


@pytest.fixture
def judge_and_entry(judge, contest):
    """A judge of the contest, and an entry that judge scores."""
    return judge.token, contest.entries[0]


def count(app, model):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model))


def standings(client, contest):
    return client.get(f"/api/v1/events/{contest.slug}/standings").get_json()


def change(app, model, row_id, **values):
    with app.app_context(), db.unit_of_work(write=True) as session:
        row = session.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)


def test_submitting_a_sheet_stores_it_and_moves_the_standings(client, contest, judge_and_entry):
    token, entry = judge_and_entry
    before = standings(client, contest)["version"]
    payload = sheet(entry)
    response = client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == payload["id"]
    assert body["status"] == "submitted"
    assert body["outcome"] == "created"
    assert body["total"] == 90.5
    assert body["scores"] == FULL

    after = standings(client, contest)
    assert after["version"] == before + 1
    top = after["entries"][0]
    assert (top["entry_id"], top["rank"], top["score"], top["sheets"]) == (entry, 1, 90.5, 1)
    assert top["title"] == "Sáng kiến số 1"


def test_the_same_sheet_sent_twice_is_stored_once(app, client, contest, judge_and_entry):
    token, entry = judge_and_entry
    before = standings(client, contest)["version"]
    payload = sheet(entry)
    first = client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    again = client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["outcome"] == "unchanged"
    assert count(app, ScoreSheet) == 1
    assert count(app, AuditLog) == 1
    after = standings(client, contest)
    assert after["version"] == before + 1
    assert after["entries"][0]["sheets"] == 1


def test_a_changed_resend_updates_the_sheet_and_is_audited(app, client, judge_and_entry):
    token, entry = judge_and_entry
    payload = sheet(entry)
    client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    changed = payload | {"scores": FULL | {"pitch": 10}}
    response = client.post("/api/v1/scoresheets", json=changed, headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "updated"
    assert response.get_json()["total"] == 91.5
    with app.app_context(), db.unit_of_work() as session:
        log = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [row.action for row in log] == ["sheet.created", "sheet.updated"]
    assert log[1].before["scores"]["pitch"] == 9
    assert log[1].after["scores"]["pitch"] == 10
    assert log[1].actor.startswith("judge:")


def test_a_draft_keeps_empty_criteria_empty_and_does_not_count(client, contest, judge_and_entry):
    token, entry = judge_and_entry
    before = standings(client, contest)["version"]
    scores = {"novelty": 15, "effectiveness": None}
    response = client.post(
        "/api/v1/scoresheets", json=sheet(entry, scores, submit=False), headers=bearer(token)
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["scores"]["effectiveness"] is None
    assert body["scores"]["pitch"] is None
    assert body["total"] is None
    after = standings(client, contest)
    assert after["version"] == before
    assert all(row["sheets"] == 0 for row in after["entries"])


def test_taking_a_submission_back_to_draft_removes_it_from_the_standings(
    client, contest, judge_and_entry
):
    token, entry = judge_and_entry
    before = standings(client, contest)["version"]
    payload = sheet(entry)
    client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    response = client.post(
        "/api/v1/scoresheets", json=payload | {"submit": False}, headers=bearer(token)
    )
    assert response.get_json()["status"] == "draft"
    after = standings(client, contest)
    assert after["version"] == before + 2
    assert after["entries"][0]["sheets"] == 0


def test_a_judge_session_with_csrf_token_may_post(client, judge_and_entry):
    token, entry = judge_and_entry
    page = client.get(f"/j/{token}", follow_redirects=True)
    assert page.status_code == 200
    sheet_page = client.get(f"/judge/entries/{entry}")
    csrf = sheet_page.get_data(as_text=True).split('"csrf": "')[1].split('"')[0]
    without = client.post("/api/v1/scoresheets", json=sheet(entry))
    assert without.status_code == 400
    assert without.get_json()["error"] == "csrf"
    response = client.post("/api/v1/scoresheets", json=sheet(entry), headers={"X-CSRFToken": csrf})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "unauthorized"), ({"Authorization": "Bearer not-a-token"}, "invalid_token")],
)
def test_unknown_judges_get_401(client, contest, headers, code):
    response = client.post("/api/v1/scoresheets", json=sheet(contest.entries[0]), headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == code
    assert response.get_json()["message"]


def test_a_deactivated_judge_token_stops_working(app, client, judge, judge_and_entry):
    token, entry = judge_and_entry
    change(app, Judge, judge.id, active=False)
    response = client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(token))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (lambda p: p | {"id": "not-a-uuid"}, 422, "invalid_id"),
        (lambda p: p | {"entry": "1"}, 422, "invalid_entry"),
        (lambda p: p | {"entry": True}, 422, "invalid_entry"),
        (lambda p: p | {"entry": 999999}, 404, "entry_not_found"),
        (lambda p: p | {"scores": [1, 2]}, 422, "invalid_scores"),
        (lambda p: p | {"scores": FULL | {"novelty": "18"}}, 422, "invalid_score"),
        (lambda p: p | {"scores": FULL | {"novelty": True}}, 422, "invalid_score"),
        (lambda p: p | {"scores": FULL | {"novelty": 21}}, 422, "out_of_range"),
        (lambda p: p | {"scores": FULL | {"novelty": -1}}, 422, "out_of_range"),
        (lambda p: p | {"scores": FULL | {"novelty": 17.25}}, 422, "invalid_step"),
        (lambda p: p | {"scores": FULL | {"speed": 5}}, 422, "unknown_criterion"),
        (lambda p: p | {"scores": FULL | {"pitch": None}}, 422, "incomplete"),
        (lambda p: p | {"comment": 12}, 422, "invalid_comment"),
        (lambda p: p | {"comment": "x" * 4001}, 422, "invalid_comment"),
        (lambda p: p | {"submit": "yes"}, 422, "invalid_submit"),
    ],
)
def test_every_validation_error_is_json_and_writes_nothing(
    app, client, judge_and_entry, change, status, code
):
    token, entry = judge_and_entry
    response = client.post("/api/v1/scoresheets", json=change(sheet(entry)), headers=bearer(token))
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert count(app, ScoreSheet) == 0
    assert count(app, AuditLog) == 0


def test_not_json_is_a_400(client, judge_and_entry):
    token, _ = judge_and_entry
    response = client.post(
        "/api/v1/scoresheets", data="scores=1", headers=bearer(token), content_type="text/plain"
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"


def test_an_incomplete_submission_names_the_missing_criteria(client, judge_and_entry):
    token, entry = judge_and_entry
    response = client.post(
        "/api/v1/scoresheets", json=sheet(entry, {"novelty": 10}), headers=bearer(token)
    )
    assert response.get_json()["criteria"] == ["effectiveness", "benefit", "replicability", "pitch"]


def test_a_recused_judge_is_refused(client, factory, contest):
    recused = factory.judge(contest.event, recused_from=(contest.entries[1],))
    response = client.post(
        "/api/v1/scoresheets", json=sheet(contest.entries[1]), headers=bearer(recused.token)
    )
    assert response.status_code == 403
    assert response.get_json()["error"] == "recused"


def test_a_second_sheet_id_for_the_same_entry_is_a_conflict(client, judge_and_entry):
    token, entry = judge_and_entry
    first = sheet(entry)
    client.post("/api/v1/scoresheets", json=first, headers=bearer(token))
    response = client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(token))
    assert response.status_code == 409
    assert response.get_json()["error"] == "sheet_exists"
    assert response.get_json()["sheet_id"] == first["id"]


def test_another_judges_sheet_id_cannot_be_taken_over(client, factory, contest, judge_and_entry):
    token, entry = judge_and_entry
    payload = sheet(entry)
    client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    other = factory.judge(contest.event, name="Trần Quốc Khánh")
    response = client.post("/api/v1/scoresheets", json=payload, headers=bearer(other.token))
    assert response.status_code == 409
    assert response.get_json()["error"] == "sheet_id_taken"


def test_scoring_is_refused_before_the_scoring_phase(app, client, contest, judge_and_entry):
    token, entry = judge_and_entry
    change(app, Event, contest.event.id, status=EventStatus.OPEN)
    response = client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(token))
    assert response.status_code == 409
    assert response.get_json()["error"] == "scoring_closed"


@pytest.mark.parametrize("status", [EventStatus.LOCKED, EventStatus.PUBLISHED])
def test_a_locked_or_published_event_refuses_a_sheet_as_a_locked_round(
    app, client, contest, judge_and_entry, status
):
    """A sheet scored offline before the lock and sent afterwards: the sealed result stays."""
    token, entry = judge_and_entry
    change(app, Event, contest.event.id, status=status)
    response = client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(token))
    assert response.status_code == 409
    assert response.get_json() == {
        "error": "round_locked",
        "message": "Vòng thi đã khóa, không thể sửa phiếu chấm.",
    }
    assert count(app, ScoreSheet) == 0


def test_a_fresh_csrf_token_lets_the_tablets_session_send_its_sheets(
    judge_client, judge, judge_and_entry
):
    """A page kept offline carries an old token; the outbox fetches this one instead."""
    _, entry = judge_and_entry
    tablet = judge_client(judge)
    refused = tablet.post("/api/v1/scoresheets", json=sheet(entry), headers={"X-CSRFToken": "x"})
    assert refused.get_json()["error"] == "csrf"
    response = tablet.get("/api/v1/judge/csrf")
    assert response.status_code == 200
    headers = {"X-CSRFToken": response.get_json()["csrf"]}
    assert tablet.post("/api/v1/scoresheets", json=sheet(entry), headers=headers).status_code == 201


def test_no_csrf_token_without_a_judges_session(client):
    response = client.get("/api/v1/judge/csrf")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_a_locked_round_ends_the_undo(app, client, judge_and_entry):
    token, entry = judge_and_entry
    payload = sheet(entry)
    client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    with app.app_context(), db.unit_of_work(write=True) as session:
        for round_ in session.scalars(select(Round)):
            round_.status = RoundStatus.LOCKED
    response = client.post(
        "/api/v1/scoresheets", json=payload | {"submit": False}, headers=bearer(token)
    )
    assert response.status_code == 409
    assert response.get_json()["error"] == "round_locked"


def test_an_entry_of_another_event_is_not_found(client, factory, judge_and_entry):
    token, _ = judge_and_entry
    other = factory.contest()
    response = client.post(
        "/api/v1/scoresheets", json=sheet(other.entries[0]), headers=bearer(token)
    )
    assert response.status_code == 404


def test_standings_of_an_unknown_event_are_a_json_404(client):
    response = client.get("/api/v1/events/khong-co/standings")
    assert response.status_code == 404
    assert response.get_json()["error"] == "event_not_found"


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_a_wrong_method_is_a_json_405(client):
    response = client.get("/api/v1/scoresheets")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_scores(app, client, judge_and_entry, number):
    token, entry = judge_and_entry
    raw = (
        f'{{"id": "{uuid.uuid4()}", "entry": {entry}, "submit": false,'
        f' "scores": {{"novelty": {number}}}}}'
    )
    response = client.post(
        "/api/v1/scoresheets", data=raw, content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid_score"
    assert count(app, ScoreSheet) == 0


def test_errors_name_the_criterion_in_the_judges_language(client, judge_and_entry):
    token, entry = judge_and_entry
    client.get("/lang/en")
    response = client.post(
        "/api/v1/scoresheets", json=sheet(entry, FULL | {"novelty": 25}), headers=bearer(token)
    )
    assert response.get_json()["message"] == (
        "The score for “Novelty and creativity” must be between 0 and 20."
    )


def test_the_public_standings_never_show_one_judges_total(client, factory, contest, judge):
    other = factory.judge(contest.event)
    entry = contest.entries[0]
    for who, pitch in ((judge, 10), (other, 0)):
        body = sheet(entry, scores=FULL | {"pitch": pitch})
        assert (
            client.post("/api/v1/scoresheets", json=body, headers=bearer(who.token)).status_code
            == 201
        )
    (row,) = [e for e in standings(client, contest)["entries"] if e["entry_id"] == entry]
    assert row["sheets"] == 2
    totals = [pytest.approx(sum(FULL.values()) - FULL["pitch"] + pitch) for pitch in (10, 0)]
    assert not [value for value in row.values() if value in totals]


@pytest.mark.parametrize("entry", [2**31, 2**63, 2**70, -(2**70), 0])
def test_an_entry_id_no_entry_can_have_is_not_found(app, client, judge_and_entry, entry):
    token, _ = judge_and_entry
    response = client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(token))
    assert response.status_code == 404
    assert response.get_json()["error"] == "entry_not_found"
    assert count(app, ScoreSheet) == 0


@pytest.mark.postgres
def test_an_entry_id_beyond_postgresqls_integer_is_not_found(postgres_app):
    factory = Factory(postgres_app)
    contest = factory.contest()
    token = factory.judge(contest.event).token
    response = postgres_app.test_client().post(
        "/api/v1/scoresheets", json=sheet(2**31), headers=bearer(token)
    )
    assert response.status_code == 404
    assert response.get_json()["error"] == "entry_not_found"


@pytest.mark.parametrize("value", [10**400, -(10**400), 1.7976931348623157e308])
def test_a_score_of_any_size_is_out_of_range_not_a_crash(app, client, judge_and_entry, value):
    token, entry = judge_and_entry
    payload = sheet(entry, FULL | {"novelty": value})
    response = client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    assert response.status_code == 422
    assert response.get_json()["error"] == "out_of_range"
    assert count(app, ScoreSheet) == 0


def test_the_comment_limit_counts_characters_as_stored(app, client, judge_and_entry):
    """NFC composes Vietnamese letters typed decomposed, but makes a few others longer: the limit
    applies to what is stored."""
    token, entry = judge_and_entry
    longer = sheet(entry, comment="\ufb2c" * MAX_COMMENT)  # 3 code points each once NFC
    response = client.post("/api/v1/scoresheets", json=longer, headers=bearer(token))
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid_comment"

    decomposed = "e\u0302\u0301" * MAX_COMMENT  # ế typed as three code points
    response = client.post(
        "/api/v1/scoresheets", json=sheet(entry, comment=decomposed), headers=bearer(token)
    )
    assert response.status_code == 201
    assert response.get_json()["comment"] == "ế" * MAX_COMMENT


@pytest.mark.parametrize(
    "written",
    [
        "{6f1c1d1e-8a4b-4c1b-9a57-2f0a3e0b7f11}",
        "urn:uuid:6f1c1d1e-8a4b-4c1b-9a57-2f0a3e0b7f11",
        "6f1c1d1e8a4b4c1b9a572f0a3e0b7f11",
        "----6f1c1d1e8a4b4c1b9a572f0a3e0b7f11",
        12345678901234567890123456789012,
    ],
)
def test_a_sheet_id_is_a_uuid_written_as_usual(app, client, judge_and_entry, written):
    """Anything else would be stored under an id the tablet never sent."""
    token, entry = judge_and_entry
    response = client.post(
        "/api/v1/scoresheets", json=sheet(entry) | {"id": written}, headers=bearer(token)
    )
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid_id"
    assert count(app, ScoreSheet) == 0


def test_a_sheet_id_in_capitals_is_kept_in_lower_case(client, judge_and_entry):
    token, entry = judge_and_entry
    payload = sheet(entry)
    shouted = payload | {"id": payload["id"].upper()}
    response = client.post("/api/v1/scoresheets", json=shouted, headers=bearer(token))
    assert response.status_code == 201
    assert response.get_json()["id"] == payload["id"]
    again = client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    assert again.get_json()["outcome"] == "unchanged"
