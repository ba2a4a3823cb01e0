"""Rounds and running order (Vòng thi và thứ tự thuyết trình): rounds added, renamed, moved and
deleted; entries drawn from the event's list with automatic recusals; the running order saved
whole and refused when stale; entries withdrawn with a reason and reinstated; read-only when
locked or for viewers."""

import uuid

import pytest
from sqlalchemy import select

from core import db
from core.errors import Conflict, Invalid
from core.models import AuditLog, EventRole, EventStatus, Round, RoundStatus
from initiatives.models import EventInitiative, Initiative
from scoring.models import Entry, EntryStatus, Recusal
from scoring.rounds import (
    add_entries,
    add_round,
    candidates,
    delete_round,
    move_entry,
    move_round,
    reinstate_entry,
    remove_entry,
    rename_round,
    reorder_entries,
    suggested_round_name,
    withdraw_entry,
)
from tests.scoring.test_api import bearer, change, sheet, standings
from tests.scoring.test_manage import csrf_of

ACTOR = "organiser:1"


def run(app, work):
    """``work(session)`` in a write transaction, as a request would; its result."""
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        return work(session)


def round_id_of(app, contest):
    with app.app_context(), db.unit_of_work() as session:
        return session.get(Entry, contest.entries[0]).round_id


def running_order(app, round_id):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.execute(
            select(Entry.id, Entry.running_order)
            .where(Entry.round_id == round_id)
            .order_by(Entry.running_order)
        )
        return [(entry_id, order) for entry_id, order in rows]


def listed(factory, event, title, unit_id=None, code=None):
    """An initiative on the event's list, not yet in any round."""
    with factory.writing() as session:
        initiative = Initiative(title=title, unit_id=unit_id, code=code)
        session.add(initiative)
        session.flush()
        session.add(EventInitiative(event_id=event.id, initiative_id=initiative.id))
        return initiative.id


def actions(app, subject_prefix):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.scalars(
            select(AuditLog)
            .where(AuditLog.subject.startswith(subject_prefix))
            .order_by(AuditLog.id)
        )
        return [(row.action, row.reason) for row in rows]


@pytest.fixture
def round_id(app, contest):
    return round_id_of(app, contest)


# --- Rounds -------------------------------------------------------------------------------------


def test_new_rounds_are_offered_the_usual_names_and_go_last(app, contest):
    event = contest.event
    assert run(app, lambda s: suggested_round_name(s, event)) == "Vòng sơ khảo"
    made = run(app, lambda s: add_round(s, event, "  Vòng  sơ khảo ", ACTOR).position)
    assert made == 2
    assert run(app, lambda s: suggested_round_name(s, event)) == ""
    for name in ("", "vong so khao", "x" * 201):
        with pytest.raises(Invalid):
            run(app, lambda s, name=name: add_round(s, event, name, ACTOR))
    assert [action for action, _ in actions(app, "round:")] == ["round.added"]


def test_rounds_are_renamed_and_swap_places(app, contest, round_id):
    event = contest.event
    second = run(app, lambda s: add_round(s, event, "Vòng sơ khảo", ACTOR).id)
    run(app, lambda s: move_round(s, s.get(Round, second), -1, ACTOR))
    run(app, lambda s: move_round(s, s.get(Round, second), -1, ACTOR))  # already first
    run(app, lambda s: rename_round(s, s.get(Round, round_id), "Vòng chung kết", ACTOR))
    with app.app_context(), db.unit_of_work() as session:
        rows = session.scalars(
            select(Round).where(Round.event_id == event.id).order_by(Round.position)
        )
        assert [row.name for row in rows] == ["Vòng sơ khảo", "Vòng chung kết"]
    with pytest.raises(Invalid, match="Vòng sơ khảo"):
        run(app, lambda s: rename_round(s, s.get(Round, round_id), "VÒNG SƠ KHẢO", ACTOR))


def test_a_round_without_sheets_is_deleted_with_its_entries_one_with_sheets_is_not(
    app, client, factory, contest, judge, round_id
):
    assert (
        client.post(
            "/api/v1/scoresheets", json=sheet(contest.entries[0]), headers=bearer(judge.token)
        ).status_code
        == 201
    )
    with pytest.raises(Conflict, match="1 phiếu chấm"):
        run(app, lambda s: delete_round(s, s.get(Round, round_id), ACTOR))
    empty = run(app, lambda s: add_round(s, contest.event, "Vòng sơ khảo", ACTOR).id)
    listed_id = listed(factory, contest.event, "Robot sửa chữa dây chống sét")
    run(app, lambda s: add_entries(s, s.get(Round, empty), [listed_id], ACTOR))
    run(app, lambda s: delete_round(s, s.get(Round, empty), ACTOR))
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Round, empty) is None
        assert session.scalar(select(Entry).where(Entry.initiative_id == listed_id)) is None


