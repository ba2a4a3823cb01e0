"""Giấy chứng nhận Lao động sáng tạo as one PDF: A4 landscape, one certificate a page.

A certificate names the person or team, the initiative, the prize, the event, the place and date
("Hà Nội, ngày 05 tháng 01 năm 2026"), the granting body (Tổng Liên đoàn Lao động Việt Nam or
Công đoàn Điện lực Việt Nam), its signer's title and name, and the unit's logo. Its verification
code is printed under a QR code of ``/verify/<code>``, so that anyone can check it against the
server. The layout is a pure function of plain records: the caller has translated the prize and
built the links on ``PUBLIC_URL``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from fpdf import FPDF

from core import pdf, qr

PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 12.0
INNER_W = PAGE_W - 2 * MARGIN
QR_SIZE = 30.0
LOGO_SIZE = 22.0

INK = (33, 37, 41)
MUTED = (90, 96, 102)
BRAND = (0, 82, 155)  # the union's blue
GOLD = (176, 132, 38)


@dataclass(frozen=True)
class Printed:
    """One certificate, as printed."""

    code: str
    link: str  # what the QR code holds: PUBLIC_URL/verify/<code>
    recipient: str  # a name, or a team's names
    team: bool
    initiative: str
    unit: str
    prize: str  # "Giải Nhất", in the reader's language
    event: str
    dated: str  # see :func:`dated`
    issuer: str  # "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    signer_title: str
    signer_name: str
    logo: bytes | None = None  # PNG


def dated(place: str, day: date) -> str:
    """ "Hà Nội, ngày 05 tháng 01 năm 2026": day and month zero-padded, as documents write them."""
    values = {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": day.year}
    line = _("ngày %(day)s tháng %(month)s năm %(year)s", **values)
    return f"{place}, {line}" if place else line[:1].upper() + line[1:]


def place_of(setting: str, venue: str) -> str:
    """The place in the date line: the setting, else the last part of the venue's address
    ("Trung tâm Hội nghị, 11 Cửa Bắc, Hà Nội" gives "Hà Nội")."""
    if setting.strip():
        return setting.strip()
    return venue.rsplit(",", 1)[-1].strip() if "," in venue else ""


def spaced_code(code: str) -> str:
    """``ABCDEFGHJK`` as ``ABCDE-FGHJK``: read out and typed in two halves."""
    return f"{code[:5]}-{code[5:]}"


def certificates_pdf(
    certificates: Sequence[Printed], on_page: Callable[[], None] | None = None
) -> bytes:
    """The certificates, one to a page, in order; ``on_page`` is called after each (progress)."""
    document = pdf.document()
    # Left to right, Latin script, Vietnamese: said once, so that the shaper need not work out
    # the direction of every line of a batch of 300 again.
    document.set_text_shaping(True, direction="ltr", script="latn", language="vie")
    for certificate in certificates:
        document.add_page(orientation="landscape")
        _certificate(document, certificate)
        if on_page is not None:
            on_page()
    return pdf.output(document)


def _fit(
    document: FPDF,
    y: float,
    text: str,
    *,
    size: float,
    style: str = "",
    family: str = pdf.FAMILY,
    color: tuple[int, int, int] = INK,
    x: float = MARGIN,
    width: float = INNER_W,
    align: str = "C",
    max_lines: int = 1,
) -> float:
    """Write ``text`` centred in ``width`` at ``y``, smaller until it fits in ``max_lines``;
    returns the y under it. Measured once when it fits on one line (wrapping shapes it again at
    every character, which a batch of 300 would feel)."""
    document.set_text_color(*color)
    while True:
        document.set_font(family, style, size)
        height = size * 0.46
        if document.get_string_width(text) <= width:
            document.set_xy(x, y)
            document.cell(width, height, text, align=align)
            return y + height
        if max_lines > 1:
            lines = document.multi_cell(width, height, text, dry_run=True, output="LINES")
            assert isinstance(lines, list)  # what output="LINES" gives
            if len(lines) <= max_lines or size <= 8:
                break
        elif size <= 8:
            break
        size -= 1
    document.set_xy(x, y)
    document.multi_cell(width, height, text, align=align)
    return document.get_y()


def _frame(document: FPDF) -> None:
    document.set_draw_color(*BRAND)
    document.set_line_width(1.2)
    document.rect(6, 6, PAGE_W - 12, PAGE_H - 12)
    document.set_draw_color(*GOLD)
    document.set_line_width(0.4)
    document.rect(8.5, 8.5, PAGE_W - 17, PAGE_H - 17)


def _heading(document: FPDF, certificate: Printed) -> None:
    """The issuer on the left (under the logo's side), the national motto on the right."""
    half = INNER_W / 2 - 10
    left = MARGIN + LOGO_SIZE + 2 if certificate.logo else MARGIN
    if certificate.logo:
        document.image(io.BytesIO(certificate.logo), x=MARGIN + 2, y=MARGIN + 2, w=LOGO_SIZE)
    _fit(
        document,
        MARGIN + 6,
        certificate.issuer.upper(),
        size=11,
        style="B",
        color=BRAND,
        x=left,
        width=half - (left - MARGIN),
        max_lines=2,
    )
    right = MARGIN + INNER_W / 2 + 10
    y = _fit(
        document,
        MARGIN + 6,
        _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        size=11,
        style="B",
        x=right,
        width=half,
    )
    y = _fit(document, y + 0.5, _("Độc lập - Tự do - Hạnh phúc"), size=11, x=right, width=half)
    middle = right + half / 2
    document.set_draw_color(*INK)
    document.set_line_width(0.3)
    document.line(middle - 25, y + 1, middle + 25, y + 1)


def _certificate(document: FPDF, certificate: Printed) -> None:
    _frame(document)
    _heading(document, certificate)
    y = _fit(document, 50, _("GIẤY CHỨNG NHẬN"), size=34, style="B", color=BRAND)
    y = _fit(document, y + 2, _("LAO ĐỘNG SÁNG TẠO"), size=20, family=pdf.SEMIBOLD, color=GOLD)
    label = _("Chứng nhận nhóm tác giả") if certificate.team else _("Chứng nhận tác giả")
    y = _fit(document, y + 6, label, size=12, color=MUTED)
    y = _fit(document, y + 1.5, certificate.recipient, size=22, style="B", max_lines=2)
    if certificate.unit:
        y = _fit(document, y + 1, certificate.unit, size=12, style="I", color=MUTED)
    y = _fit(document, y + 4, _("Đã có sáng kiến"), size=12, color=MUTED)
    y = _fit(
        document, y + 1, f"“{certificate.initiative}”", size=16, family=pdf.SEMIBOLD, max_lines=2
    )
    award = _("Đạt %(prize)s tại %(event)s", prize=certificate.prize, event=certificate.event)
    _fit(document, y + 3, award, size=13, max_lines=2)
    _verification(document, certificate)
    _signature(document, certificate)


def _verification(document: FPDF, certificate: Printed) -> None:
    """The QR code and its code, bottom left, with what to do with them."""
    top = PAGE_H - MARGIN - QR_SIZE - 10
    document.image(io.BytesIO(qr.png(certificate.link)), x=MARGIN + 2, y=top, w=QR_SIZE)
    x, width = MARGIN + QR_SIZE + 4, 70.0
    y = _fit(document, top + 6, _("Mã xác thực"), size=9, color=MUTED, x=x, width=width, align="L")
    y = _fit(
        document,
        y + 0.5,
        spaced_code(certificate.code),
        size=15,
        style="B",
        color=BRAND,
        x=x,
        width=width,
        align="L",
    )
    _fit(
        document,
        y + 1,
        _("Quét mã QR để kiểm tra giấy chứng nhận:"),
        size=8,
        color=MUTED,
        x=x,
        width=width,
        align="L",
    )
    _fit(document, y + 5, certificate.link, size=7.5, x=x, width=width, align="L", max_lines=2)


def _signature(document: FPDF, certificate: Printed) -> None:
    """The date line, the signer's title, room for the signature and seal, the signer's name."""
    x, width = PAGE_W / 2 + 20, PAGE_W / 2 - 20 - MARGIN
    y = _fit(document, 146, certificate.dated, size=12, style="I", x=x, width=width)
    y = _fit(
        document,
        y + 1.5,
        certificate.signer_title.upper(),
        size=12,
        style="B",
        x=x,
        width=width,
        max_lines=2,
    )
    _fit(document, y + 22, certificate.signer_name, size=14, style="B", x=x, width=width)
