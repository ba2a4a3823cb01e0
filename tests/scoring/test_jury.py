"""The jury page (Hội đồng chấm thi): judges added, changed, stopped and restarted; recusals
recorded automatically for the judge's own unit, by hand with a reason, and taken back."""

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from core import db
from core.errors import Conflict, Invalid, NotFound
from core.models import AuditLog, EventRole, EventStatus
from scoring.models import Judge, JuryRole, Recusal
from scoring.service import (
    JudgeInput,
    add_judge,
    edit_judge,
    read_judge_form,
    recuse_by_hand,
    set_judge_active,
    take_back_recusal,
)
from tests.scoring.test_api import bearer, sheet, standings
from tests.scoring.test_manage import csrf_of

ACTOR = "organiser:1"


def judge_input(name="Đỗ Thị Mai Phương", role=JuryRole.UNION, unit_id=None, chair=False):
    return JudgeInput(name, role, unit_id, chair)


def run(app, work):
    """``work(session)`` in a write transaction, as a request would; its result."""
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        return work(session)


def added(app, event, **fields):
    def work(session):
        made = add_judge(session, event, judge_input(**fields), ACTOR)
        return made.judge.id, made.token, made.recused

    return run(app, work)


def recusals(app, judge_id):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.scalars(select(Recusal).where(Recusal.judge_id == judge_id))
        return {row.entry_id: row.reason for row in rows}


def actions(app, judge_id):
    with app.app_context(), db.unit_of_work() as session:
        rows = session.scalars(
            select(AuditLog).where(AuditLog.subject == f"judge:{judge_id}").order_by(AuditLog.id)
        )
        return [row.action for row in rows]


def row(client, contest, entry):
    return next(e for e in standings(client, contest)["entries"] if e["entry_id"] == entry)


# --- Services -----------------------------------------------------------------------------------


def test_a_new_judge_gets_a_card_and_skips_the_entries_of_their_own_unit(app, client, contest):
    judge_id, token, recused = added(app, contest.event, unit_id=contest.unit_id)
    assert recused == 3
    assert recusals(app, judge_id) == dict.fromkeys(contest.entries, "")
    assert actions(app, judge_id) == ["judge.added"] + ["recusal.created"] * 3
    assert client.get(f"/j/{token}").status_code == 302
    with app.app_context(), db.unit_of_work() as session:
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "judge.added"))
        assert audit.after == {
            "code": "GK01",
            "name": "Đỗ Thị Mai Phương",
            "role": "union",
            "unit": contest.unit_id,
            "chair": False,
            "active": True,
        }
        assert token not in str(audit.after)


def test_a_judge_of_another_unit_scores_every_entry(app, factory, contest):
    unit = factory.unit(name="Công ty Truyền tải điện 2")
    judge_id, _token, recused = added(app, contest.event, unit_id=unit.id)
    assert (recused, recusals(app, judge_id)) == (0, {})


def test_the_jury_has_one_chair_at_most(app, contest):
    chair_id, _token, _count = added(app, contest.event, name="Phạm Quốc Bảo", chair=True)
    with pytest.raises(Invalid, match="Phạm Quốc Bảo"):
        added(app, contest.event, chair=True)
    other_id, _token, _count = added(app, contest.event)

    def make_chair(session, judge_id):
        edit_judge(session, session.get(Judge, judge_id), judge_input(chair=True), ACTOR)

    with pytest.raises(Invalid):
        run(app, lambda session: make_chair(session, other_id))
    run(app, lambda session: make_chair(session, chair_id))  # the chair stays the chair
    # Once the chair steps down, another may take the chair.
    run(
        app, lambda session: edit_judge(session, session.get(Judge, chair_id), judge_input(), ACTOR)
    )
    run(app, lambda session: make_chair(session, other_id))


def test_a_new_unit_recuses_the_judge_from_its_entries_and_keeps_the_old_ones(
    app, factory, contest
):
    judge = factory.judge(contest.event)
    unchanged = run(
        app,
        lambda session: edit_judge(
            session,
            session.get(Judge, judge.id),
            judge_input(name=judge.name, role=JuryRole.EXPERT),
            ACTOR,
        ),
    )
    assert unchanged == 0 and actions(app, judge.id) == []
    count = run(
        app,
        lambda session: edit_judge(
            session, session.get(Judge, judge.id), judge_input(unit_id=contest.unit_id), ACTOR
        ),
    )
    assert count == 3 and set(recusals(app, judge.id)) == set(contest.entries)
    assert actions(app, judge.id) == ["judge.changed"] + ["recusal.created"] * 3
    with app.app_context(), db.unit_of_work() as session:
        judge_row = session.get(Judge, judge.id)
        assert (judge_row.name, judge_row.role, judge_row.unit_id) == (
            "Đỗ Thị Mai Phương",
            JuryRole.UNION,
            contest.unit_id,
        )