# --- Entries ------------------------------------------------------------------------------------


def test_entries_come_from_the_events_list_at_the_end_and_judges_of_their_unit_are_recused(
    app, factory, contest, round_id
):
    unit = factory.unit(name="Công ty Điện lực Quảng Nam")
    colleague = factory.judge(contest.event, name="Võ Thanh Tùng", unit_id=unit.id)
    stranger = factory.judge(contest.event, name="Bùi Đức Thắng")
    first = listed(factory, contest.event, "Xe phun nước xử lý sự cố hạ thế", unit.id, "SK-01")
    second = listed(factory, contest.event, "Đồ gá uốn cáp thép cứng")
    elsewhere = factory.initiative(title="Sáng kiến của sự kiện khác").id

    added = run(app, lambda s: add_entries(s, s.get(Round, round_id), [first, second], ACTOR))
    assert added.recused == 1
    orders = running_order(app, round_id)
    assert [order for _, order in orders] == [1, 2, 3, 4, 5]
    with app.app_context(), db.unit_of_work() as session:
        new = session.scalar(select(Entry).where(Entry.initiative_id == first))
        assert new.running_order == 4
        recusals = session.scalars(select(Recusal).where(Recusal.entry_id == new.id)).all()
        assert [(row.judge_id, row.reason) for row in recusals] == [(colleague.id, "")]
        assert not session.scalars(select(Recusal).where(Recusal.judge_id == stranger.id)).all()
    for wanted in ([first], [elsewhere], []):
        with pytest.raises((Conflict, Invalid)):
            run(app, lambda s, wanted=wanted: add_entries(s, s.get(Round, round_id), wanted, ACTOR))
    assert [a for a, _ in actions(app, "entry:")] == ["entry.added", "entry.added"]


def test_the_search_ignores_accents_and_case_and_finds_codes_and_units(app, factory, contest):
    unit = factory.unit(name="Truyền tải điện Đà Nẵng")
    listed(factory, contest.event, "Tiết kiệm điện trạm biến áp", code="TK-07")
    listed(factory, contest.event, "Robot OPGW", unit.id)
    round_ = round_id_of(app, contest)

    def titles(query):
        return run(app, lambda s: [c.title for c in candidates(s, s.get(Round, round_), query)])

    assert titles("tiet kiem DIEN") == ["Tiết kiệm điện trạm biến áp"]
    assert titles("tk-07") == ["Tiết kiệm điện trạm biến áp"]
    assert titles("da nang") == ["Robot OPGW"]
    assert titles("") == ["Robot OPGW", "Tiết kiệm điện trạm biến áp"]


def test_the_running_order_is_saved_whole_and_refused_when_stale(app, contest, round_id):
    a, b, c = contest.entries
    run(app, lambda s: reorder_entries(s, s.get(Round, round_id), [c, a, b], ACTOR))
    assert running_order(app, round_id) == [(c, 1), (a, 2), (b, 3)]
    for stale in ([c, a], [c, a, b, b], [c, a, b, 999_999], [a, a, b]):
        with pytest.raises(Conflict) as refused:
            run(
                app, lambda s, stale=stale: reorder_entries(s, s.get(Round, round_id), stale, ACTOR)
            )
        assert refused.value.code == "stale_order"
    assert run(app, lambda s: move_entry(s, s.get(Entry, b), -1, ACTOR)) == 2
    assert running_order(app, round_id) == [(c, 1), (b, 2), (a, 3)]
    assert [a for a, _ in actions(app, "round:")] == ["round.reordered"] * 2


def test_an_entry_without_sheets_is_removed_one_with_sheets_only_withdrawn(
    app, client, contest, judge, round_id
):
    a, b, c = contest.entries
    client.post("/api/v1/scoresheets", json=sheet(b, submit=False), headers=bearer(judge.token))
    with pytest.raises(Conflict, match="rút khỏi hội thi"):
        run(app, lambda s: remove_entry(s, s.get(Entry, b), ACTOR))
    run(app, lambda s: remove_entry(s, s.get(Entry, a), ACTOR))
    assert running_order(app, round_id) == [(b, 1), (c, 2)]


