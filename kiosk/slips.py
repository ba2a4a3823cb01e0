"""Ballot slips (phiếu bình chọn) as one PDF: A4 portrait, ten a page (two by five), cut marks.

A slip carries the event, what to do, and the ballot's QR code with its link written out for a
phone that cannot scan. The layout is a pure function of plain records: no Flask, no database;
the caller builds the links on ``PUBLIC_URL`` and translates the texts.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from core import pdf, qr

PAGE_W, PAGE_H = 210.0, 297.0
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
SLIP_W, SLIP_H = PAGE_W / COLUMNS, PAGE_H / ROWS
MARGIN = 6.0
QR_SIZE = 44.0  # mm, quiet zone included
MARK = 4.0  # length of a cut mark, outside the slips' corners

INK = (33, 37, 41)
MUTED = (100, 106, 112)
BRAND = (0, 82, 155)
CUT = (120, 120, 120)


@dataclass(frozen=True)
class Slip:
    event: str
    title: str  # "PHIẾU BÌNH CHỌN", in the reader's language
    how: str  # one sentence: scan, pick, confirm
    link: str  # the ballot's URL, which the QR code holds
    number: str  # a running number for the organiser's stack, "0001"


def slips_pdf(slips: Sequence[Slip], step: Callable[[], None] = lambda: None) -> bytes:
    """Ten slips a page in reading order; ``step`` hears of each slip drawn (a job's progress)."""
    document = pdf.document()
    for index, slip in enumerate(slips):
        if index % PER_PAGE == 0:
            document.add_page()
            _cut_marks(document)
        column, row = index % COLUMNS, (index % PER_PAGE) // COLUMNS
        _slip(document, slip, column * SLIP_W, row * SLIP_H)
        step()
    return pdf.output(document)


def _cut_marks(document: FPDF) -> None:
    """Short marks at every grid line, in the page's margins and where slips meet: a guillotine
    follows them; a full line would print through the QR codes' quiet zones."""
    document.set_draw_color(*CUT)
    document.set_line_width(0.2)
    for column in range(1, COLUMNS):
        x = column * SLIP_W
        for row in range(ROWS + 1):
            y = row * SLIP_H
            document.line(x, max(0, y - MARK), x, min(PAGE_H, y + MARK))
    for row in range(1, ROWS):
        y = row * SLIP_H
        for column in range(COLUMNS + 1):
            x = column * SLIP_W
            document.line(max(0, x - MARK), y, min(PAGE_W, x + MARK), y)


def _slip(document: FPDF, slip: Slip, left: float, top: float) -> None:
    document.image(
        io.BytesIO(qr.png(slip.link)), x=left + 2, y=top + (SLIP_H - QR_SIZE) / 2, w=QR_SIZE
    )
    x = left + QR_SIZE + 4
    width = SLIP_W - QR_SIZE - 4 - MARGIN
    document.set_xy(x, top + MARGIN)
    document.set_text_color(*MUTED)
    document.set_font(pdf.SEMIBOLD, "", 8)
    document.multi_cell(width, 3.6, slip.event, align="L")
    document.set_x(x)
    document.set_text_color(*BRAND)
    document.set_font(pdf.FAMILY, "B", 13)
    document.multi_cell(width, 6, slip.title, align="L")
    document.set_x(x)
    document.set_text_color(*INK)
    document.set_font(pdf.FAMILY, "", 8.5)
    document.multi_cell(width, 3.8, slip.how, align="L")
    document.set_xy(x, top + SLIP_H - MARGIN - 8)
    document.set_font(pdf.FAMILY, "", 6.5)
    document.multi_cell(width, 3, slip.link, align="L")
    document.set_xy(x, top + SLIP_H - MARGIN - 2)
    document.set_text_color(*MUTED)
    document.cell(width, 3, f"№ {slip.number}")
