"""Reading spreadsheets cell by cell (core.imports): pure, on real CSV and XLSX files."""

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from core.errors import Invalid
from core.imports import (
    Column,
    Unreadable,
    folded,
    parse_date,
    parse_flag,
    parse_money,
    parse_percent,
    read_table,
    write_template,
)
from tests.imports import csv_file, xlsx

COLUMNS = (
    Column("name", "Họ và tên", "Full name", required=True),
    Column("share", "Tỷ lệ đóng góp (%)", "Contribution (%)"),
)


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


def test_headers_match_without_case_or_accents_and_text_comes_out_nfc():
    name = unicodedata.normalize("NFD", "Trần Thị Thu Hà")
    data = csv_file([["ho va ten", "TỶ LỆ ĐÓNG GÓP"], [f"  {name} ", "60"]], delimiter=";")
    table = read_table(data, "a.csv", COLUMNS)
    assert table.problems == []
    assert table.rows[0].cells == {"name": "Trần Thị Thu Hà", "share": "60"}
    assert table.rows[0].number == 2


def test_empty_rows_are_skipped_and_said_so():
    table = read_table(
        xlsx([["Full name"], ["Lê Minh Tuấn"], [None], ["Võ Thanh Tùng"]]), "a.xlsx", COLUMNS
    )
    assert [row.number for row in table.rows] == [2, 4]
    assert table.skipped == [3]


def test_unknown_and_missing_columns_are_problems_of_the_header():
    table = read_table(csv_file([["Ghi chú"], ["x"]], bom=False), "a.csv", COLUMNS)
    assert [(p.row, p.column) for p in table.problems] == [(1, "Ghi chú"), (1, "Họ và tên")]


def test_a_file_that_is_not_utf8_or_not_xlsx_is_refused():
    with pytest.raises(Invalid):
        read_table("Tên đơn\n".encode("cp1258"), "a.csv", COLUMNS)  # as Windows saves it
    with pytest.raises(Invalid):
        read_table(b"not a zip", "a.xlsx", COLUMNS)


def test_a_percentage_cell_of_excel_reads_as_shown():
    book = Workbook()
    book.active.append(["Họ và tên", "Tỷ lệ đóng góp (%)"])
    book.active.append(["Lê Minh Tuấn", 0.6])
    book.active["B2"].number_format = "0%"
    output = BytesIO()
    book.save(output)
    table = read_table(output.getvalue(), "a.xlsx", COLUMNS)
    assert parse_percent(table.rows[0].cells["share"]) == Decimal(60)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/12/2026", date(2026, 12, 5)),
        ("5/1/2026", date(2026, 1, 5)),
        (datetime(2026, 12, 5), date(2026, 12, 5)),
        ("", None),
    ],
)
def test_dates_are_day_month_year(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2026-12-05", "hôm nay"])
def test_other_dates_are_refused_naming_the_form(value):
    with pytest.raises(Unreadable, match="dd/mm/yyyy"):
        parse_date(value)


@pytest.mark.parametrize("value", ["5/13/2026", "31/02/2026", "29/02/2025"])
def test_a_date_of_the_right_form_that_does_not_exist_is_refused_as_such(value):
    with pytest.raises(Unreadable, match=f"^Không có ngày {value} trên lịch.$"):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.234.567", 1234567),
        ("1.234.567 ₫", 1234567),
        ("150000000 đồng", 150000000),
        (85000000, 85000000),
        ("", None),
    ],
)
def test_money_is_whole_dong_and_empty_is_none(value, expected):
    assert parse_money(value) == expected


@pytest.mark.parametrize("value", ["1.234,5", "-5", "một triệu", "12.34"])
def test_other_amounts_are_refused(value):
    with pytest.raises(Unreadable):
        parse_money(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("60", 60), ("60%", 60), ("60,5", Decimal("60.5")), (40, 40)]
)
def test_percentages(value, expected):
    assert parse_percent(value) == expected


@pytest.mark.parametrize("value", ["0", "101", "60,555", "sáu mươi"])
def test_other_percentages_are_refused(value):
    with pytest.raises(Unreadable):
        parse_percent(value)


def test_flags_and_folding():
    assert [parse_flag(v) for v in ("x", "Có", "", "không")] == [True, True, False, False]
    assert folded("Tỷ lệ đóng góp (%)") == "ty le dong gop"


def test_the_template_has_a_frozen_bold_header_and_a_guide():
    book = load_workbook(BytesIO(write_template(COLUMNS, {"share": ["50", "60"]})))
    data, guide = book.worksheets[0], book["Hướng dẫn"]
    assert [cell.value for cell in data[1]] == ["Họ và tên", "Tỷ lệ đóng góp (%)"]
    assert data["A1"].font.bold and data.freeze_panes == "A2"
    assert guide["A3"].value == "Tỷ lệ đóng góp (%)" and guide["D3"].value == "50\n60"
