"""Judge cards (thẻ giám khảo) as one PDF: A4 portrait, four cards a page, cut along the dashes.

A card carries what a judge needs at the venue: who they are on the jury, a QR code of their
magic link for a tablet with a camera, and, for one without, their code (Mã giám khảo) and a
short PIN to type at ``/j``. The layout is a pure function of plain records: no Flask, no
database; the caller has translated the jury role and built the links on ``PUBLIC_URL``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from fpdf import FPDF

from core import pdf, qr

PAGE_W, PAGE_H = 210.0, 297.0
CARD_W, CARD_H = PAGE_W / 2, PAGE_H / 2
MARGIN = 8.0  # inside each card, clear of the cut
INNER_W = CARD_W - 2 * MARGIN
QR_SIZE = 44.0  # mm, quiet zone included: a tablet reads it from arm's length
PER_PAGE = 4

INK = (33, 37, 41)
MUTED = (100, 106, 112)
BRAND = (0, 82, 155)  # the blue of the union's printed matter
CUT = (160, 160, 160)


@dataclass(frozen=True)
class Card:
    """One judge's card, as printed."""

    event: str
    name: str
    role: str  # the jury role, in the reader's language
    chair: bool
    unit: str  # "" when the judge belongs to no listed unit
    code: str  # Mã giám khảo, "GK07"
    link: str  # the magic link the QR code holds
    pin: str  # six digits
    pin_page: str  # where a tablet without a camera types the code and PIN: PUBLIC_URL/j


def cards_pdf(cards: Sequence[Card]) -> bytes:
    """The cards, four to an A4 page (two by two, in reading order), with dashed cut lines."""
    document = pdf.document()
    for index, card in enumerate(cards):
        if index % PER_PAGE == 0:
            document.add_page()
            _cut_lines(document)
        column, row = index % 2, (index % PER_PAGE) // 2
        _card(document, card, column * CARD_W, row * CARD_H)
    return pdf.output(document)


def spaced_pin(pin: str) -> str:
    """``482913`` as ``482 913``: two groups of three are read out and typed without slips."""
    return f"{pin[:3]} {pin[3:]}"


def _cut_lines(document: FPDF) -> None:
    document.set_draw_color(*CUT)
    document.set_line_width(0.2)
    document.set_dash_pattern(dash=2, gap=2)
    document.line(CARD_W, 0, CARD_W, PAGE_H)
    document.line(0, CARD_H, PAGE_W, CARD_H)
    document.set_dash_pattern()


def _text(
    document: FPDF,
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    family: str = pdf.FAMILY,
    style: str = "",
    color: tuple[int, int, int] = INK,
    width: float = INNER_W,
    align: str = "C",
    max_lines: int = 2,
) -> float:
    """Write ``text`` wrapped in ``width`` from (x, y), smaller until it fits in ``max_lines``;
    returns the y under it. Wrapping shapes the text again at every character, so a text that
    fits on one line is measured once and written as one cell."""
    document.set_text_color(*color)
    document.set_xy(x, y)
    while True:
        document.set_font(family, style, size)
        height = size * 0.45
        if document.get_string_width(text) <= width:
            document.cell(width, height, text, align=align)
            return y + height
        lines = document.multi_cell(width, height, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)  # what output="LINES" gives
        if len(lines) <= max_lines or size <= 6:
            break
        size -= 1
    document.multi_cell(width, height, text, align=align)
    return document.get_y()


def _card(document: FPDF, card: Card, left: float, top: float) -> None:
    x = left + MARGIN
    y = _text(document, x, top + MARGIN, card.event, size=9, family=pdf.SEMIBOLD, color=MUTED)
    y = _text(document, x, y + 1.5, _("THẺ GIÁM KHẢO"), size=15, style="B", color=BRAND)
    document.set_draw_color(*BRAND)
    document.set_line_width(0.4)
    document.line(x + INNER_W / 3, y + 1.5, x + 2 * INNER_W / 3, y + 1.5)
    y = _text(document, x, y + 4, card.name, size=17, style="B", max_lines=2)
    y = _text(document, x, y + 1, card.role, size=11, max_lines=1)
    if card.chair:
        y = _chair_badge(document, left, y + 1.5)
    if card.unit:
        _text(document, x, y + 1.5, card.unit, size=9.5, style="I", color=MUTED)
    _sign_in(document, card, x, top + 70)


def _chair_badge(document: FPDF, left: float, y: float) -> float:
    label = _("Chủ tịch Hội đồng").upper()
    document.set_font(pdf.SEMIBOLD, "", 9)
    width = document.get_string_width(label) + 8
    document.set_fill_color(*BRAND)
    document.rect(left + (CARD_W - width) / 2, y, width, 6, style="F", round_corners=True)
    document.set_text_color(255, 255, 255)
    document.set_xy(left + (CARD_W - width) / 2, y)
    document.cell(width, 6, label, align="C")
    return y + 6


def _sign_in(document: FPDF, card: Card, x: float, y: float) -> None:
    """The QR code on the left; the code and PIN in big digits on the right; then the link and
    the way in without a camera, across the card."""
    document.image(io.BytesIO(qr.png(card.link)), x=x - 2, y=y, w=QR_SIZE, h=QR_SIZE)
    right, width = x + QR_SIZE + 2, INNER_W - QR_SIZE - 2
    under = _text(
        document, right, y + 3, _("Mã giám khảo"), size=9, color=MUTED, width=width, align="L"
    )
    under = _text(document, right, under, card.code, size=24, style="B", width=width, align="L")
    under = _text(document, right, under + 2, "PIN", size=9, color=MUTED, width=width, align="L")
    _text(
        document,
        right,
        under,
        spaced_pin(card.pin),
        size=26,
        style="B",
        color=BRAND,
        width=width,
        align="L",
        max_lines=1,
    )
    y = _text(
        document,
        x,
        y + QR_SIZE + 1,
        _("Quét mã QR để mở phiếu chấm điểm:"),
        size=8,
        color=MUTED,
        align="L",
        max_lines=1,
    )
    y = _text(document, x, y, card.link, size=7, align="L")
    _text(
        document,
        x,
        y + 2.5,
        _(
            "Đăng nhập không có camera: mở %(url)s, nhập mã %(code)s và PIN.",
            url=card.pin_page,
            code=card.code,
        ),
        size=9,
        family=pdf.SEMIBOLD,
        align="L",
        max_lines=3,
    )
