import io
import math
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core import db
from core.auth import hash_token
from core.errors import Conflict, Invalid
from core.models import AuditLog, EventRole
from scoring.auth import card_of, pin_digest
from scoring.cards import Card, cards_pdf, spaced_pin
from scoring.models import Judge
from scoring.service import mint_cards, record_cards, set_judge_active
from tests.scoring.test_manage import csrf_of, writing_while_printing

NAMES = [
    "Nguyễn Thị Thu Hà",
    "Trần Quốc Khánh",
    "Lê Minh Tuấn",
    "Phạm Quốc Bảo",
    "Đỗ Thị Mai Phương",
]


def card(number: int, **overrides) -> Card:
    return Card(
        **{
            "event": "Ngày hội Lao động sáng tạo Công đoàn Điện lực Việt Nam 2026",
            "name": NAMES[number % len(NAMES)],
            "role": "Đại diện Công đoàn",
            "chair": False,
            "unit": "Công ty Điện lực Quảng Nam",
            "code": f"GK{number:02d}",
            "link": f"http://10.0.0.5:8000/j/token-{number:02d}-abcdefghijklmnopqrstuv",
            "pin": f"{number:06d}",
            "pin_page": "http://10.0.0.5:8000/j",
        }
        | overrides
    )


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("count", [1, 4, 5, 8, 9])
def test_four_cards_to_a_page(count):
    pages = pages_of(cards_pdf([card(n) for n in range(1, count + 1)]))
    assert len(pages) == math.ceil(count / 4)
    assert sum(page.count("THẺ GIÁM KHẢO") for page in pages) == count


def test_a_card_prints_who_the_judge_is_and_how_to_sign_in():
    (page,) = pages_of(
        cards_pdf(
            [
                card(7, name="Nguyễn Thị Thu Hà", chair=True),
                card(8, name="Hoàng Thị Lan Anh", role="Cán bộ quản lý"),
            ]
        )
    )
    for text in (
        "Nguyễn Thị Thu Hà",
        "Đại diện Công đoàn",
        "CHỦ TỊCH HỘI ĐỒNG",
        "Công ty Điện lực Quảng Nam",
        "GK07",
        "000 007",
        "http://10.0.0.5:8000/j/token-07-abcdefghijklmnopqrstuv",
        "Hoàng Thị Lan Anh",
        "Cán bộ quản lý",
        "000 008",
    ):
        assert text in page
    assert page.count("CHỦ TỊCH HỘI ĐỒNG") == 1
    flat = " ".join(page.split())
    assert "Đăng nhập không có camera: mở http://10.0.0.5:8000/j, nhập mã GK07 và PIN." in flat


def test_a_long_name_wraps_and_is_printed_whole():
    name = "Tôn Nữ Hoàng Thị Phương Thảo Nguyên Khánh Linh Bảo Ngọc"
    (page,) = pages_of(cards_pdf([card(1, name=name, unit="")]))
    assert name in " ".join(page.split())


def test_the_pin_is_read_in_two_groups_of_three():
    assert spaced_pin("482913") == "482 913"


# --- Issuing the cards from the jury page --------------------------------------------------------


def print_cards(manager, contest, **data):
    """What the jury page's "In thẻ" forms send."""
    page = manager.get(f"/manage/{contest.slug}/jury")
    return manager.post(
        f"/manage/{contest.slug}/jury/cards", data={"csrf_token": csrf_of(page), **data}
    )


def printed(answer) -> dict[str, str]:
    """Code -> PIN, as a judge reads them off the printed cards."""
    text = "\n".join(pages_of(answer.get_data()))
    return dict(re.findall(r"(GK\d\d)\s+PIN\s+(\d{3} \d{3})", text))


def test_printing_issues_new_cards_for_every_active_judge(
    app, client, factory, contest, judge, organiser_client
):
    chair = factory.judge(contest.event, name="Phạm Quốc Bảo", is_chair=True, code="GK01")
    stopped = factory.judge(contest.event, name="Lê Minh Tuấn", active=False)
    assert client.get(f"/j/{judge.token}").status_code == 302
    manager = organiser_client(contest.event, EventRole.MANAGER)
    assert "In thẻ giám khảo" in manager.get(f"/manage/{contest.slug}/jury").get_data(as_text=True)

    answer = print_cards(manager, contest)

    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    pins = printed(answer)
    assert sorted(pins) == ["GK01", "GK02"]  # the judge without a code got the next free one
    text = "\n".join(pages_of(answer.get_data()))
    assert "Phạm Quốc Bảo" in text and "Nguyễn Văn Hùng" in text and "Lê Minh Tuấn" not in text
    with app.app_context():
        session = db.session()
        rows = {j.id: j for j in session.scalars(select(Judge))}
        assert rows[judge.id].code == "GK02"
        assert rows[stopped.id].pin_hash is None
        for made, code in ((chair, "GK01"), (judge, "GK02")):
            pin = pins[code].replace(" ", "")
            assert rows[made.id].pin_hash == pin_digest(made.id, pin)
        logged = session.scalars(select(AuditLog).where(AuditLog.action == "judge.card_issued"))
        assert sorted(row.subject for row in logged) == sorted(
            [f"judge:{chair.id}", f"judge:{judge.id}"]
        )
    # The old card and the tablet it opened stop at once.
    assert client.get("/judge").status_code == 401
    assert client.get(f"/j/{judge.token}").status_code == 404


