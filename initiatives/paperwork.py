"""The application for recognition of an initiative (Đơn yêu cầu công nhận sáng kiến), the form of
Phụ lục I, Thông tư 18/2013/TT-BKHCN, as an A4 PDF filled from the record, so that no unit
secretary retypes it.

A pure layout of plain records: no Flask, no database. The form is a Vietnamese legal document:
its wording is the circular's and it is printed in Vietnamese whatever the reader's language, so
its texts are not translated. It carries the confidential information (Thông tin cần bảo mật):
the application goes to the reviewing body, never to a public page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace

from core import pdf

MARGIN = 20.0
WIDTH = 210.0 - 2 * MARGIN
SIGNATURE = 95.0  # the width of the applicants' block, on the right
UNKNOWN = "Chưa lượng hóa được bằng tiền"
DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ"]


@dataclass(frozen=True)
class Applicant:
    """A row of the authors' table."""

    full_name: str
    birth_date: date | None
    workplace: str
    job_title: str
    qualification: str
    contribution_pct: Decimal


@dataclass(frozen=True)
class Application:
    """What the form needs of a record, and the two things the reader chooses: to whom it is
    sent (Kính gửi) and the place written before the date."""

    to: str
    authors: Sequence[Applicant]
    title: str
    investor: str
    field: str
    first_applied_on: date | None
    prior_state: str
    solution: str
    applicability: str
    effects: str
    confidential: str
    benefit_vnd: int | None
    non_monetary_benefits: str
    place: str
    dated: date


def _three(number: int, full: bool) -> list[str]:
    """A group of three digits in words; ``full`` when a higher group precedes it, so that its
    hundreds and a lone unit are said ("không trăm linh năm")."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def in_words(amount: int) -> str:
    """An amount of đồng in Vietnamese words, capitalised: 1.200.000.000 is "Một tỷ hai trăm
    triệu đồng"; past a thousand tỷ the groups start again ("nghìn tỷ")."""
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            if index and index % 3 == 0 and words and words[-1] != "tỷ":
                words.append("tỷ")
            continue
        words += _three(value, full=bool(words))
        name = GROUPS[index % 3] if index % 3 else ("tỷ" if index else "")
        if name:
            words.append(name)
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def benefit_line(amount: int | None) -> str:
    """The benefit as the form writes it: in figures, then in words; an unknown amount is not 0."""
    if amount is None:
        return UNKNOWN
    return f"{money(amount)} đồng/năm (bằng chữ: {in_words(amount)}/năm)"


def dated_line(place: str, dated: date) -> str:
    """ "Hà Nội, ngày 05 tháng 01 năm 2026"; dots for the place when none was given."""
    where = place.strip() or "……………"
    return f"{where}, ngày {dated.day:02d} tháng {dated.month:02d} năm {dated.year}"


