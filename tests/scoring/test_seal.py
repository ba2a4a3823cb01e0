"""Locking a round seals it; reopening needs a reason; locking again makes a new seal."""

import hashlib
import json

import pytest
from sqlalchemy import select

from core import db
from core.models import AuditLog, EventRole, EventStatus, Round, RoundStatus
from core.service import change_status
from scoring.models import Entry, Seal
from scoring.results import Sheet
from scoring.seal import JudgeTotal, SealedEntry, canonical_document, seal_in_force


@pytest.fixture(autouse=True)
def no_csrf(app):
    """The forms' CSRF token is tested elsewhere; these tests post the forms directly."""
    app.config["WTF_CSRF_ENABLED"] = False


def first_round(factory, contest):
    with factory.writing() as session:
        return session.scalar(select(Round.id).where(Round.event_id == contest.event.id))


def seals(factory, round_id):
    with factory.writing() as session:
        rows = session.scalars(select(Seal).where(Seal.round_id == round_id).order_by(Seal.id))
        return [(row.sha256, row.document, row.reopened_at, row.reopen_reason) for row in rows]


def scored(factory, contest, totals=(80.0, 70.0, 60.0)):
    judges = [factory.judge(contest.event, name=f"Giám khảo {n}") for n in range(len(totals))]
    for made, total in zip(judges, totals, strict=True):
        for entry_id in contest.entries:
            factory.sheet(made, entry_id, total)
    return judges


def test_the_canonical_document_is_pure_sorted_and_hashes_the_same():
    entries = [SealedEntry(1, 1, "Cờ lê lực", "Điện lực Hải Châu", None, "")]
    sheets = [Sheet(7, 1, 80.0, {}, 3), Sheet(8, 1, 60.0, {}, 3)]
    totals = [JudgeTotal("GK01", 1, 80.0), JudgeTotal("GK02", 1, 60.0)]
    args = ({"slug": "s"}, {"id": 3}, [{"key": "pitch"}], entries, sheets, totals, "mean", [])
    document = canonical_document(*args)
    assert document == canonical_document(*args)
    parsed = json.loads(document)
    assert json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False) == document
    row = parsed["entries"][0]
    assert row["standing"] == {"rank": 1, "score": 70.0, "flags": []}
    assert set(row["methods"]) == {"mean", "trimmed", "zscore", "judge_effect"}
    assert (row["n"], row["low"], row["high"]) == (2, 60.0, 80.0)
    assert row["judges"] == {"GK01": 80.0, "GK02": 60.0}
    assert "Cờ lê lực" in document  # UTF-8, not \\u escapes


def test_lock_seals_reopen_needs_a_reason_and_a_changed_result_changes_the_seal(
    app, factory, contest, organiser_client
):
    scored(factory, contest)
    round_id = first_round(factory, contest)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    base = f"/manage/{contest.slug}/chair/rounds/{round_id}"
    assert manager.post(f"{base}/lock").status_code == 302
    [(sha, document, reopened, _)] = seals(factory, round_id)
    assert sha == hashlib.sha256(document.encode()).hexdigest() and reopened is None
    page = manager.get(base).get_data(as_text=True)
    assert sha in page and "download" in page
    download = manager.get(f"{base}/seal.json")
    assert download.data.decode() == document

    refused = manager.post(f"{base}/reopen", data={"reason": "  "})
    assert refused.status_code == 422
    assert "Hãy ghi lý do mở lại vòng thi." in refused.get_data(as_text=True)
    assert (
        manager.post(f"{base}/reopen", data={"reason": "Giám khảo nhập nhầm điểm"}).status_code
        == 302
    )
    with factory.writing() as session:
        assert session.get(Round, round_id).status == RoundStatus.OPEN
        logged = session.scalars(select(AuditLog).where(AuditLog.action == "round.reopened")).one()
        assert logged.reason == "Giám khảo nhập nhầm điểm" and logged.before["sha256"] == sha
        session.get(Entry, contest.entries[0]).consensus_score = 75.0
    assert manager.post(f"{base}/lock").status_code == 302
    first, second = seals(factory, round_id)
    assert first[2] is not None and first[3] == "Giám khảo nhập nhầm điểm"
    assert second[2] is None and second[0] != first[0]


def test_a_draft_blocks_the_lock_and_a_missing_sheet_needs_the_box(
    factory, contest, organiser_client
):
    judges = scored(factory, contest, (80.0,))
    factory.sheet(
        factory.judge(contest.event, name="Trần Thị Thu Hà"),
        contest.entries[0],
        None,
        submitted=False,
    )
    round_id = first_round(factory, contest)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    base = f"/manage/{contest.slug}/chair/rounds/{round_id}"
    response = manager.post(f"{base}/lock", data={"override": "1"})
    assert response.status_code == 409 and "còn ở dạng nháp" in response.get_data(as_text=True)
    assert seals(factory, round_id) == []
    assert judges


def test_a_locked_round_refuses_a_sheet_in_the_api(client, factory, contest, organiser_client):
    made = factory.judge(contest.event)
    round_id = first_round(factory, contest)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    manager.post(f"/manage/{contest.slug}/chair/rounds/{round_id}/lock", data={"override": "1"})
    payload = {
        "id": "0b1c2d3e-4f50-4617-8899-aabbccddeeff",
        "entry": contest.entries[0],
        "scores": {},
        "submit": False,
    }
    response = client.post(
        "/api/v1/scoresheets", json=payload, headers={"Authorization": f"Bearer {made.token}"}
    )
    assert response.status_code == 409 and response.json["error"] == "round_locked"


def test_the_event_lock_seals_open_rounds_and_its_reopening_leaves_them_sealed(
    app, factory, contest
):
    scored(factory, contest)
    round_id = first_round(factory, contest)
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        event = session.get(type(contest.event), contest.event.id)
        change_status(session, event, EventStatus.LOCKED, "organiser:1")
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        round_ = session.get(Round, round_id)
        assert round_.status == RoundStatus.LOCKED and seal_in_force(session, round_) is not None
        change_status(session, round_.event, EventStatus.SCORING, "organiser:1")
    with factory.writing() as session:
        round_ = session.get(Round, round_id)
        assert round_.status == RoundStatus.LOCKED and seal_in_force(session, round_) is not None