def test_a_stopped_judge_counts_no_more_and_their_card_stops(app, client, factory, contest):
    judge = factory.judge(contest.event)
    entry = contest.entries[0]
    assert (
        client.post(
            "/api/v1/scoresheets", json=sheet(entry), headers=bearer(judge.token)
        ).status_code
        == 201
    )
    assert row(client, contest, entry)["sheets"] == 1

    run(app, lambda session: set_judge_active(session, session.get(Judge, judge.id), False, ACTOR))
    assert row(client, contest, entry)["sheets"] == 0
    assert client.get(f"/j/{judge.token}").status_code == 404
    refused = client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(judge.token))
    assert refused.status_code == 401

    run(app, lambda session: set_judge_active(session, session.get(Judge, judge.id), True, ACTOR))
    assert row(client, contest, entry)["sheets"] == 1
    assert actions(app, judge.id) == ["judge.stopped", "judge.restarted"]


def test_a_recusal_taken_back_lets_the_sheet_count_again(app, client, factory, contest):
    judge, other = factory.judge(contest.event), factory.judge(contest.event)
    entry = contest.entries[0]
    for who in (judge, other):
        client.post("/api/v1/scoresheets", json=sheet(entry), headers=bearer(who.token))
    run(
        app,
        lambda session: recuse_by_hand(
            session, session.get(Judge, judge.id), entry, "Là người hướng dẫn nhóm tác giả", ACTOR
        ),
    )
    assert row(client, contest, entry)["sheets"] == 1

    run(app, lambda session: take_back_recusal(session, session.get(Judge, judge.id), entry, ACTOR))
    assert row(client, contest, entry)["sheets"] == 2
    assert recusals(app, judge.id) == {}
    with app.app_context(), db.unit_of_work() as session:
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "recusal.removed"))
        assert audit.before == {"entry": entry, "reason": "Là người hướng dẫn nhóm tác giả"}
        assert audit.after["counted_again"]["status"] == "submitted"
    with pytest.raises(NotFound):
        run(
            app,
            lambda session: take_back_recusal(session, session.get(Judge, judge.id), entry, ACTOR),
        )


@pytest.mark.parametrize("status", [EventStatus.LOCKED, EventStatus.PUBLISHED])
def test_the_jury_of_sealed_results_does_not_change(app, factory, status):
    contest = factory.contest(status=status)
    judge = factory.judge(contest.event, recused_from=(contest.entries[1],))
    changes = [
        lambda session, found: add_judge(session, contest.event, judge_input(), ACTOR),
        lambda session, found: edit_judge(session, found, judge_input(), ACTOR),
        lambda session, found: set_judge_active(session, found, False, ACTOR),
        lambda session, found: recuse_by_hand(session, found, contest.entries[0], "", ACTOR),
        lambda session, found: take_back_recusal(session, found, contest.entries[1], ACTOR),
    ]
    for change in changes:
        with pytest.raises(Conflict, match="không thay đổi được nữa"):
            run(app, lambda session, change=change: change(session, session.get(Judge, judge.id)))
    assert actions(app, judge.id) == []


def test_the_judges_form_is_read_with_a_message_per_field(app, factory):
    unit = factory.unit()
    with app.test_request_context(), db.unit_of_work() as session:
        data = read_judge_form(
            session,
            {"name": " Vo\u0303 Thanh Tùng ", "role": "expert", "unit": str(unit.id), "chair": "1"},
        )
        assert data == JudgeInput("Võ Thanh Tùng", JuryRole.EXPERT, unit.id, True)
        with pytest.raises(Invalid) as refused:
            read_judge_form(session, {"name": "", "role": "king", "unit": "99999999999"})
        assert set(refused.value.details["fields"]) == {"name", "role", "unit"}


# --- Pages --------------------------------------------------------------------------------------


def jury_url(contest, rest=""):
    return f"/manage/{contest.slug}/jury{rest}"


def test_a_viewer_reads_the_jury_but_changes_nothing(contest, factory, organiser_client):
    judge = factory.judge(
        contest.event, name="Trần Quốc Khánh", is_chair=True, recused_from=(contest.entries[0],)
    )
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    page = viewer.get(jury_url(contest))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Trần Quốc Khánh" in html and "Chuyên gia kỹ thuật" in html
    assert "Chủ tịch Hội đồng" in html and "cùng đơn vị với tác giả" in html
    assert 'data-testid="read-only"' in html
    assert "Thêm vào Hội đồng" not in html and "Cho chấm lại" not in html
    for path in ("/judges", f"/judges/{judge.id}", f"/judges/{judge.id}/active", "/recusals"):
        assert (
            viewer.post(jury_url(contest, path), data={"csrf_token": csrf_of(page)}).status_code
            == 403
        )


