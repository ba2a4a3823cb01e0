"""Bản tin sáng kiến: one printable A4 page of a period's best initiatives, for a notice board.

It is posted for the workers of a Vietnamese unit and printed in Vietnamese whatever the
organiser's language, like the application for recognition (``initiatives.paperwork``); so its
words are not translated. Always one page: each initiative has a box of the same height, and its
title's type shrinks until the whole title fits (it is never cut).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from core import pdf
from core.i18n import nfc
from initiatives.models import RecognitionLevel
from initiatives.reports import Best, Report

MARGIN = 15.0
WIDTH = 210.0 - 2 * MARGIN
BOTTOM = 297.0 - MARGIN
BRAND = (0, 82, 155)
INK = (33, 37, 41)
MUTED = (90, 98, 105)
PALE = (232, 240, 250)
ITEMS = 6
LEVEL_WORDS = {
    RecognitionLevel.BASE: "Cấp cơ sở",
    RecognitionLevel.CORPORATION: "Cấp Tổng công ty",
    RecognitionLevel.GROUP: "Cấp Tập đoàn",
    RecognitionLevel.PROVINCE: "Cấp tỉnh/ngành",
    RecognitionLevel.NATIONAL: "Cấp toàn quốc",
}
QUARTERS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Heading:
    unit: str
    made_on: date


def amount(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def benefit_words(value: int | None) -> str:
    return "Chưa lượng hóa được bằng tiền" if value is None else f"{amount(value)} đồng/năm"


def period_words(report: Report) -> str:
    chosen = report.period
    if chosen.kind == "quarter":
        return f"Quý {QUARTERS[(chosen.quarter or 1) - 1]} năm {chosen.first_day.year}"
    if chosen.kind == "year":
        return f"Năm {chosen.first_day.year}"
    return f"Giai đoạn {report.first_year} - {report.last_year}"


def chosen_best(report: Report, count: int = ITEMS) -> list[Best]:
    """The best by recognition first, then by benefit, each initiative once."""
    found: list[Best] = []
    seen: set[int] = set()
    for best in [*report.by_recognition, *report.by_benefit]:
        if best.record.id not in seen:
            seen.add(best.record.id)
            found.append(best)
    return found[:count]


def bulletin_pdf(report: Report, names: Mapping[int | None, str], heading: Heading) -> bytes:
    document = pdf.document()
    document.set_margins(MARGIN, MARGIN, MARGIN)
    document.set_title("Bản tin sáng kiến")
    document.add_page()
    _masthead(document, report, heading)
    _figures(document, report)
    _items(document, chosen_best(report), names, heading.made_on)
    return pdf.output(document)


def _line(document: FPDF, text: str, size: float, style: str = "", align: str = "C") -> None:
    document.set_font(pdf.FAMILY, style, size)
    document.multi_cell(WIDTH, size * 0.45, nfc(text), align=align, new_x="LMARGIN", new_y="NEXT")


def _masthead(document: FPDF, report: Report, heading: Heading) -> None:
    document.set_fill_color(*BRAND)
    document.rect(0, 0, 210, 34, style="F")
    document.set_text_color(255, 255, 255)
    document.set_y(8)
    _line(document, "BẢN TIN SÁNG KIẾN", 24, "B")
    _line(document, f"{heading.unit} · {period_words(report)}", 12, "B")
    document.set_text_color(*INK)
    document.set_y(38)


def _figures(document: FPDF, report: Report) -> None:
    total = report.total
    boxes = (
        ("Sáng kiến được công nhận", amount(total.recognised)),
        (
            "Giá trị làm lợi",
            "Chưa lượng hóa" if total.benefit.unknown else f"{amount(total.benefit.total)} đồng",
        ),
        ("Tác giả, đồng tác giả", f"{amount(total.authors)} người"),
    )
    width = (WIDTH - 8) / 3
    y = document.get_y()
    for index, (label, value) in enumerate(boxes):
        x = MARGIN + index * (width + 4)
        document.set_fill_color(*PALE)
        document.rect(x, y, width, 20, style="F")
        document.set_xy(x, y + 3)
        document.set_font(pdf.FAMILY, "B", 14)
        document.cell(width, 7, nfc(value), align="C")
        document.set_xy(x, y + 11)
        document.set_font(pdf.FAMILY, "", 9)
        document.cell(width, 5, nfc(label), align="C")
    document.set_y(y + 24)
    if total.benefit.unquantified:
        document.set_text_color(*MUTED)
        _line(
            document,
            f"{amount(total.benefit.unquantified)} sáng kiến chưa lượng hóa được bằng tiền, "
            "không tính vào giá trị làm lợi.",
            8.5,
        )
        document.set_text_color(*INK)
    document.ln(2)


def fitted_title(document: FPDF, title: str, width: float, height: float) -> tuple[float, int]:
    """The largest type (points, from 13 down) at which the whole ``title`` fits ``width`` by
    ``height`` mm, and its number of lines; at the smallest it may run over rather than be cut."""
    size = 13.0
    while True:
        document.set_font(pdf.FAMILY, "B", size)
        lines = document.multi_cell(width, size * 0.42, nfc(title), dry_run=True, output="LINES")
        assert isinstance(lines, list)
        if len(lines) * size * 0.42 <= height or size <= 7:
            return size, len(lines)
        size -= 0.5


def _items(
    document: FPDF, found: Sequence[Best], names: Mapping[int | None, str], made_on: date
) -> None:
    if not found:
        _line(document, "Chưa có sáng kiến nào được công nhận trong kỳ.", 12, "I")
        return
    top = document.get_y()
    footer = 8.0
    box = (BOTTOM - footer - top) / ITEMS
    text_width = WIDTH - 16
    for number, best in enumerate(found, start=1):
        record = best.record
        y = top + (number - 1) * box
        document.set_fill_color(*BRAND)
        document.rect(MARGIN, y + 1, 10, 10, style="F")
        document.set_text_color(255, 255, 255)
        document.set_font(pdf.FAMILY, "B", 13)
        document.set_xy(MARGIN, y + 2)
        document.cell(10, 8, str(number), align="C")
        document.set_text_color(*INK)
        size, _count = fitted_title(document, record.title, text_width, box - 16)
        document.set_xy(MARGIN + 14, y + 1)
        document.set_font(pdf.FAMILY, "B", size)
        document.multi_cell(text_width, size * 0.42, nfc(record.title), new_x="LEFT", new_y="NEXT")
        unit = names.get(record.unit_id, "") if record.unit_id is not None else ""
        people = ", ".join(record.authors)
        document.set_font(pdf.FAMILY, "", 9)
        document.set_text_color(*MUTED)
        details = " · ".join(part for part in (unit, people) if part)
        document.multi_cell(text_width, 4, nfc(details), new_x="LEFT", new_y="NEXT")
        recognition = " · ".join(
            part
            for part in (
                LEVEL_WORDS[record.level] if record.level else "",
                best.award,
                f"Giá trị làm lợi: {benefit_words(record.benefit)}",
            )
            if part
        )
        document.set_font(pdf.SEMIBOLD, "", 9)
        document.set_text_color(*BRAND)
        document.multi_cell(text_width, 4, nfc(recognition), new_x="LEFT", new_y="NEXT")
        document.set_text_color(*INK)
        document.set_draw_color(*PALE)
        document.line(MARGIN, y + box - 0.5, MARGIN + WIDTH, y + box - 0.5)
    document.set_xy(MARGIN, BOTTOM - 5)
    document.set_font(pdf.FAMILY, "I", 8)
    document.set_text_color(*MUTED)
    document.cell(WIDTH, 5, f"Sáng tạo Live · Lập ngày {made_on.strftime('%d/%m/%Y')}", align="C")
