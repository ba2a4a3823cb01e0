import io
import unicodedata

import pytest
from pypdf import PdfReader

from core import pdf


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_vietnamese_comes_out_of_the_pdf_letter_for_letter():
    document = pdf.document()
    document.add_page()
    lines = ("Đại diện Công đoàn", "Nguyễn Thị Thu Hà", "ư ạ ậ ệ ộ ự ẫ ỹ Ơ Ư Đ")
    for line in lines:
        document.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    document.set_font(pdf.FAMILY, "B", 12)
    document.cell(text="THẺ GIÁM KHẢO")
    written = text_of(pdf.output(document))
    for line in (*lines, "THẺ GIÁM KHẢO"):
        assert line in written


def test_a_decomposed_letter_prints_as_the_composed_one():
    """Some Vietnamese input methods send a letter and its marks apart."""
    document = pdf.document()
    document.add_page()
    document.cell(text=unicodedata.normalize("NFD", "Nguyễn"))
    assert unicodedata.normalize("NFC", text_of(pdf.output(document))).strip() == "Nguyễn"


def test_missing_fonts_say_how_to_install_them(tmp_path):
    with pytest.raises(pdf.FontsMissing, match="make setup"):
        pdf.document(tmp_path)
