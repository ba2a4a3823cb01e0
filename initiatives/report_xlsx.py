"""The periodic report as an XLSX workbook: the same figures as the PDF, one sheet per table,
with Excel's own charts (openpyxl), so that a union secretary can copy them into their report.

Money is a raw integer of đồng, shown 1.234.567 by the cell's format; an unquantified benefit is
an empty cell, counted apart, never 0. Dates are dd/mm/yyyy.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import append_row
from initiatives.recognition import LEVEL_NAMES
from initiatives.report_pdf import period_label
from initiatives.reports import LEVELS, Best, Report, Row

MONEY = "#,##0"


def _sheet(book: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]) -> Worksheet:
    sheet = book.create_sheet(title[:31])
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _money_column(sheet: Worksheet, column: int) -> None:
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        cell.number_format = MONEY


def _bar_chart(
    sheet: Worksheet, title: str, rows: int, columns: Sequence[int], anchor: str
) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.height, chart.width = 7.5 + rows * 0.4, 16
    for column in columns:
        data = Reference(sheet, min_col=column, min_row=1, max_row=rows + 1)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    sheet.add_chart(chart, anchor)


def report_xlsx(report: Report, names: Mapping[int | None, str], made_on: date) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _summary(book, report, names, made_on)
    _levels(book, report.total)
    _units(book, report, names)
    _best(book, _("Tiêu biểu - giá trị"), report.by_benefit, names)
    _best(book, _("Tiêu biểu - công nhận"), report.by_recognition, names)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary(
    book: Workbook, report: Report, names: Mapping[int | None, str], made_on: date
) -> None:
    sheet = _sheet(book, _("Tổng hợp"), (_("Chỉ số"), _("Kết quả"), _("Chỉ tiêu")), (52, 22, 16))
    total, progress = report.total, report.progress
    rows: list[tuple[str, Any, Any]] = [
        (_("Đơn vị"), names[report.unit_id], None),
        (_("Kỳ báo cáo"), period_label(report.period, report.first_year, report.last_year), None),
        (_("Từ ngày"), report.period.first_day.strftime("%d/%m/%Y"), None),
        (_("Đến ngày"), report.period.last_day.strftime("%d/%m/%Y"), None),
        (_("Lập ngày"), made_on.strftime("%d/%m/%Y"), None),
        (_("Sáng kiến đăng ký trong kỳ"), total.registered, None),
        (_("Sáng kiến được công nhận trong kỳ"), total.recognised, progress.period_target),
        (_("Tổng giá trị làm lợi (đồng/năm)"), total.benefit.total, None),
        (_("Tính theo giá trị thực tế (sáng kiến)"), total.benefit.actual, None),
        (_("Tính theo giá trị dự kiến (sáng kiến)"), total.benefit.projected, None),
        (_("Chưa lượng hóa được bằng tiền (sáng kiến)"), total.benefit.unquantified, None),
        (_("Tác giả, đồng tác giả (người)"), total.authors, None),
        (_("Số CBCNV"), total.staff, None),
        (_("Tỷ lệ CBCNV là tác giả (%)"), _decimal(total.share_pct), None),
        (
            _("Công nhận năm %(year)s đến hết kỳ", year=progress.year),
            progress.year_to_date,
            progress.per_year_target,
        ),
        (
            _("Lũy kế từ năm %(year)s", year=report.first_year),
            progress.cumulative,
            progress.cumulative_target,
        ),
        (
            _("Tỷ lệ CBCNV là tác giả từ năm %(year)s (%%)", year=report.first_year),
            _decimal(progress.share_pct),
            _decimal(progress.share_target),
        ),
    ]
    for row in rows:
        append_row(sheet, row)
    sheet.cell(9, 2).number_format = MONEY


def _decimal(value: Any) -> float | None:
    return None if value is None else float(value)


def _levels(book: Workbook, total: Row) -> None:
    sheet = _sheet(book, _("Theo cấp công nhận"), (_("Cấp công nhận"), _("Số sáng kiến")), (26, 14))
    for level in LEVELS:
        append_row(sheet, [str(LEVEL_NAMES[level]), total.by_level[level]])
    _bar_chart(sheet, _("Sáng kiến được công nhận theo cấp"), len(LEVELS), [2], "D2")


def _units(book: Workbook, report: Report, names: Mapping[int | None, str]) -> None:
    headers = (
        _("Đơn vị"),
        _("Đăng ký"),
        _("Công nhận"),
        _("Chỉ tiêu năm"),
        *(str(LEVEL_NAMES[level]) for level in LEVELS),
        _("Giá trị làm lợi (đồng/năm)"),
        _("Chưa lượng hóa"),
        _("Tác giả"),
        _("Số CBCNV"),
        _("Tỷ lệ CBCNV là tác giả (%)"),
    )
    widths = (40, 10, 11, 12, *(14 for _level in LEVELS), 22, 14, 10, 11, 14)
    sheet = _sheet(book, _("Theo đơn vị"), headers, widths)
    for row in [*report.rows, report.total]:
        if row is report.total:
            name = _("Cộng")
        elif row.own:
            name = _("Tại %(unit)s", unit=names[row.unit_id])
        else:
            name = names[row.unit_id]
        append_row(
            sheet,
            [
                name,
                row.registered,
                row.recognised,
                None if row.own else row.target.per_year,
                *(row.by_level[level] for level in LEVELS),
                row.benefit.total,
                row.benefit.unquantified,
                row.authors,
                row.staff,
                _decimal(row.share_pct),
            ],
        )
    _money_column(sheet, 5 + len(LEVELS))
    if report.rows:
        _bar_chart(
            sheet,
            _("Sáng kiến được công nhận so với chỉ tiêu năm"),
            len(report.rows),
            [3, 4],
            f"A{len(report.rows) + 5}",
        )


def _best(
    book: Workbook, title: str, found: Sequence[Best], names: Mapping[int | None, str]
) -> None:
    headers = (
        _("TT"),
        _("Tên sáng kiến"),
        _("Đơn vị"),
        _("Tác giả"),
        _("Cấp công nhận"),
        _("Ngày quyết định"),
        _("Giải thưởng"),
        _("Giá trị làm lợi (đồng/năm)"),
    )
    sheet = _sheet(book, title, headers, (5, 50, 30, 36, 18, 14, 18, 22))
    for number, best in enumerate(found, start=1):
        record = best.record
        append_row(
            sheet,
            [
                number,
                record.title,
                names.get(record.unit_id, "") if record.unit_id is not None else "",
                ", ".join(record.authors),
                str(LEVEL_NAMES[record.level]) if record.level else "",
                record.decided_on.strftime("%d/%m/%Y") if record.decided_on else "",
                best.award,
                record.benefit,
            ],
        )
    _money_column(sheet, 8)
