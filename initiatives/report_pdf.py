"""The periodic report (Báo cáo phong trào sáng kiến) as an A4 PDF, with its charts drawn by
fpdf2's own lines and rectangles (no chart library, nothing fetched): in the order a union's
review reads it, the key figures, the recognised initiatives per level, the sub-units against
their targets, the progress to the programme's targets and the best initiatives.

A pure layout of a :class:`initiatives.reports.Report` and the names of its units; its words are
translated (the organiser's language, set by the job), money is written "… đồng" and dates
dd/mm/yyyy, as in every printed document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from core import pdf
from core.i18n import nfc
from initiatives.recognition import LEVEL_NAMES
from initiatives.reports import LEVELS, Best, Period, Report, Row

MARGIN = 16.0
WIDTH = 210.0 - 2 * MARGIN
BOTTOM = 297.0 - MARGIN
BRAND = (0, 82, 155)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
BAR = (0, 110, 200)
TARGET = (200, 60, 40)
GRID = (222, 226, 230)


def amount(value: int) -> str:
    """1.234.567: the grouping of Vietnamese documents, whatever the language."""
    return f"{value:,}".replace(",", ".")


def money(value: int | None) -> str:
    """ "1.234.567 đồng"; an unknown amount is not 0."""
    if value is None:
        return str(_("Chưa lượng hóa"))
    return str(_("%(amount)s đồng", amount=amount(value)))


def share(value: Decimal | None) -> str:
    return "–" if value is None else f"{value.normalize():f}".replace(".", ",") + "%"


def of_target(value: int, target: int | None) -> str:
    return amount(value) if target is None else f"{amount(value)} / {amount(target)}"


def period_label(chosen: Period, first_year: int, last_year: int) -> str:
    """ "Quý II năm 2025", "Năm 2025", "Giai đoạn 2025 - 2028"."""
    if chosen.kind == "quarter":
        numeral = ("I", "II", "III", "IV")[(chosen.quarter or 1) - 1]
        return str(_("Quý %(quarter)s năm %(year)s", quarter=numeral, year=chosen.first_day.year))
    if chosen.kind == "year":
        return str(_("Năm %(year)s", year=chosen.first_day.year))
    return str(_("Giai đoạn %(first)s - %(last)s", first=first_year, last=last_year))


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def report_pdf(report: Report, names: Mapping[int | None, str], made_on: date) -> bytes:
    """The report; ``names`` has each unit's name, None that of the whole programme."""
    document = pdf.document()
    document.set_margins(MARGIN, MARGIN, MARGIN)
    document.set_auto_page_break(True, margin=MARGIN)
    document.set_title(nfc(_("Báo cáo phong trào sáng kiến")))
    document.add_page()
    _heading(document, report, names, made_on)
    _summary(document, report)
    _levels(document, report.total)
    _units(document, report, names)
    _progress(document, report)
    _best(document, _("5. Sáng kiến tiêu biểu theo giá trị làm lợi"), report.by_benefit, names)
    _best(document, _("6. Sáng kiến tiêu biểu theo cấp công nhận"), report.by_recognition, names)
    return pdf.output(document)


def _text(document: FPDF, text: str, size: float = 10.5, style: str = "", **options: str) -> None:
    document.set_font(pdf.FAMILY, style, size)
    document.multi_cell(
        WIDTH,
        size * 0.5,
        nfc(text),
        new_x="LMARGIN",
        new_y="NEXT",
        **options,  # type: ignore[arg-type]
    )


def _section(document: FPDF, title: str, room: float = 40) -> None:
    """A section's title, on a new page when less than ``room`` mm is left for what follows."""
    if document.get_y() > BOTTOM - room:
        document.add_page()
    document.ln(4)
    document.set_text_color(*BRAND)
    _text(document, title, 12.5, "B")
    document.set_text_color(*INK)
    document.ln(1)


def _heading(
    document: FPDF, report: Report, names: Mapping[int | None, str], made_on: date
) -> None:
    document.set_text_color(*BRAND)
    _text(document, _("BÁO CÁO PHONG TRÀO SÁNG KIẾN"), 16, "B", align="C")
    document.set_text_color(*INK)
    label = period_label(report.period, report.first_year, report.last_year)
    _text(document, f"{names[report.unit_id]} · {label}", 12.5, "B", align="C")
    document.set_text_color(*MUTED)
    _text(
        document,
        _(
            "Từ ngày %(first)s đến ngày %(last)s · Lập ngày %(made)s",
            first=day(report.period.first_day),
            last=day(report.period.last_day),
            made=day(made_on),
        ),
        9.5,
        align="C",
    )
    document.set_text_color(*INK)


