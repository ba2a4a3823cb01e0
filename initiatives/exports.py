"""The library's exports of a search: CSV, XLSX and JSON, one row per initiative.

Never the confidential information (Thông tin cần bảo mật). Money is a raw integer of đồng (empty
when not quantified, which is not 0), dates are dd/mm/yyyy in CSV and XLSX and ISO 8601 in JSON;
CSV starts with a byte-order mark so that Excel reads its Vietnamese letters. A text that a
spreadsheet would run as a formula is written as text (``core.spreadsheets``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import append_row, csv_text
from initiatives.models import Initiative

# (key, Vietnamese header, width in XLSX)
COLUMNS: tuple[tuple[str, Any, int], ...] = (
    ("code", lazy_gettext("Mã sáng kiến"), 16),
    ("title", lazy_gettext("Tên sáng kiến"), 50),
    ("unit", lazy_gettext("Đơn vị"), 30),
    ("theme", lazy_gettext("Chuyên đề"), 26),
    ("field", lazy_gettext("Lĩnh vực"), 22),
    ("solution_type", lazy_gettext("Loại giải pháp"), 16),
    ("first_applied_on", lazy_gettext("Ngày áp dụng lần đầu"), 14),
    ("authors", lazy_gettext("Tác giả"), 40),
    ("benefit_vnd", lazy_gettext("Giá trị làm lợi dự kiến (đồng/năm)"), 20),
    ("benefit_actual_vnd", lazy_gettext("Giá trị làm lợi thực tế (đồng/năm)"), 20),
    ("recognition_level", lazy_gettext("Cấp công nhận"), 18),
    ("decision_number", lazy_gettext("Số quyết định"), 16),
    ("decision_date", lazy_gettext("Ngày quyết định"), 14),
    ("summary", lazy_gettext("Tóm tắt"), 60),
)
DATES = ("first_applied_on", "decision_date")
MONEY = ("benefit_vnd", "benefit_actual_vnd")


def record(initiative: Initiative, names: dict[str, str]) -> dict[str, Any]:
    """An initiative as one row; ``names`` spells the enumerations in the reader's language."""
    level = initiative.recognition_level
    return {
        "code": initiative.code or "",
        "title": initiative.title,
        "unit": initiative.unit.name if initiative.unit else "",
        "theme": initiative.theme,
        "field": initiative.field,
        "solution_type": names.get(initiative.solution_type.value, ""),
        "first_applied_on": initiative.first_applied_on,
        "authors": [
            {"name": author.full_name, "share": float(author.contribution_pct)}
            for author in initiative.authors
        ],
        "benefit_vnd": initiative.benefit_vnd,
        "benefit_actual_vnd": initiative.benefit_actual_vnd,
        "recognition_level": names.get(level.value, "") if level else "",
        "decision_number": initiative.decision_number,
        "decision_date": initiative.decision_date,
        "summary": initiative.summary,
    }


def _cell(key: str, value: Any) -> Any:
    """A value as a cell of CSV or XLSX: authors as "name (60%)", dates dd/mm/yyyy."""
    if key == "authors":
        return ", ".join(f"{author['name']} ({author['share']:g}%)" for author in value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def to_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    lines = (
        [str(header) for _key, header, _width in COLUMNS],
        *([_cell(key, row[key]) for key, _header, _width in COLUMNS] for row in rows),
    )
    return ("\ufeff" + csv_text(lines)).encode()


def to_xlsx(rows: Iterable[dict[str, Any]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([str(header) for _key, header, _width in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_key, _header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    for row in rows:
        append_row(sheet, [_cell(key, row[key]) for key, _header, _width in COLUMNS])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(rows: Iterable[dict[str, Any]]) -> bytes:
    def plain(row: dict[str, Any]) -> dict[str, Any]:
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in row.items()
        }

    return json.dumps(
        {"initiatives": [plain(row) for row in rows]}, ensure_ascii=False, indent=1
    ).encode()
