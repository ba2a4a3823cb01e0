"""The programme's figures, checked against counts done by hand: first on a few records whose
answer is written out, then on 2,000 generated initiatives of two units over three years, read
off the dashboard page."""

import random
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from core.models import Unit
from initiatives.models import Author, Initiative, ProgrammeTarget, RecognitionLevel
from initiatives.programme import (
    AuthorLine,
    Recognised,
    Target,
    UnitRow,
    figures,
    forecast,
    headcounts,
    person_key,
    trajectory,
)

# EVN (1) -> NPT (2) -> PTC1 (3), PTC2 (4); NPC (5) has no headcount of its own.
UNITS = [
    UnitRow(1, None, 1000),
    UnitRow(2, 1, None),
    UnitRow(3, 2, 100),
    UnitRow(4, 2, 50),
    UnitRow(5, 1, None),
]


def line(unit_id, year, name, code=None, born=None):
    return AuthorLine(unit_id, date(year, 6, 1), name, born, code)


def test_a_person_is_known_by_employee_code_else_by_name_and_birth_date():
    born = date(1985, 3, 2)
    assert person_key(line(1, 2025, "Lê Minh Tuấn", " nv 001 "))[0] == "code:NV001"
    assert person_key(line(1, 2025, "Khác tên", "NV001"))[0] == "code:NV001"
    decomposed = "Le\u0302 Minh Tua\u0302\u0301n"
    by_name = person_key(line(1, 2025, "  LÊ  Minh Tuấn ", born=born))
    assert by_name == person_key(line(1, 2025, decomposed.lower(), born=born))
    assert by_name[1] is False
    assert by_name != person_key(line(1, 2025, "Lê Minh Tuấn", born=date(1990, 1, 1)))


def test_a_unit_counts_its_sub_units_and_each_person_once():
    recognised = [
        Recognised(3, date(2025, 5, 1)),
        Recognised(3, date(2026, 5, 1)),
        Recognised(4, date(2026, 7, 1)),
        Recognised(4, None),
        Recognised(5, date(2024, 12, 31)),  # before the programme
        Recognised(None, date(2027, 1, 1)),
    ]
    authors = [
        line(3, 2025, "Nguyễn Văn Hùng", "A1"),
        line(4, 2026, "Nguyễn Văn Hùng", "A1"),  # the same person in the other sub-unit
        line(3, 2026, "Trần Thị Thu Hà", born=date(1990, 2, 3)),
        line(4, 2026, "Trần Thị Thu Hà", born=date(1990, 2, 3)),
        line(4, 2026, "Lê Minh Tuấn", "A2"),
        line(5, 2024, "Phạm Quốc Bảo", "A3"),  # before the programme: not counted
    ]
    targets = {2: Target(200, 800, Decimal(10)), None: Target(2500, 10000, Decimal(10))}
    found = figures(recognised, authors, UNITS, targets, 2025, 2028)

    assert found[3].per_year == {2025: 1, 2026: 1, 2027: 0, 2028: 0}
    assert found[4].cumulative == 1 and found[4].undated == 1
    npt = found[2]
    assert npt.per_year == {2025: 1, 2026: 2, 2027: 0, 2028: 0}
    assert npt.cumulative == 3 and npt.undated == 1
    assert (npt.authors, npt.authors_by_name) == (3, 1)
    assert (found[3].authors, found[4].authors) == (2, 3)
    assert npt.staff == 150 and npt.share_pct == Decimal("2.0")
    assert npt.target == Target(200, 800, Decimal(10))
    assert found[5].cumulative == 0 and found[5].staff is None and found[5].share_pct is None
    assert found[1].cumulative == 3 and found[1].staff == 1000
    whole = found[None]
    assert whole.cumulative == 4 and whole.authors == 3 and whole.staff == 1000
    assert whole.target.per_year == 2500


def test_headcounts_fall_back_to_the_sub_units():
    assert headcounts(UNITS) == {1: 1000, 2: 150, 3: 100, 4: 50, 5: None}


def test_the_forecast_is_the_least_squares_line_carried_on():
    assert forecast({2025: 100, 2026: 200}, 2026, 2028) == {2027: 300, 2028: 400}
    assert forecast({2025: 70}, 2025, 2027) == {2026: 70, 2027: 70}
    assert forecast({2025: 300, 2026: 100}, 2026, 2028) == {2027: 0, 2028: 0}
    assert forecast({}, 2026, 2028) == {}
    path = trajectory({2025: 100, 2026: 200, 2027: 0, 2028: 0}, 2026, 2028)
    assert path.actual == [100, 300, None, None]
    assert path.forecast == [None, 300, 600, 1000]


def _generate(rng):
    """2,000 recognised initiatives of two sub-units of one corporation, 2025-2027, with
    authors from a pool of 600 people, some of them without an employee code, some authoring
    in both units; and 50 initiatives not recognised."""
    people = []
    for number in range(600):
        code = f"NV{number:04d}" if number % 5 else None
        people.append((f"Người thứ {number}", date(1970 + number % 30, 1 + number % 12, 1), code))
    made = []
    for index in range(2050):
        unit = "A" if index % 3 else "B"
        year = 2025 + index % 3
        recognised = index < 2000
        chosen = rng.sample(people, rng.randint(1, 4))
        made.append((unit, year, recognised, chosen))
    return made