def test_a_withdrawal_needs_a_reason_and_leaves_the_standings_and_the_judges_list(
    app, client, contest, judge, judge_client
):
    entry = contest.entries[1]
    for reason in ("   ", "x" * 301):
        with pytest.raises(Invalid):
            run(app, lambda s, reason=reason: withdraw_entry(s, s.get(Entry, entry), reason, ACTOR))
    run(app, lambda s: withdraw_entry(s, s.get(Entry, entry), "Tác giả ốm, xin rút", ACTOR))
    with app.app_context(), db.unit_of_work() as session:
        row = session.get(Entry, entry)
        assert (row.status, row.withdrawn_reason) == (EntryStatus.WITHDRAWN, "Tác giả ốm, xin rút")
    assert entry not in [row["entry_id"] for row in standings(client, contest)["entries"]]
    tablet = judge_client(judge)
    assert "Sáng kiến số 2" not in tablet.get("/judge").get_data(as_text=True)
    answer = client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(judge.token))
    assert answer.status_code == 409

    run(app, lambda s: reinstate_entry(s, s.get(Entry, entry), ACTOR))
    with app.app_context(), db.unit_of_work() as session:
        row = session.get(Entry, entry)
        assert (row.status, row.withdrawn_reason) == (EntryStatus.SCHEDULED, "")
    assert "Sáng kiến số 2" in tablet.get("/judge").get_data(as_text=True)
    assert actions(app, "entry:") == [
        ("entry.withdrawn", "Tác giả ốm, xin rút"),
        ("entry.reinstated", ""),
    ]
    with pytest.raises(Conflict):
        run(app, lambda s: reinstate_entry(s, s.get(Entry, entry), ACTOR))


def test_locked_rounds_and_sealed_events_are_read_only(app, factory, contest, round_id):
    change(app, Round, round_id, status=RoundStatus.LOCKED)
    for work in (
        lambda s: rename_round(s, s.get(Round, round_id), "Vòng mới", ACTOR),
        lambda s: withdraw_entry(s, s.get(Entry, contest.entries[0]), "Lý do", ACTOR),
        lambda s: reorder_entries(s, s.get(Round, round_id), contest.entries, ACTOR),
        lambda s: delete_round(s, s.get(Round, round_id), ACTOR),
    ):
        with pytest.raises(Conflict, match="khóa"):
            run(app, work)
    sealed = factory.contest(status=EventStatus.PUBLISHED)
    with pytest.raises(Conflict, match="công bố"):
        run(app, lambda s: add_round(s, s.merge(sealed.event), "Vòng sơ khảo", ACTOR))


# --- Pages --------------------------------------------------------------------------------------


def test_a_viewer_reads_the_rounds_but_cannot_change_them(contest, organiser_client, round_id):
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    page = viewer.get(f"/manage/{contest.slug}/rounds")
    assert page.status_code == 200
    assert 'data-testid="read-only"' in page.get_data(as_text=True)
    entries = viewer.get(f"/manage/{contest.slug}/rounds/{round_id}").get_data(as_text=True)
    assert "Sáng kiến số 1" in entries and "Rút khỏi hội thi" not in entries
    assert "rounds.js" not in entries
    csrf = csrf_of(page)
    refused = viewer.post(
        f"/manage/{contest.slug}/rounds", data={"csrf_token": csrf, "name": "Vòng sơ khảo"}
    )
    assert refused.status_code == 403
    api = viewer.post(
        f"/api/v1/events/{contest.slug}/rounds/{round_id}/order",
        json={"order": contest.entries},
        headers={"X-CSRFToken": csrf},
    )
    assert api.status_code == 403 and api.get_json()["error"] == "forbidden"


def test_a_manager_adds_a_round_and_entries_from_the_page(
    app, factory, contest, organiser_client, round_id
):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(f"/manage/{contest.slug}/rounds")
    assert 'value="Vòng sơ khảo"' in page.get_data(as_text=True)
    csrf = csrf_of(page)
    added = manager.post(
        f"/manage/{contest.slug}/rounds", data={"csrf_token": csrf, "name": "Vòng sơ khảo"}
    )
    assert added.status_code == 302
    again = manager.post(
        f"/manage/{contest.slug}/rounds", data={"csrf_token": csrf, "name": "vòng sơ khảo"}
    )
    assert again.status_code == 422 and "Sự kiện đã có vòng" in again.get_data(as_text=True)

    first = listed(factory, contest.event, "Cảnh báo quá nhiệt tủ điện hạ thế bằng IoT")
    second = listed(factory, contest.event, "Chatbot chăm sóc khách hàng")
    search = manager.get(f"/manage/{contest.slug}/rounds/{round_id}?q=canh bao")
    html = search.get_data(as_text=True)
    assert "Cảnh báo quá nhiệt" in html and "Chatbot" not in html
    answer = manager.post(
        f"/manage/{contest.slug}/rounds/{round_id}/entries",
        data={"csrf_token": csrf, "initiative": [str(second), str(first)]},
    )
    assert answer.status_code == 302
    orders = running_order(app, round_id)
    assert len(orders) == 5
    nothing = manager.post(
        f"/manage/{contest.slug}/rounds/{round_id}/entries",
        data={"csrf_token": csrf, "initiative": ["abc"]},
    )
    assert nothing.status_code == 409
    assert running_order(app, round_id) == orders


