"""Booth posters (áp phích) as one PDF, one poster a page, in A4, A5 or A6 portrait.

A poster says, from far to near: the booth number, the initiative's title (wrapped, smaller until
it fits), its unit, then the QR code (error correction Q, quiet zone 4: ``core.qr``) and under it
the exhibit's short code and link, for a phone that cannot scan. A pure function of plain
records: no Flask, no database; the caller builds the links on ``PUBLIC_URL``.
300 posters take a few seconds (bench/posters.py): the fonts are embedded once per document.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from core import pdf, qr

# Portrait sizes in mm; every measure below scales with the page's width (A4 = 1).
SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "A6": (105.0, 148.0)}

INK = (33, 37, 41)
MUTED = (100, 106, 112)
BRAND = (0, 82, 155)


@dataclass(frozen=True)
class Poster:
    event: str
    booth: str  # "Gian A01", already worded; "" when the exhibit has no booth
    title: str
    unit: str
    code: str  # the exhibit's short code, the token of its link
    link: str  # what the QR code holds
    call: str  # "Quét mã QR để xem chi tiết và bình chọn", in the reader's language


def posters_pdf(
    posters: Sequence[Poster], size: str = "A4", step: Callable[[], None] = lambda: None
) -> bytes:
    """One poster a page; ``step`` hears of each poster drawn (a job's progress)."""
    width, height = SIZES[size]
    document = pdf.document()
    for poster in posters:
        document.add_page(format=(width, height))
        _poster(document, poster, width, height)
        step()
    return pdf.output(document)


def _fit(
    document: FPDF,
    text: str,
    *,
    y: float,
    width: float,
    left: float,
    size: float,
    smallest: float,
    max_lines: int,
    style: str = "",
    color: tuple[int, int, int] = INK,
) -> float:
    """Write ``text`` centred and wrapped from ``y``, smaller until it fits ``max_lines``;
    returns the y under it."""
    document.set_text_color(*color)
    while True:
        document.set_font(pdf.FAMILY, style, size)
        if document.get_string_width(text) <= width:
            lines = 1
            break
        wrapped = document.multi_cell(width, 1, text, dry_run=True, output="LINES")
        assert isinstance(wrapped, list)  # what output="LINES" gives
        lines = len(wrapped)
        if lines <= max_lines or size <= smallest:
            break
        size -= 1
    line_height = size * 0.42
    document.set_xy(left, y)
    document.multi_cell(width, line_height, text, align="C")
    return y + lines * line_height


def _poster(document: FPDF, poster: Poster, width: float, height: float) -> None:
    scale = width / SIZES["A4"][0]
    margin = 14 * scale
    inner = width - 2 * margin
    y = margin
    document.set_text_color(*MUTED)
    document.set_font(pdf.SEMIBOLD, "", 11 * scale)
    document.set_xy(margin, y)
    document.cell(inner, 6 * scale, poster.event, align="C")
    y += 10 * scale
    if poster.booth:
        y = _fit(
            document,
            poster.booth,
            y=y,
            width=inner,
            left=margin,
            size=30 * scale,
            smallest=30 * scale,
            max_lines=1,
            style="B",
            color=BRAND,
        )
        y += 4 * scale
    y = _fit(
        document,
        poster.title,
        y=y,
        width=inner,
        left=margin,
        size=34 * scale,
        smallest=14 * scale,
        max_lines=4,
        style="B",
    )
    if poster.unit:
        y = _fit(
            document,
            poster.unit,
            y=y + 3 * scale,
            width=inner,
            left=margin,
            size=16 * scale,
            smallest=9 * scale,
            max_lines=2,
            color=MUTED,
        )
    code_size = min(120 * scale, height - y - 44 * scale)
    top = max(y + 6 * scale, height - margin - 34 * scale - code_size)
    document.image(io.BytesIO(qr.png(poster.link)), x=(width - code_size) / 2, y=top, w=code_size)
    y = _fit(
        document,
        poster.call,
        y=top + code_size + 2 * scale,
        width=inner,
        left=margin,
        size=14 * scale,
        smallest=8 * scale,
        max_lines=2,
        style="B",
    )
    y = _fit(
        document,
        poster.code,
        y=y + 2 * scale,
        width=inner,
        left=margin,
        size=22 * scale,
        smallest=22 * scale,
        max_lines=1,
        style="B",
        color=BRAND,
    )
    _fit(
        document,
        poster.link,
        y=y + 1 * scale,
        width=inner,
        left=margin,
        size=10 * scale,
        smallest=6 * scale,
        max_lines=2,
        color=MUTED,
    )