def test_the_dashboard_matches_a_count_by_hand_on_2000_initiatives(app, factory, organiser_client):
    rng = random.Random(11)
    made = _generate(rng)
    with factory.writing() as session:
        top = Unit(code="EVNNPT", name="Tổng công ty Truyền tải điện Quốc gia", staff_count=3000)
        session.add(top)
        session.flush()
        units = {
            "A": Unit(
                code="PTC1", name="Công ty Truyền tải điện 1", parent_id=top.id, staff_count=1200
            ),
            "B": Unit(
                code="PTC2", name="Công ty Truyền tải điện 2", parent_id=top.id, staff_count=800
            ),
        }
        session.add_all(units.values())
        session.add(ProgrammeTarget(unit_id=top.id, per_year=200, cumulative=800))
        session.flush()
        for index, (unit, year, recognised, chosen) in enumerate(made):
            session.add(
                Initiative(
                    title=f"Sáng kiến {index}",
                    unit_id=units[unit].id,
                    recognition_level=RecognitionLevel.BASE if recognised else None,
                    decision_date=date(year, 1 + index % 12, 1 + index % 28)
                    if recognised
                    else None,
                    authors=[
                        Author(position=i + 1, full_name=name, birth_date=born, employee_code=code)
                        for i, (name, born, code) in enumerate(chosen)
                    ],
                )
            )

    # The count by hand: plain loops over what was generated.
    per_unit_year = {(u, y): 0 for u in "AB" for y in (2025, 2026, 2027)}
    people_of = {"A": set(), "B": set()}
    for unit, year, recognised, chosen in made:
        if recognised:
            per_unit_year[unit, year] += 1
            for name, born, code in chosen:
                people_of[unit].add(code or (name, born))
    both = people_of["A"] | people_of["B"]

    page = organiser_client().get("/manage/programme").get_data(as_text=True)

    def cells(code):
        row = re.search(rf'<tr data-testid="unit-{code}">(.*?)</tr>', page, re.S).group(1)
        return [c.replace(".", "") for c in re.findall(r"<td>([^<]*)</td>", row)]

    for unit, code in (("A", "PTC1"), ("B", "PTC2")):
        row = cells(code)
        years = [per_unit_year[unit, y] for y in (2025, 2026, 2027)]
        assert row[:3] == [str(n) for n in years]
        assert row[4] == str(sum(years))  # 2028 is row[3]
        assert row[7] == str(len(people_of[unit]))
    npt = cells("EVNNPT")
    assert npt[4] == str(2000)
    assert npt[5:7] == ["200", "800"]
    assert npt[7] == str(len(both))
    assert len(both) < len(people_of["A"]) + len(people_of["B"])  # people in both units
    share = Decimal(len(both) * 100) / 3000
    assert npt[8:10] == [
        "3000",
        f"{share.quantize(Decimal('0.1'), ROUND_HALF_UP)}%".replace(".", ","),
    ]


def test_administrators_set_the_targets_and_bad_numbers_are_refused(app, factory, organiser_client):
    app.config["WTF_CSRF_ENABLED"] = False
    unit = factory.unit(code="EVNNPT", name="Tổng công ty Truyền tải điện Quốc gia")
    admin = organiser_client(admin=True)
    form = {
        "first_year": "2025",
        "last_year": "2028",
        "per_year-all": "2.500",
        "cumulative-all": "10000",
        "share-all": "10",
        f"per_year-{unit.id}": "200",
        f"cumulative-{unit.id}": "800",
        f"share-{unit.id}": "12,5",
    }
    assert admin.post("/manage/programme/targets", data=form).status_code == 302
    with factory.writing() as session:
        rows = {row.unit_id: row for row in session.scalars(select(ProgrammeTarget))}
        assert (rows[None].per_year, rows[None].cumulative) == (2500, 10000)
        assert (rows[unit.id].per_year, rows[unit.id].author_share_pct) == (200, Decimal("12.5"))

    refused = admin.post(
        "/manage/programme/targets", data=form | {"share-all": "120", "last_year": "2020"}
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Tỷ lệ là một số từ 0 đến 100" in page and "năm kết thúc không trước" in page
    too_long = admin.post("/manage/programme/targets", data=form | {"last_year": "2080"})
    assert "chương trình dài tối đa 20 năm" in too_long.get_data(as_text=True)

    # Emptying a unit's numbers takes its row away; the page then shows the saved ones.
    emptied = form | {
        f"per_year-{unit.id}": "",
        f"cumulative-{unit.id}": "",
        f"share-{unit.id}": "",
    }
    assert admin.post("/manage/programme/targets", data=emptied).status_code == 302
    with factory.writing() as session:
        assert {row.unit_id for row in session.scalars(select(ProgrammeTarget))} == {None}
    assert 'value="2500"' in admin.get("/manage/programme/targets").get_data(as_text=True)