def _share(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value % 1 else f"{int(value)}"
    return text.replace(".", ",") + "%"


def application_pdf(application: Application) -> bytes:
    """The filled form, on as many A4 pages as its descriptions take."""
    document = pdf.document()
    document.set_margins(MARGIN, MARGIN, MARGIN)
    document.set_auto_page_break(True, margin=MARGIN)
    document.add_page()
    _header(document)
    _heading(document, application.to)
    _authors(document, application.authors)
    _record(document, application)
    _closing(document, application)
    return pdf.output(document)


def _write(
    document: FPDF, text: str, *, size: float = 12, style: str = "", align: str = "J"
) -> None:
    document.set_font(pdf.FAMILY, style, size)
    document.multi_cell(WIDTH, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _header(document: FPDF) -> None:
    _write(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, style="B", align="C")
    _write(document, "Độc lập - Tự do - Hạnh phúc", size=12, style="B", align="C")
    y = document.get_y() + 1
    document.set_line_width(0.3)
    document.line(105 - 25, y, 105 + 25, y)
    document.ln(8)


def _heading(document: FPDF, to: str) -> None:
    _write(document, "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN", size=14, style="B", align="C")
    document.ln(4)
    _write(document, f"Kính gửi: {to.strip() or '……………………………………'}", align="C")
    document.ln(4)
    _write(document, "Tôi (chúng tôi) ghi tên dưới đây:")
    document.ln(2)


def _authors(document: FPDF, authors: Sequence[Applicant]) -> None:
    headings = (
        "Số TT",
        "Họ và tên",
        "Ngày tháng năm sinh",
        "Nơi công tác (hoặc nơi thường trú)",
        "Chức danh",
        "Trình độ chuyên môn",
        "Tỷ lệ (%) đóng góp vào việc tạo ra sáng kiến",
    )
    document.set_font(pdf.FAMILY, "", 9.5)
    bold = FontFace(emphasis="BOLD")
    with document.table(
        col_widths=(10, 34, 25, 33, 22, 24, 22),
        text_align=("CENTER", "LEFT", "CENTER", "LEFT", "LEFT", "LEFT", "CENTER"),
        headings_style=bold,
        line_height=5,
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(text, align="C")
        for number, author in enumerate(authors, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(author.full_name)
            row.cell(author.birth_date.strftime("%d/%m/%Y") if author.birth_date else "")
            row.cell(author.workplace)
            row.cell(author.job_title)
            row.cell(author.qualification)
            row.cell(_share(author.contribution_pct))
    document.ln(3)


def _section(document: FPDF, label: str, text: str) -> None:
    _write(document, f"+ {label}:", style="I")
    for paragraph in (text.strip() or "Không có.").splitlines():
        if paragraph.strip():
            _write(document, paragraph.strip())


def _record(document: FPDF, application: Application) -> None:
    _write(document, "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến:")
    first = application.first_applied_on
    for label, text in (
        ("Tên sáng kiến", application.title),
        ("Chủ đầu tư tạo ra sáng kiến", application.investor),
        ("Lĩnh vực áp dụng sáng kiến", application.field),
        (
            "Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử",
            first.strftime("%d/%m/%Y") if first else "",
        ),
    ):
        _write(document, f"- {label}: {text.strip() or '……………………'}")
    _write(document, "- Mô tả bản chất của sáng kiến:")
    _section(document, "Tình trạng giải pháp đã biết", application.prior_state)
    _section(document, "Nội dung giải pháp", application.solution)
    _section(document, "Khả năng áp dụng của giải pháp", application.applicability)
    _section(document, "Hiệu quả, lợi ích thu được", application.effects)
    _write(
        document,
        "- Những thông tin cần được bảo mật (nếu có): "
        + (application.confidential.strip() or "Không có."),
    )
    _write(document, f"- Giá trị làm lợi: {benefit_line(application.benefit_vnd)}")
    if application.non_monetary_benefits.strip():
        _write(
            document,
            f"- Lợi ích không tính thành tiền: {application.non_monetary_benefits.strip()}",
        )


def _closing(document: FPDF, application: Application) -> None:
    document.ln(2)
    _write(
        document,
        "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật "
        "và hoàn toàn chịu trách nhiệm trước pháp luật.",
    )
    document.ln(4)
    if document.get_y() > 297 - MARGIN - 45:
        document.add_page()
    right = MARGIN + WIDTH - SIGNATURE
    document.set_x(right)
    document.set_font(pdf.FAMILY, "I", 12)
    document.multi_cell(
        SIGNATURE,
        6,
        dated_line(application.place, application.dated),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    document.set_x(right)
    document.set_font(pdf.FAMILY, "B", 12)
    document.multi_cell(SIGNATURE, 6, "Người nộp đơn", align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_x(right)
    document.set_font(pdf.FAMILY, "I", 10)
    document.multi_cell(
        SIGNATURE, 5, "(Ký và ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    document.ln(18)
    document.set_font(pdf.FAMILY, "B", 12)
    for author in application.authors:
        document.set_x(right)
        document.multi_cell(
            SIGNATURE, 6, author.full_name, align="C", new_x="LMARGIN", new_y="NEXT"
        )