def _table(
    document: FPDF,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    align: Sequence[str],
) -> None:
    document.set_font(pdf.FAMILY, "", 9)
    document.set_fill_color(255, 255, 255)  # the charts' colours must not fill the cells
    with document.table(
        col_widths=tuple(widths),
        text_align=tuple(align),
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 240, 250)),
        line_height=4.6,
        width=WIDTH,
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(nfc(text), align="C")
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(nfc(value))


def _summary(document: FPDF, report: Report) -> None:
    total = report.total
    _section(document, _("1. Kết quả chung"))
    benefit = total.benefit
    lines = [
        (_("Sáng kiến đăng ký trong kỳ"), amount(total.registered)),
        (_("Sáng kiến được công nhận trong kỳ"), amount(total.recognised)),
        (
            _("Tổng giá trị làm lợi (đồng/năm)"),
            _("Chưa lượng hóa được bằng tiền") if benefit.unknown else money(benefit.total),
        ),
        (
            _("Cách tính giá trị làm lợi"),
            _(
                "%(actual)s theo giá trị thực tế, %(projected)s theo giá trị dự kiến",
                actual=benefit.actual,
                projected=benefit.projected,
            ),
        ),
        (_("Sáng kiến chưa lượng hóa được bằng tiền"), amount(benefit.unquantified)),
        (_("Tác giả, đồng tác giả (người)"), amount(total.authors)),
        (_("Số CBCNV"), amount(total.staff) if total.staff is not None else "–"),
        (_("Tỷ lệ CBCNV là tác giả"), share(total.share_pct)),
    ]
    _table(document, (_("Chỉ số"), _("Kết quả")), lines, (110, WIDTH - 110), ("LEFT", "RIGHT"))
    if report.undated:
        document.set_text_color(*MUTED)
        _text(
            document,
            _(
                "%(count)s sáng kiến được công nhận nhưng chưa có ngày quyết định, không thuộc kỳ "
                "nào.",
                count=report.undated,
            ),
            9,
        )
        document.set_text_color(*INK)


def bars(
    document: FPDF,
    items: Sequence[tuple[str, int, int | None]],
    label_width: float = 62,
    bar_height: float = 5.5,
) -> None:
    """A horizontal bar per item (label, value, target): the value as a blue bar with its number,
    the target, when set, as a red tick; one scale for all, from 0 to the largest of them."""
    largest = max([1, *(value for _label, value, _t in items), *(t or 0 for *_r, t in items)])
    left = MARGIN + label_width
    span = WIDTH - label_width - 22
    document.set_font(pdf.FAMILY, "", 8.5)
    for label, value, target in items:
        if document.get_y() > BOTTOM - bar_height - 2:
            document.add_page()
        y = document.get_y()
        document.set_xy(MARGIN, y)
        _label(document, nfc(label), label_width - 2, bar_height)
        document.set_fill_color(*GRID)
        document.rect(left, y + 0.8, span, bar_height - 1.6, style="F")
        if value:
            document.set_fill_color(*BAR)
            document.rect(left, y + 0.8, span * value / largest, bar_height - 1.6, style="F")
        if target is not None:
            document.set_draw_color(*TARGET)
            document.set_line_width(0.8)
            x = left + span * target / largest
            document.line(x, y, x, y + bar_height)
            document.set_line_width(0.2)
            document.set_draw_color(*INK)
        document.set_xy(left + span + 1, y)
        document.cell(21, bar_height, of_target(value, target))
        document.set_y(y + bar_height + 0.8)


def _label(document: FPDF, text: str, width: float, height: float) -> None:
    """A bar's label, right-aligned, in smaller type when long; a name too long even at 6 pt is
    shortened with "…" (the table under the chart gives it whole)."""
    size = 8.5
    while document.get_string_width(text) > width and size > 6:
        size -= 0.5
        document.set_font(pdf.FAMILY, "", size)
    while document.get_string_width(text) > width and len(text) > 1:
        text = text[:-2] + "…"
    document.cell(width, height, text, align="R")
    document.set_font(pdf.FAMILY, "", 8.5)


