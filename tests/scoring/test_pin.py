"""Signing a tablet in with the code and PIN printed on the judge's card (``/j``)."""

import pytest

from core import db
from core.models import EventStatus
from scoring.models import Judge
from scoring.service import IssuedCard, mint_card, mint_cards, record_cards, set_judge_active


@pytest.fixture(autouse=True)
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False


def issue(app, event, made) -> str:
    """Print ``made``'s card; the PIN on it."""
    with app.app_context(), db.unit_of_work(write=True) as session:
        [card] = mint_cards(session, event, [session.get(Judge, made.id)])
        record_cards(session, [card], actor="organiser:1")
        return card.pin


def reissue(app, made) -> IssuedCard:
    """Give ``made`` a new card, as the organiser does for a lost one."""
    with app.app_context(), db.unit_of_work(write=True) as session:
        card = mint_card(session, session.get(Judge, made.id))
        record_cards(session, [card], actor="organiser:1", reissued=True)
        return card


def code_of(app, made) -> str:
    with app.app_context():
        return db.session().get(Judge, made.id).code


def sign_in(client, contest, code, pin, **headers):
    return client.post(
        f"/j/{contest.slug}/pin", data={"code": code, "pin": pin}, environ_base=headers
    )


def test_a_tablet_signs_in_with_the_code_and_pin(app, client, contest, judge):
    pin = issue(app, contest.event, judge)
    form = client.get(f"/j/{contest.slug}/pin").get_data(as_text=True)
    assert 'inputmode="numeric"' in form and "Đăng nhập giám khảo" in form
    answer = sign_in(client, contest, " gk01 ", f"{pin[:3]} {pin[3:]}")  # as the card prints it
    assert answer.status_code == 302 and answer.headers["Location"] == "/judge?signed_in=1"
    assert "Nguyễn Văn Hùng" in client.get("/judge").get_data(as_text=True)


def test_the_address_on_the_card_leads_to_the_events_being_judged(client, factory, contest):
    assert client.get("/j").headers["Location"] == f"/j/{contest.slug}/pin"
    other = factory.contest(name="Hội thi Sáng tạo kỹ thuật Công ty Điện lực Quảng Nam")
    factory.contest(name="Ngày hội đã khép lại", status=EventStatus.PUBLISHED)
    page = client.get("/j").get_data(as_text=True)
    assert f"/j/{contest.slug}/pin" in page and f"/j/{other.slug}/pin" in page
    assert "Ngày hội đã khép lại" not in page


def test_no_form_for_an_event_not_being_judged(client, factory):
    draft = factory.contest(status=EventStatus.DRAFT)
    assert client.get(f"/j/{draft.slug}/pin").status_code == 404
    assert client.get("/j/khong-co-su-kien-nay/pin").status_code == 404
    closed = client.get("/j").get_data(as_text=True)
    assert "Hiện không có sự kiện nào đang chấm điểm" in closed


def test_a_wrong_pin_or_code_is_refused_with_a_message(app, client, factory, contest, judge):
    pin = issue(app, contest.event, judge)
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    for code, typed in (("GK01", wrong), ("GK99", pin), ("GK01", "482 913 482 913 482 913 99")):
        answer = sign_in(client, contest, code, typed)
        assert answer.status_code == 401
        assert "Mã giám khảo hoặc PIN không đúng" in answer.get_data(as_text=True)
    assert sign_in(client, contest, "", "").status_code == 422
    assert sign_in(client, contest, "GK01", "12\x0034").status_code == 422  # refused at the edge
    # The same code in another event is another judge.
    elsewhere = factory.contest()
    assert sign_in(client, elsewhere, "GK01", pin).status_code == 401
    assert client.get("/judge").status_code == 401


def test_a_judge_without_a_printed_card_has_no_pin(app, client, contest, factory):
    factory.judge(contest.event, code="GK03")
    assert sign_in(client, contest, "GK03", "000000").status_code == 401


def test_wrong_pins_lock_the_card_until_a_new_one_is_printed(app, client, contest, judge):
    pin = issue(app, contest.event, judge)
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    # Each guess from an address of its own: the card's own limit is what stops them.
    for n in range(5):
        assert sign_in(client, contest, "GK01", wrong, REMOTE_ADDR=f"10.0.0.{n}").status_code == 401
    locked = sign_in(client, contest, "GK01", pin, REMOTE_ADDR="10.0.1.1")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    page = locked.get_data(as_text=True)
    assert "đã bị nhập sai nhiều lần nên tạm bị khóa" in page
    assert "Hãy nhờ Ban Tổ chức cấp thẻ mới" in page
    # Another judge is not affected; a new card starts afresh.
    new_pin = issue(app, contest.event, judge)
    assert sign_in(client, contest, "GK01", new_pin, REMOTE_ADDR="10.0.1.2").status_code == 302


def test_a_right_pin_does_not_count_against_the_card(app, client, contest, judge):
    pin = issue(app, contest.event, judge)
    for n in range(8):
        assert sign_in(client, contest, "GK01", pin, REMOTE_ADDR=f"10.0.2.{n}").status_code == 302


def test_attempts_from_one_address_are_limited(app, client, factory, contest):
    judges = [
        factory.judge(contest.event, name=f"Giám khảo {n}", code=f"GK{n:02d}") for n in range(1, 12)
    ]
    for n in range(1, 11):
        assert sign_in(client, contest, f"GK{n:02d}", "123456").status_code == 401
    refused = sign_in(client, contest, "GK11", "123456")
    assert refused.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in refused.get_data(as_text=True)
    assert judges  # eleven judges, one guess each: only the address's limit applies


def test_a_new_card_ends_the_pin_and_the_tablets_it_opened(app, client, contest, judge):
    pin = issue(app, contest.event, judge)
    assert sign_in(client, contest, "GK01", pin).status_code == 302
    assert client.get("/judge").status_code == 200
    new_pin = reissue(app, judge).pin
    assert client.get("/judge").status_code == 401
    if new_pin != pin:
        assert sign_in(client, contest, "GK01", pin).status_code == 401
    assert sign_in(client, contest, "GK01", new_pin).status_code == 302


def test_a_stopped_judge_cannot_sign_in_with_the_pin(app, client, contest, judge):
    pin = issue(app, contest.event, judge)
    with app.app_context(), db.unit_of_work(write=True) as session:
        set_judge_active(session, session.get(Judge, judge.id), False, "organiser:1")
    assert sign_in(client, contest, "GK01", pin).status_code == 401
    assert client.get("/judge").status_code == 401


def test_links_that_are_no_card_are_limited_per_address(client, contest, judge):
    for n in range(20):
        assert client.get(f"/j/khong-phai-the-{n}").status_code == 404
    refused = client.get("/j/khong-phai-the-nua")
    assert refused.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in refused.get_data(as_text=True)


def test_opening_real_cards_is_never_limited(client, contest, judge):
    for _ in range(25):
        assert client.get(f"/j/{judge.token}").status_code == 302