def test_a_stranger_sees_nothing_of_the_jury(contest, factory, organiser_client):
    stranger = organiser_client(factory.event(), EventRole.OWNER)
    assert stranger.get(jury_url(contest)).status_code == 403


def test_a_manager_adds_a_judge_whose_link_is_shown_once(app, factory, contest, organiser_client):
    unit = factory.unit(name="Công ty Điện lực Quảng Nam")
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(jury_url(contest))
    assert "Hội đồng chấm thi" in page.get_data(as_text=True)
    answer = manager.post(
        jury_url(contest, "/judges"),
        data={
            "csrf_token": csrf_of(page),
            "name": "Huỳnh Tấn Phát",
            "role": "manager",
            "unit": str(unit.id),
            "chair": "1",
        },
    )
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    html = answer.get_data(as_text=True)
    assert "Đã thêm giám khảo Huỳnh Tấn Phát" in html
    link = re.search(r'data-testid="judge-link">([^<]+)<', html)[1]
    assert 'src="data:image/svg+xml;base64,' in html
    assert app.test_client().get(urlsplit(link).path).status_code == 302
    listed = manager.get(jury_url(contest)).get_data(as_text=True)
    assert link not in listed
    assert "Huỳnh Tấn Phát" in listed and "Cán bộ quản lý" in listed
    assert "Công ty Điện lực Quảng Nam" in listed


