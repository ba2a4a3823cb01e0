"""Printed PDFs (judge cards, and later posters, certificates, minutes) in a font made for
Vietnamese.

The PDF core fonts and many free ones lack letters such as ư ạ ậ ệ ộ ự, or stack the tone marks
badly; Be Vietnam Pro was designed for Vietnamese. It comes from the npm registry, and
``make setup`` copies it into ``static/vendor/fonts`` (never committed). HarfBuzz shapes the text
(``set_text_shaping``), so marks sit where the font designer put them, and an input method that
sent a decomposed letter still prints as one.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor" / "fonts"
FAMILY = "BeVietnamPro"
# A family of its own: fpdf2 knows only regular, bold and italic as styles.
SEMIBOLD = "BeVietnamProSemiBold"
FONT_FILES = {
    (FAMILY, ""): "BeVietnamPro_400Regular.ttf",
    (FAMILY, "I"): "BeVietnamPro_400Regular_Italic.ttf",
    (FAMILY, "B"): "BeVietnamPro_700Bold.ttf",
    (SEMIBOLD, ""): "BeVietnamPro_600SemiBold.ttf",
}


class FontsMissing(RuntimeError):
    """The fonts were not installed: a set-up step was skipped, not something a user can fix."""


def document(font_dir: Path = FONT_DIR) -> FPDF:
    """An A4 portrait document, in millimetres, with the fonts registered, text shaping on, no
    automatic page breaks (layouts place their own) and the regular font selected."""
    missing = [name for name in FONT_FILES.values() if not (font_dir / name).is_file()]
    if missing:
        raise FontsMissing(
            f"Thiếu phông chữ cho PDF trong {font_dir} ({', '.join(missing)}): chạy make setup."
        )
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creator("Sáng tạo Live")
    for (family, style), name in FONT_FILES.items():
        pdf.add_font(family, style, str(font_dir / name))
    pdf.set_text_shaping(True)
    pdf.set_font(FAMILY, "", 10)
    return pdf


def output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