def test_printing_one_judges_card_leaves_the_others(app, factory, contest, judge, organiser_client):
    other = factory.judge(contest.event, name="Trần Quốc Khánh", code="GK05")
    manager = organiser_client(contest.event, EventRole.MANAGER)
    answer = print_cards(manager, contest, judge=other.id)
    assert list(printed(answer)) == ["GK05"]
    assert 'filename="the-giam-khao-' in answer.headers["Content-Disposition"]
    with app.app_context():
        untouched = db.session().get(Judge, judge.id)
        assert untouched.pin_hash is None and untouched.code is None


def test_a_stopped_judge_gets_no_card(app, factory, contest, organiser_client):
    stopped = factory.judge(contest.event, name="Lê Minh Tuấn", active=False)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    answer = print_cards(manager, contest, judge=stopped.id)
    assert answer.status_code == 409
    assert "đã ngừng chấm: hãy cho chấm trở lại trước khi in thẻ" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session().get(Judge, stopped.id).pin_hash is None


def test_no_card_for_an_event_without_judges_or_another_events_judge(
    factory, contest, organiser_client
):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    empty = print_cards(manager, contest)
    assert empty.status_code == 422
    assert "chưa có giám khảo nào đang chấm" in empty.get_data(as_text=True)
    elsewhere = factory.judge(factory.contest().event, name="Ngô Quang Vinh")
    for chosen in (str(elsewhere.id), "abc", "99999999999999999999"):
        answer = print_cards(manager, contest, judge=chosen)
        assert answer.status_code == 404


def test_a_viewer_cannot_print_cards(contest, judge, organiser_client):
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    assert print_cards(viewer, contest).status_code == 403


def test_a_new_card_shows_the_pin_once_and_offers_its_pdf(
    app, client, contest, judge, organiser_client
):
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(f"/manage/{contest.slug}/judging")
    answer = manager.post(
        f"/manage/{contest.slug}/judges/{judge.id}/card", data={"csrf_token": csrf_of(page)}
    )
    html = answer.get_data(as_text=True)
    pin = re.search(r'data-testid="judge-pin">(\d{6})<', html)[1]
    assert 'data-testid="judge-code">GK01<' in html
    assert 'href="data:application/pdf;base64,' in html
    with app.app_context():
        stored = db.session().get(Judge, judge.id)
        assert stored.pin_hash == pin_digest(judge.id, pin)
        assert card_of(stored.token_hash)  # a new token: the tablets of the old one stop


def test_cards_are_printed_before_the_write_transaction_begins(
    app, monkeypatch, contest, judge, organiser_client
):
    """Judges' saves never wait for the PDF: it is built before the cards are written."""
    from scoring.manage import jury

    printed = writing_while_printing(monkeypatch, jury)
    answer = print_cards(organiser_client(contest.event, EventRole.MANAGER), contest)
    assert answer.status_code == 200 and printed == [False]


def mint(app, contest, *made):
    with app.app_context(), db.unit_of_work() as session:
        return mint_cards(session, contest.event, [session.get(Judge, j.id) for j in made])


def record(app, cards):
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        record_cards(session, cards, actor="organiser:1")


def test_a_judge_stopped_while_the_cards_print_refuses_them_all(app, factory, contest, judge):
    other = factory.judge(contest.event, name="Trần Quốc Khánh", code="GK05")
    cards = mint(app, contest, judge, other)
    with app.app_context(), db.unit_of_work(write=True) as session:
        set_judge_active(session, session.get(Judge, other.id), False, actor="organiser:1")
    with pytest.raises(Conflict, match="in lại"):
        record(app, cards)
    with app.app_context():
        assert db.session().get(Judge, judge.id).pin_hash is None


def test_a_code_taken_while_the_cards_print_refuses_them(app, factory, contest, judge):
    [card] = mint(app, contest, judge)
    factory.judge(contest.event, name="Trần Quốc Khánh", code=card.code)
    with pytest.raises(Invalid, match=card.code):
        record(app, [card])


def test_of_two_cards_given_to_one_judge_at_once_the_second_is_refused(app, contest, judge):
    """Two managers reissue the same lost card together: the second would hand out a card that
    no longer opens anything, and is told so instead."""
    first, second = mint(app, contest, judge), mint(app, contest, judge)
    record(app, first)
    with pytest.raises(Conflict, match="in lại"):
        record(app, second)
    with app.app_context():
        assert db.session().get(Judge, judge.id).token_hash == hash_token(first[0].token)
