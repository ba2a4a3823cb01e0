import json
import re
import uuid

import pytest
from sqlalchemy import select

from core import db
from core.models import Event, EventStatus, Round, RoundStatus
from tests.scoring.test_api import FULL, bearer, sheet
from tests.scoring.test_pin import reissue


def test_a_magic_link_signs_the_tablet_in_and_drops_the_token(client, contest, judge):
    response = client.get(f"/j/{judge.token}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/judge?signed_in=1"
    page = client.get("/judge").get_data(as_text=True)
    assert judge.name in page
    assert judge.token not in page
    assert f"0/{len(contest.entries)}" in page


def test_a_wrong_link_explains_what_to_do(client):
    response = client.get("/j/sai-ma")
    assert response.status_code == 404
    assert "Ban Tổ chức" in response.get_data(as_text=True)


def test_judge_pages_need_the_link_first(client):
    response = client.get("/judge")
    assert response.status_code == 401
    assert "thẻ giám khảo" in response.get_data(as_text=True)


def test_recused_entries_are_shown_but_not_counted(factory, judge_client, contest):
    recused = factory.judge(contest.event, recused_from=tuple(contest.entries[:2]))
    page = judge_client(recused).get("/judge").get_data(as_text=True)
    assert f"0/{len(contest.entries) - 2}" in page
    assert page.count("cùng đơn vị") == 2


def test_progress_counts_submitted_sheets(client, judge_client, contest, judge):
    client.post(
        "/api/v1/scoresheets",
        json={"id": str(uuid.uuid4()), "entry": contest.entries[0], "submit": True, "scores": FULL},
        headers=bearer(judge.token),
    )
    page = judge_client(judge).get("/judge").get_data(as_text=True)
    assert f"1/{len(contest.entries)}" in page
    assert "Đã gửi" in page


def test_the_sheet_shows_every_criterion_with_its_bands(judge_client, contest, judge):
    page = judge_client(judge).get(f"/judge/entries/{contest.entries[0]}").get_data(as_text=True)
    for name in (
        "Tính mới, tính sáng tạo",
        "Hiệu quả ứng dụng",
        "Giá trị làm lợi",
        "Khả năng nhân rộng",
        "Thuyết trình và trả lời câu hỏi",
    ):
        assert name in page
    assert "Hoàn toàn mới, chưa bộc lộ công khai" in page
    assert f"Bài 1/{len(contest.entries)}" in page
    assert "Gửi phiếu chấm" in page


def test_a_sheet_page_for_an_unknown_entry_is_a_404(judge_client, judge):
    assert judge_client(judge).get("/judge/entries/999999").status_code == 404


def test_the_default_recusal_reason_is_in_the_judges_language(factory, judge_client, contest):
    recused = factory.judge(contest.event, recused_from=tuple(contest.entries[:2]))
    tablet = judge_client(recused)
    tablet.get("/lang/en")
    page = tablet.get("/judge").get_data(as_text=True)
    assert page.count("Not yours to score: same unit as the authors") == 2


def test_a_reissued_card_ends_the_tablets_opened_with_the_old_one(app, client, contest, judge):
    assert client.get(f"/j/{judge.token}").status_code == 302
    assert client.get("/judge").status_code == 200
    new_token = reissue(app, judge).token
    assert client.get("/judge").status_code == 401
    api = client.post("/api/v1/scoresheets", json=sheet(contest.entries[0]))
    assert (api.status_code, api.get_json()["error"]) == (401, "unauthorized")
    assert client.get(f"/j/{judge.token}").status_code == 404
    old_bearer = client.post(
        "/api/v1/scoresheets", json=sheet(contest.entries[0]), headers=bearer(judge.token)
    )
    assert old_bearer.status_code == 401
    tablet = app.test_client()
    assert tablet.get(f"/j/{new_token}").status_code == 302
    assert tablet.get("/judge").status_code == 200


def test_a_judge_signs_the_tablet_out(client, factory, judge):
    factory.organiser(admin=True)  # past the first run: the home page shows
    client.get(f"/j/{judge.token}")
    page = client.get("/judge").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post("/judge/logout", data={"csrf_token": token})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "Đã đăng xuất" in client.get("/").get_data(as_text=True)
    assert client.get("/judge").status_code == 401


def test_a_page_answered_late_never_signs_the_previous_judge_back_in(
    app, client, factory, contest, judge
):
    """A shared tablet: a page asked for one judge can be answered after the next judge signed
    in (or this one out). Its answer must leave the cookie alone, or the browser would take the
    old session back from it."""
    client.get(f"/j/{judge.token}")
    asked_before = app.test_client()
    asked_before.set_cookie("session", client.get_cookie("session").value)
    following = factory.judge(contest.event)
    client.get(f"/j/{following.token}")
    for path in ("/judge", f"/judge/entries/{contest.entries[0]}"):
        late = asked_before.get(path)
        assert late.headers["Sangtao-Judge"] == str(judge.id)
        assert "Set-Cookie" not in late.headers
    assert client.get("/judge").headers["Sangtao-Judge"] == str(following.id)


def sheet_config(page):
    found = re.search(
        r'<script type="application/json" id="sheet-config">(.*?)</script>', page, re.S
    )
    assert found
    return json.loads(found.group(1))


def test_an_open_round_lets_the_judge_score(judge_client, contest, judge):
    page = judge_client(judge).get(f"/judge/entries/{contest.entries[0]}").get_data(as_text=True)
    assert sheet_config(page)["locked"] is False
    assert re.search(r'<p id="locked"[^>]* hidden>', page)
    assert " disabled" not in page


@pytest.mark.parametrize("what", ["round", "event"])
def test_a_locked_round_says_so_on_the_sheet_and_turns_its_inputs_off(
    app, judge_client, contest, judge, what
):
    with app.app_context(), db.unit_of_work(write=True) as session:
        if what == "round":
            for round_ in session.scalars(select(Round)):
                round_.status = RoundStatus.LOCKED
        else:
            session.get(Event, contest.event.id).status = EventStatus.PUBLISHED
    page = judge_client(judge).get(f"/judge/entries/{contest.entries[0]}").get_data(as_text=True)
    assert sheet_config(page)["locked"] is True
    assert re.search(r'<p id="locked" class="card warning" role="alert">Vòng thi đã khóa', page)
    assert page.count('<fieldset class="criterion" disabled') == len(contest.criteria)
    assert re.search(r"<textarea [^>]*disabled", page)
    assert re.search(r'<button type="button" id="submit"[^>]* disabled', page)


def test_a_sheet_page_says_when_the_server_last_changed_the_sheet(
    client, judge_client, contest, judge
):
    """The tablet compares it with the outbox's latest answer: a kept page may be older."""
    client.post(
        "/api/v1/scoresheets",
        json={"id": str(uuid.uuid4()), "entry": contest.entries[0], "submit": True, "scores": FULL},
        headers=bearer(judge.token),
    )
    page = judge_client(judge).get(f"/judge/entries/{contest.entries[0]}").get_data(as_text=True)
    state = sheet_config(page)["state"]
    assert state["status"] == "submitted"
    assert state["updated_at"].startswith("20")
