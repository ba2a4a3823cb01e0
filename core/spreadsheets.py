"""Cells of the CSV and XLSX files the app writes: user text stays text.

A title, a name or a comment typed by anyone (a worker's dossier, a kiosk registration) ends up
in a spreadsheet an organiser opens. Excel and LibreOffice read a cell that begins with ``=``,
``+``, ``-`` or ``@`` (or a tab or carriage return before them) as a formula, which can fetch
an address or run a command: spreadsheet formula injection (OWASP "CSV Injection"). So every
writer goes through here: in CSV such a text gets a leading apostrophe, which spreadsheets take
as "this is text"; in XLSX every string is a string cell (data type ``s``), never a formula.
Numbers and dates are left as they are, so that they still add up and sort.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Any) -> Any:
    """``value`` as a CSV cell: a text a spreadsheet would run as a formula begins with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """The rows as CSV text (``None`` is an empty cell), every text cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if value is None else csv_value(value) for value in row])
    return out.getvalue()


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append ``values`` to ``sheet``: every string a string cell, even one beginning with =."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