def test_the_order_api_saves_the_whole_order_and_answers_409_when_stale(
    app, contest, organiser_client, round_id
):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    csrf = csrf_of(manager.get(f"/manage/{contest.slug}/rounds/{round_id}"))
    url = f"/api/v1/events/{contest.slug}/rounds/{round_id}/order"
    a, b, c = contest.entries
    saved = manager.post(url, json={"order": [b, c, a]}, headers={"X-CSRFToken": csrf})
    assert saved.status_code == 200 and saved.get_json() == {"order": [b, c, a]}
    stale = manager.post(url, json={"order": [b, c]}, headers={"X-CSRFToken": csrf})
    assert stale.status_code == 409
    assert stale.get_json()["error"] == "stale_order"
    assert "tải lại trang" in stale.get_json()["message"]
    for body in ({"order": [b, "c", a]}, {"order": None}, [b, c, a], {"order": [True, c, a]}):
        bad = manager.post(url, json=body, headers={"X-CSRFToken": csrf})
        assert bad.status_code == 400 and bad.get_json()["error"] == "invalid_order"
    without_csrf = manager.post(url, json={"order": [a, b, c]})
    assert without_csrf.status_code == 400 and without_csrf.get_json()["error"] == "csrf"
    assert running_order(app, round_id) == [(b, 1), (c, 2), (a, 3)]


def test_the_buttons_work_without_script_and_a_withdrawal_needs_its_reason(
    app, contest, organiser_client, round_id
):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    base = f"/manage/{contest.slug}/rounds/{round_id}"
    csrf = csrf_of(manager.get(base))
    a, b, c = contest.entries
    moved = manager.post(f"{base}/entries/{c}/move", data={"csrf_token": csrf, "direction": "up"})
    assert moved.status_code == 302
    assert running_order(app, round_id) == [(a, 1), (c, 2), (b, 3)]
    assert (
        manager.post(
            f"{base}/entries/{c}/move", data={"csrf_token": csrf, "direction": "sideways"}
        ).status_code
        == 400
    )

    empty = manager.post(f"{base}/entries/{a}/withdraw", data={"csrf_token": csrf, "reason": ""})
    assert empty.status_code == 422
    assert "Hãy ghi lý do rút bài." in empty.get_data(as_text=True)
    withdrawn = manager.post(
        f"{base}/entries/{a}/withdraw",
        data={"csrf_token": csrf, "reason": "Nhóm tác giả xin rút"},
    )
    assert withdrawn.status_code == 302
    page = manager.get(base).get_data(as_text=True)
    assert 'class="withdrawn"' in page and "Lý do: Nhóm tác giả xin rút" in page
    foreign = manager.post(
        f"{base}/entries/{uuid.uuid4().int % 10**6 + 10**6}/withdraw",
        data={"csrf_token": csrf, "reason": "x"},
    )
    assert foreign.status_code == 404


def test_a_sealed_events_rounds_say_so_and_offer_no_change(
    app, contest, organiser_client, round_id
):
    change(app, type(contest.event), contest.event.id, status=EventStatus.LOCKED)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(f"/manage/{contest.slug}/rounds").get_data(as_text=True)
    assert 'data-testid="sealed"' in page and "Thêm vòng" not in page
    round_page = manager.get(f"/manage/{contest.slug}/rounds/{round_id}").get_data(as_text=True)
    assert 'data-testid="sealed"' in round_page and "Lên" not in round_page


def statuses(app, ids):
    with app.app_context(), db.unit_of_work() as session:
        return [session.get(Entry, entry_id).status for entry_id in ids]


def test_one_entry_pitches_at_a_time_and_the_dashboard_follows(
    app, contest, organiser_client, round_id
):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    base = f"/manage/{contest.slug}/rounds/{round_id}"
    csrf = csrf_of(manager.get(base))
    a, b, c = contest.entries

    def pitch(entry, on):
        return manager.post(
            f"{base}/entries/{entry}/pitch", data={"csrf_token": csrf, "pitching": on}
        )

    assert pitch(a, "1").status_code == 302
    assert statuses(app, contest.entries) == [
        EntryStatus.PITCHING,
        EntryStatus.SCHEDULED,
        EntryStatus.SCHEDULED,
    ]
    assert "Đang thuyết trình" in manager.get(f"/manage/{contest.slug}/dashboard").get_data(
        as_text=True
    )
    pitch(b, "1")
    assert statuses(app, contest.entries)[:2] == [EntryStatus.DONE, EntryStatus.PITCHING]
    pitch(b, "0")
    assert statuses(app, contest.entries)[1] == EntryStatus.DONE
    refused = pitch(c, "0")
    assert refused.status_code == 409
    assert "không đang thuyết trình" in refused.get_data(as_text=True)
    assert [action for action, _reason in actions(app, "entry:")].count("entry.status_changed") == 4
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    assert viewer.post(f"{base}/entries/{c}/pitch", data={"pitching": "1"}).status_code in (
        400,
        403,
    )
