"""Biên bản họp Hội đồng chấm thi as PDF: A4 portrait, as many pages as the standings need.

In the order such minutes are read: the event, its time and place; the members present with
their roles; the method of the results; the standings with n and the spread of the totals; the
flags and how they were resolved (the reasons the audit log kept); the prizes; each round's seal
(its SHA-256, or "chưa khóa"); the date line and the signature lines of the Chủ tịch Hội đồng and
the Thư ký. A pure function of plain records: the caller read and translated them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from core import pdf

MARGIN = 18.0
WIDTH = 210.0 - 2 * MARGIN
BRAND = (0, 82, 155)
INK = (33, 37, 41)


@dataclass(frozen=True)
class Member:
    name: str
    role: str  # the jury role, translated
    chair: bool
    unit: str


@dataclass(frozen=True)
class Row:
    rank: str
    title: str
    unit: str
    score: str  # formatted: "86,50"
    n: int
    spread: str  # "82,00 – 91,00 (độ lệch chuẩn 4,50)"
    flags: str
    prize: str


@dataclass(frozen=True)
class RoundSeal:
    name: str
    sha256: str | None  # None: the round is not sealed (chưa khóa)
    sealed_at: str


@dataclass(frozen=True)
class Minutes:
    event: str
    held_on: str  # 05/01/2026
    venue: str
    dated: str  # "Hà Nội, ngày 05 tháng 01 năm 2026"
    members: Sequence[Member]
    method: str
    provisional: bool
    rows: Sequence[Row]
    resolutions: Sequence[str]
    seals: Sequence[RoundSeal]
    chair: str
    secretary: str


def minutes_pdf(minutes: Minutes) -> bytes:
    document = pdf.document()
    document.set_margins(MARGIN, MARGIN, MARGIN)
    document.set_auto_page_break(True, margin=MARGIN)
    document.add_page()
    _heading(document, minutes)
    _members(document, minutes.members)
    _section(document, _("2. Cách tính điểm"))
    _paragraph(document, minutes.method)
    _standings(document, minutes)
    _section(document, _("4. Các lưu ý và cách giải quyết"))
    for line in minutes.resolutions or [_("Không có lưu ý nào cần giải quyết.")]:
        _paragraph(document, f"- {line}")
    _awards(document, minutes.rows)
    _seals(document, minutes.seals)
    _signatures(document, minutes)
    return pdf.output(document)


def _section(document: FPDF, title: str) -> None:
    document.ln(3)
    document.set_font(pdf.FAMILY, "B", 12)
    document.set_text_color(*BRAND)
    document.multi_cell(WIDTH, 6, title, new_x="LMARGIN", new_y="NEXT")
    document.set_text_color(*INK)


def _paragraph(document: FPDF, text: str, size: float = 11, style: str = "") -> None:
    document.set_font(pdf.FAMILY, style, size)
    document.multi_cell(WIDTH, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _heading(document: FPDF, minutes: Minutes) -> None:
    document.set_font(pdf.FAMILY, "B", 11)
    document.cell(
        WIDTH, 6, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    document.set_font(pdf.SEMIBOLD, "", 11)
    document.cell(
        WIDTH, 6, _("Độc lập - Tự do - Hạnh phúc"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    document.ln(6)
    document.set_font(pdf.FAMILY, "B", 16)
    document.set_text_color(*BRAND)
    document.cell(WIDTH, 8, _("BIÊN BẢN"), align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font(pdf.FAMILY, "B", 13)
    document.cell(WIDTH, 7, _("Họp Hội đồng chấm thi"), align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_text_color(*INK)
    document.set_font(pdf.FAMILY, "", 11)
    document.multi_cell(WIDTH, 6, minutes.event, align="C", new_x="LMARGIN", new_y="NEXT")
    if minutes.provisional:
        document.set_font(pdf.FAMILY, "I", 10)
        document.cell(
            WIDTH,
            6,
            _("Kết quả dự kiến: chưa được Ban Tổ chức phê duyệt"),
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    document.ln(3)
    _paragraph(document, _("Thời gian: ngày %(day)s.", day=minutes.held_on))
    _paragraph(document, _("Địa điểm: %(venue)s.", venue=minutes.venue or "—"))


def _members(document: FPDF, members: Sequence[Member]) -> None:
    _section(document, _("1. Thành viên Hội đồng có mặt"))
    for number, member in enumerate(members, start=1):
        role = member.role
        if member.chair:
            role = _("Chủ tịch Hội đồng, %(role)s", role=role)
        unit = f" ({member.unit})" if member.unit else ""
        _paragraph(document, f"{number}. {member.name}{unit}: {role}")
    if not members:
        _paragraph(document, _("Chưa có thành viên nào."))


def _standings(document: FPDF, minutes: Minutes) -> None:
    _section(document, _("3. Kết quả chấm điểm"))
    document.set_font(pdf.FAMILY, "", 9)
    headings = (
        _("Hạng"),
        _("Bài dự thi"),
        _("Điểm"),
        _("Số phiếu"),
        _("Thấp nhất – cao nhất"),
        _("Lưu ý"),
    )
    with document.table(
        col_widths=(12, 62, 16, 14, 32, 38),
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 238, 247)),
        line_height=4.6,
        text_align=("CENTER", "LEFT", "RIGHT", "RIGHT", "LEFT", "LEFT"),
    ) as table:
        table.row(headings)
        for row in minutes.rows:
            title = f"{row.title}\n{row.unit}" if row.unit else row.title
            table.row((row.rank, title, row.score, str(row.n), row.spread, row.flags))


def _awards(document: FPDF, rows: Sequence[Row]) -> None:
    _section(document, _("5. Đề nghị trao giải"))
    winners = [row for row in rows if row.prize]
    for row in winners:
        unit = f" ({row.unit})" if row.unit else ""
        _paragraph(document, f"- {row.prize}: {row.title}{unit}, {row.score}")
    if not winners:
        _paragraph(document, _("Chưa có bài nào đạt giải."))


def _seals(document: FPDF, seals: Sequence[RoundSeal]) -> None:
    _section(document, _("6. Niêm phong kết quả (SHA-256)"))
    for seal in seals:
        if seal.sha256 is None:
            _paragraph(document, _("%(round)s: chưa khóa.", round=seal.name))
        else:
            _paragraph(
                document, _("%(round)s, khóa lúc %(when)s:", round=seal.name, when=seal.sealed_at)
            )
            document.set_font(pdf.SEMIBOLD, "", 9)
            document.multi_cell(WIDTH, 5, seal.sha256, new_x="LMARGIN", new_y="NEXT")


def _signatures(document: FPDF, minutes: Minutes) -> None:
    if document.get_y() > 297 - MARGIN - 50:
        document.add_page()
    document.ln(6)
    half = WIDTH / 2
    document.set_font(pdf.FAMILY, "I", 11)
    document.set_x(MARGIN + half)
    document.cell(half, 6, minutes.dated, align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font(pdf.FAMILY, "B", 11)
    document.cell(half, 6, _("THƯ KÝ"), align="C")
    document.cell(half, 6, _("CHỦ TỊCH HỘI ĐỒNG"), align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font(pdf.FAMILY, "I", 9)
    document.cell(half, 5, _("(Ký, ghi rõ họ tên)"), align="C")
    document.cell(half, 5, _("(Ký, ghi rõ họ tên)"), align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(22)
    document.set_font(pdf.FAMILY, "B", 11)
    document.cell(half, 6, minutes.secretary, align="C")
    document.cell(half, 6, minutes.chair, align="C", new_x="LMARGIN", new_y="NEXT")