def _legend(document: FPDF, with_target: bool) -> None:
    document.set_text_color(*MUTED)
    text = _("Cột xanh: số sáng kiến được công nhận")
    if with_target:
        text += " · " + _("vạch đỏ: chỉ tiêu năm")
    _text(document, text, 8)
    document.set_text_color(*INK)


def _levels(document: FPDF, total: Row) -> None:
    _section(document, _("2. Sáng kiến được công nhận theo cấp"), 50)
    bars(document, [(str(LEVEL_NAMES[level]), total.by_level[level], None) for level in LEVELS])
    _legend(document, False)


def _units(document: FPDF, report: Report, names: Mapping[int | None, str]) -> None:
    _section(document, _("3. Kết quả theo đơn vị trực thuộc"), 50)
    if not report.rows:
        _text(document, _("Đơn vị không có đơn vị trực thuộc."))
        return

    def name(row: Row) -> str:
        return _("Tại %(unit)s", unit=names[row.unit_id]) if row.own else names[row.unit_id]

    yearly = report.period.kind == "year"
    bars(
        document,
        [
            (name(row), row.recognised, row.target.per_year if yearly and not row.own else None)
            for row in report.rows
        ],
    )
    _legend(document, yearly)
    document.ln(2)
    headings = (
        _("Đơn vị"),
        _("Đăng ký"),
        _("Công nhận"),
        _("Giá trị làm lợi (đồng)"),
        _("Chưa lượng hóa"),
        _("Tác giả"),
        _("Tỷ lệ CBCNV"),
    )
    rows = [
        (
            name(row),
            amount(row.registered),
            amount(row.recognised),
            amount(row.benefit.total),
            amount(row.benefit.unquantified),
            amount(row.authors),
            share(row.share_pct),
        )
        for row in [*report.rows, report.total]
    ]
    rows[-1] = (_("Cộng"), *rows[-1][1:])
    _table(
        document,
        headings,
        rows,
        (52, 18, 20, 34, 20, 18, WIDTH - 162),
        ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
    )


def _progress(document: FPDF, report: Report) -> None:
    progress = report.progress
    _section(document, _("4. Tiến độ thực hiện chỉ tiêu"), 45)
    lines = []
    if progress.period_target is not None:
        lines.append(
            (_("Công nhận trong kỳ"), of_target(progress.in_period, progress.period_target))
        )
    lines += [
        (
            _("Công nhận năm %(year)s đến hết kỳ", year=progress.year),
            of_target(progress.year_to_date, progress.per_year_target),
        ),
        (
            _("Lũy kế từ năm %(year)s", year=report.first_year),
            of_target(progress.cumulative, progress.cumulative_target),
        ),
        (
            _("Tỷ lệ CBCNV là tác giả từ năm %(year)s", year=report.first_year),
            share(progress.share_pct)
            + (f" / {share(progress.share_target)}" if progress.share_target is not None else ""),
        ),
    ]
    _table(
        document,
        (_("Chỉ tiêu"), _("Thực hiện / chỉ tiêu")),
        lines,
        (110, WIDTH - 110),
        ("LEFT", "RIGHT"),
    )


def _best(
    document: FPDF, title: str, found: Sequence[Best], names: Mapping[int | None, str]
) -> None:
    _section(document, title, 40)
    if not found:
        _text(document, _("Không có sáng kiến nào được công nhận trong kỳ."))
        return
    rows = [
        (
            str(number),
            best.record.title,
            names.get(best.record.unit_id, "") if best.record.unit_id is not None else "",
            str(LEVEL_NAMES[best.record.level]) if best.record.level else "",
            best.award,
            _("Chưa lượng hóa") if best.record.benefit is None else amount(best.record.benefit),
        )
        for number, best in enumerate(found, start=1)
    ]
    _table(
        document,
        (
            _("TT"),
            _("Tên sáng kiến"),
            _("Đơn vị"),
            _("Cấp công nhận"),
            _("Giải thưởng"),
            _("Giá trị làm lợi (đồng)"),
        ),
        rows,
        (8, 58, 32, 24, 22, WIDTH - 144),
        ("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
    )
