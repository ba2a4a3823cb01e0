"""The library's search: folded words, filters, Vietnamese order, the derived columns."""

from datetime import date

from core import db
from core.i18n import sort_key
from initiatives.models import Author, Initiative, RecognitionLevel
from initiatives.search import Query, collation_key, parse_query, search, search_text
from tests.factories import Factory


def found(app, query: Query) -> list[str]:
    with app.app_context(), db.unit_of_work() as session:
        return [initiative.title for initiative in search(session, query).initiatives]


def test_search_ignores_diacritics_and_ranks_titles_first(app, factory: Factory):
    factory.initiative(title="Xe phun nước xử lý sự cố", summary="Giúp tiết kiệm điện tự dùng")
    factory.initiative(title="Tiết kiệm điện chiếu sáng trạm biến áp")
    factory.initiative(title="Robot sửa chữa dây chống sét")
    assert found(app, Query(text="tiet kiem dien")) == [
        "Tiết kiệm điện chiếu sáng trạm biến áp",
        "Xe phun nước xử lý sự cố",
    ]
    assert found(app, Query(text="TIẾT KIỆM điện")) == found(app, Query(text="tiet kiem dien"))


def test_search_finds_authors_code_and_unit(app, factory: Factory):
    unit = factory.unit(name="Công ty Điện lực Quảng Nam")
    factory.initiative(
        title="Cờ lê lực",
        code="SK-2026-007",
        authors=[Author(full_name="Đặng Ngọc Ánh", position=1)],
    )
    factory.initiative(title="Gá nâng máy biến áp", unit_id=unit.id)
    assert found(app, Query(text="dang ngoc anh")) == ["Cờ lê lực"]
    assert found(app, Query(text="sk-2026-007")) == ["Cờ lê lực"]
    assert found(app, Query(text="quang nam")) == ["Gá nâng máy biến áp"]


def test_unit_filter_takes_the_sub_units(app, factory: Factory):
    corporation = factory.unit(name="Tổng công ty Điện lực miền Trung")
    company = factory.unit(name="Công ty Điện lực Đà Nẵng", parent_id=corporation.id)
    district = factory.unit(name="Điện lực Hải Châu", parent_id=company.id)
    other = factory.unit(name="Công ty Truyền tải điện 1")
    factory.initiative(title="A của Hải Châu", unit_id=district.id)
    factory.initiative(title="B của Đà Nẵng", unit_id=company.id)
    factory.initiative(title="C của Truyền tải", unit_id=other.id)
    assert found(app, Query(unit_id=corporation.id)) == ["A của Hải Châu", "B của Đà Nẵng"]
    assert found(app, Query(unit_id=district.id)) == ["A của Hải Châu"]


def test_year_is_first_applied_or_recognised(app, factory: Factory):
    factory.initiative(title="Áp dụng 2024", first_applied_on=date(2024, 3, 1))
    factory.initiative(
        title="Công nhận 2025",
        first_applied_on=date(2023, 1, 1),
        decision_date=date(2025, 6, 30),
        recognition_level=RecognitionLevel.BASE,
    )
    factory.initiative(title="Không rõ năm")
    assert found(app, Query(year=2024)) == ["Áp dụng 2024"]
    assert found(app, Query(year=2025)) == ["Công nhận 2025"]
    assert found(app, Query(level="none")) == ["Áp dụng 2024", "Không rõ năm"]
    assert found(app, Query(level="base")) == ["Công nhận 2025"]


def test_benefit_range_counts_the_actual_benefit_first(app, factory: Factory):
    factory.initiative(title="Dự kiến lớn", benefit_vnd=1_200_000_000)
    factory.initiative(
        title="Thực tế nhỏ", benefit_vnd=1_200_000_000, benefit_actual_vnd=85_000_000
    )
    factory.initiative(title="Chưa lượng hóa")
    assert found(app, Query(benefit_min=100_000_000)) == ["Dự kiến lớn"]
    assert found(app, Query(benefit_max=100_000_000)) == ["Thực tế nhỏ"]


def test_titles_sort_in_vietnamese_order(app, factory: Factory):
    for title in ("Đo đếm", "Ắc quy", "Dây néo", "Áp lực", "Ẩn hiện", "Bù công suất"):
        factory.initiative(title=title)
    assert found(app, Query(sort="title")) == [
        "Áp lực",
        "Ắc quy",
        "Ẩn hiện",
        "Bù công suất",
        "Dây néo",
        "Đo đếm",
    ]


def test_collation_key_orders_like_sort_key():
    names = ["ma", "mà", "mả", "mã", "má", "mạ", "mac", "Anh", "An Giang", "đa", "da", "ư", "u"]
    assert sorted(names, key=collation_key) == sorted(names, key=sort_key)


def test_the_columns_follow_every_write(app, factory: Factory):
    made = factory.initiative(title="Tủ hạ thế cảnh báo quá nhiệt")
    with app.app_context(), db.unit_of_work(write=True) as session:
        initiative = session.get(Initiative, made.id)
        initiative.authors = [Author(full_name="Huỳnh Tấn Phát", position=1)]
    with app.app_context(), db.unit_of_work() as session:
        initiative = session.get(Initiative, made.id)
        assert initiative.search_text == search_text(initiative)
        assert " huynh tan phat " in initiative.search_text
        assert initiative.title_key == collation_key("Tủ hạ thế cảnh báo quá nhiệt")


def test_pages_and_a_hand_edited_query():
    query = parse_query({"q": "  tiết   kiệm ", "year": "20x", "level": "bogus", "page": "-1"})
    assert query == Query(text="tiết kiệm")
    assert parse_query({"min": "1.000.000", "sort": "unit"}).benefit_min == 1_000_000
    assert Query(text="a", page=2).args(page=3) == {"q": "a", "page": "3"}


def test_a_page_past_the_end_shows_the_last(app, factory: Factory):
    for number in range(30):
        factory.initiative(title=f"Sáng kiến {number:02d}")
    with app.app_context(), db.unit_of_work() as session:
        page = search(session, Query(page=9))
    assert (page.total, page.pages, page.query.page, len(page.initiatives)) == (30, 2, 2, 5)