def test_a_second_chair_or_an_empty_name_is_refused_beside_the_field(
    contest, factory, organiser_client
):
    factory.judge(contest.event, name="Phạm Quốc Bảo", is_chair=True)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(jury_url(contest))
    form = {"csrf_token": csrf_of(page), "name": "Ngô Quang Vinh", "role": "union", "chair": "1"}
    refused = manager.post(jury_url(contest, "/judges"), data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="new-chair-error">Hội đồng đã có Chủ tịch: Phạm Quốc Bảo.<' in html
    assert 'value="Ngô Quang Vinh"' in html
    empty = manager.post(jury_url(contest, "/judges"), data=form | {"name": "", "chair": ""})
    assert empty.status_code == 422
    assert 'id="new-name-error">Hãy nhập họ và tên giám khảo.<' in empty.get_data(as_text=True)


def test_a_manager_edits_stops_and_restarts_a_judge(app, contest, factory, organiser_client):
    judge = factory.judge(contest.event)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    token = csrf_of(manager.get(jury_url(contest)))
    edited = manager.post(
        jury_url(contest, f"/judges/{judge.id}"),
        data={
            "csrf_token": token,
            "name": "Bùi Đức Thắng",
            "role": "professional",
            "unit": str(contest.unit_id),
        },
    )
    assert edited.status_code == 302
    html = manager.get(jury_url(contest)).get_data(as_text=True)
    assert "Bùi Đức Thắng" in html and "Đại diện chuyên môn" in html
    assert "không chấm 3 bài của đơn vị mới" in html
    assert all(f'data-testid="recusal-{judge.id}-{entry}"' in html for entry in contest.entries)
    stop = manager.post(
        jury_url(contest, f"/judges/{judge.id}/active"), data={"csrf_token": token, "active": "0"}
    )
    assert stop.status_code == 302
    assert "Cho chấm trở lại" in manager.get(jury_url(contest)).get_data(as_text=True)
    assert app.test_client().get(f"/j/{judge.token}").status_code == 404
    manager.post(
        jury_url(contest, f"/judges/{judge.id}/active"), data={"csrf_token": token, "active": "1"}
    )
    assert app.test_client().get(f"/j/{judge.token}").status_code == 302
    bad = manager.post(
        jury_url(contest, f"/judges/{judge.id}"),
        data={"csrf_token": token, "name": "x" * 201, "role": "professional"},
    )
    assert bad.status_code == 422
    assert f'id="judge-{judge.id}-name-error"' in bad.get_data(as_text=True)


def test_a_locked_event_refuses_changes_with_a_clear_message(factory, organiser_client):
    contest = factory.contest(status=EventStatus.LOCKED)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(jury_url(contest))
    assert 'data-testid="sealed"' in page.get_data(as_text=True)
    refused = manager.post(
        jury_url(contest, "/judges"),
        data={"csrf_token": csrf_of(page), "name": "Ngô Quang Vinh", "role": "union"},
    )
    assert refused.status_code == 409
    assert "không thay đổi được nữa" in refused.get_data(as_text=True)


def test_a_recusal_by_hand_stops_a_sheet_counting_and_taking_it_back_restores_it(
    client, contest, factory, organiser_client
):
    judge, other = factory.judge(contest.event), factory.judge(contest.event, name="Lê Minh Tuấn")
    entry = contest.entries[2]
    for who, novelty in ((judge, 20), (other, 10)):
        body = sheet(
            entry,
            scores={
                "novelty": novelty,
                "effectiveness": 25,
                "benefit": 25,
                "replicability": 20,
                "pitch": 10,
            },
        )
        assert (
            client.post("/api/v1/scoresheets", json=body, headers=bearer(who.token)).status_code
            == 201
        )
    assert (row(client, contest, entry)["sheets"], row(client, contest, entry)["score"]) == (2, 95)

    manager = organiser_client(contest.event, EventRole.MANAGER)
    token = csrf_of(manager.get(jury_url(contest)))
    recused = manager.post(
        jury_url(contest, "/recusals"),
        data={
            "csrf_token": token,
            "judge": str(judge.id),
            "entry": str(entry),
            "reason": "Là người hướng dẫn nhóm tác giả",
        },
    )
    assert recused.status_code == 302
    assert (row(client, contest, entry)["sheets"], row(client, contest, entry)["score"]) == (1, 90)
    html = manager.get(jury_url(contest)).get_data(as_text=True)
    assert "Là người hướng dẫn nhóm tác giả" in html
    assert "đã gửi phiếu cho bài này: phiếu đó sẽ được tính lại" in html
    again = manager.post(
        jury_url(contest, "/recusals"),
        data={"csrf_token": token, "judge": str(judge.id), "entry": str(entry), "reason": "x"},
    )
    assert again.status_code == 409
    assert 'id="recusal-entry-error"' in again.get_data(as_text=True)
    # Left empty, the reason would say "same unit as the authors", which is not so here.
    unexplained = manager.post(
        jury_url(contest, "/recusals"),
        data={"csrf_token": token, "judge": str(other.id), "entry": str(entry), "reason": " "},
    )
    assert unexplained.status_code == 422
    assert "hãy ghi lý do không chấm bài này" in unexplained.get_data(as_text=True)
    assert row(client, contest, entry)["sheets"] == 1

    taken_back = manager.post(
        jury_url(contest, f"/judges/{judge.id}/recusals/{entry}/remove"), data={"csrf_token": token}
    )
    assert taken_back.status_code == 302
    assert (row(client, contest, entry)["sheets"], row(client, contest, entry)["score"]) == (2, 95)
    missing = manager.post(
        jury_url(contest, f"/judges/{judge.id}/recusals/{entry}/remove"), data={"csrf_token": token}
    )
    assert missing.status_code == 404


def test_a_judge_or_entry_of_another_event_is_not_found_here(contest, factory, organiser_client):
    elsewhere = factory.contest()
    stranger = factory.judge(elsewhere.event)
    judge = factory.judge(contest.event)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    token = csrf_of(manager.get(jury_url(contest)))
    assert (
        manager.post(
            jury_url(contest, f"/judges/{stranger.id}/active"),
            data={"csrf_token": token, "active": "0"},
        ).status_code
        == 404
    )
    other_entry = manager.post(
        jury_url(contest, "/recusals"),
        data={"csrf_token": token, "judge": str(judge.id), "entry": str(elsewhere.entries[0])},
    )
    assert other_entry.status_code == 404
    assert 'id="recusal-entry-error"' in other_entry.get_data(as_text=True)


def test_judges_get_the_next_free_code_unless_one_is_given(app, contest):
    first, _token, _ = added(app, contest.event, name="Ngô Quang Vinh")

    def with_code(session):
        data = JudgeInput("Bùi Đức Thắng", JuryRole.EXPERT, None, False, "GK05")
        return add_judge(session, contest.event, data, ACTOR).judge.id

    fifth = run(app, with_code)
    second, _token, _ = added(app, contest.event, name="Dương Thị Hồng Nhung")
    with app.app_context(), db.unit_of_work() as session:
        codes = {judge.id: judge.code for judge in session.scalars(select(Judge))}
    assert codes[first] == "GK01" and codes[fifth] == "GK05" and codes[second] == "GK02"


def test_a_code_taken_or_badly_typed_is_refused_beside_the_field(app, contest, factory):
    factory.judge(contest.event, name="Phạm Quốc Bảo", code="GK07")
    with app.test_request_context(), db.unit_of_work() as session:
        assert read_judge_form(session, {"name": "A", "role": "union", "code": " gk 08 "}).code == (
            "GK08"
        )
        with pytest.raises(Invalid) as refused:
            read_judge_form(session, {"name": "A", "role": "union", "code": "GK/08"})
        assert "chữ số và dấu gạch ngang" in refused.value.details["fields"]["code"]

    def taken(session):
        data = JudgeInput("Ngô Quang Vinh", JuryRole.UNION, None, False, "GK07")
        add_judge(session, contest.event, data, ACTOR)

    with pytest.raises(Invalid) as refused:
        run(app, taken)
    assert refused.value.details["fields"]["code"] == "Mã GK07 đã là của Phạm Quốc Bảo."
