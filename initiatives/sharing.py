"""The share card of a recognised or award-winning initiative: a PNG for notice boards and chat
channels (Zalo, Facebook groups), 1080 × 1350 px, the 4:5 portrait that chat apps and feeds show
whole without cropping, and that prints on A4 with a margin.

A pure drawing (Pillow) of plain text: the title, wrapped at word boundaries, in the largest type
at which the whole of it fits its box, never cut nor ellipsised; the unit, the authors, the
benefit, the recognition and the award; and a QR code to the record in the library. The font is
Be Vietnam Pro, the one ``core.pdf`` embeds, from ``static/vendor/fonts``. Like the bulletin, the
card is posted for Vietnamese workers and its words are Vietnamese whatever the organiser's
language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core import pdf, qr
from core.i18n import nfc

SIZE = (1080, 1350)
PAD = 72
WIDTH = SIZE[0] - 2 * PAD
TITLE_BOX = 470  # height of the title's box, px
LARGEST, SMALLEST = 76, 14
BRAND = (0, 82, 155)
GOLD = (255, 196, 0)
INK = (33, 37, 41)
MUTED = (90, 98, 105)
PALE = (232, 240, 250)
WHITE = (255, 255, 255)
QR_SIZE = 250
DETAILS = WIDTH - QR_SIZE - 30  # the details' column, left of the QR code
QR_AT = (SIZE[0] - PAD - QR_SIZE, SIZE[1] - PAD - QR_SIZE - 30)


@dataclass(frozen=True)
class Card:
    title: str
    unit: str
    authors: str
    benefit: str  # "1.200.000.000 đồng/năm", or "Chưa lượng hóa được bằng tiền"
    recognition: str  # "Cấp Tập đoàn · QĐ 123/QĐ-EVN ngày 05/01/2026"
    award: str  # "Giải Nhất · Ngày hội Lao động sáng tạo 2026", or ""
    link: str  # the record's address in the library, for the QR code


@cache
def font(size: int, weight: str = "B", font_dir: Path = pdf.FONT_DIR) -> ImageFont.FreeTypeFont:
    """Be Vietnam Pro at ``size`` px: "B" bold, "S" semibold, "" regular."""
    names = {"B": "BeVietnamPro_700Bold.ttf", "S": "BeVietnamPro_600SemiBold.ttf"}
    path = font_dir / names.get(weight, "BeVietnamPro_400Regular.ttf")
    if not path.is_file():
        raise pdf.FontsMissing(f"Thiếu phông chữ {path}: chạy make setup.")
    return ImageFont.truetype(str(path), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    """``text`` in lines no wider than ``width``, broken between words; None if a word alone is
    wider (the type must shrink: a word is never broken)."""
    lines: list[str] = []
    for word in nfc(text).split():
        if face.getlength(word) > width:
            return None
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def line_height(size: int) -> int:
    return round(size * 1.28)


def fit(
    text: str, width: int, height: int, weight: str = "B", largest: int = LARGEST
) -> tuple[int, list[str]]:
    """The largest type (px, down to ``SMALLEST``) at which all of ``text`` fits ``width`` by
    ``height``, with its lines. At the smallest it fits the width always, the height nearly."""
    size = largest
    while True:
        lines = wrap(text, font(size, weight), width)
        if lines is not None and (len(lines) * line_height(size) <= height or size <= SMALLEST):
            return size, lines
        if size <= SMALLEST:
            # A single word wider than the card at the smallest type: a line of its own, shrunk.
            return size, nfc(text).split()
        size -= 2


@dataclass(frozen=True)
class Text:
    """A line of text placed on the card: its top-left corner, size (px) and weight."""

    x: int
    y: int
    text: str
    size: int
    weight: str
    colour: tuple[int, int, int]

    @property
    def width(self) -> float:
        return font(self.size, self.weight).getlength(self.text)


@dataclass(frozen=True)
class Layout:
    """Where everything goes: the award's badge (a box, or None), the title's type and lines, the
    y of the rule under the title, and every line of text with its place."""

    badge: tuple[int, int, int, int] | None
    title_size: int
    title_lines: list[str]
    rule: int
    texts: list[Text]


def _block(
    texts: list[Text],
    y: int,
    label: str,
    text: str,
    largest: int = 34,
    height: int = 100,
    colour: tuple[int, int, int] = INK,
) -> int:
    """A labelled line (or a few) of details, left of the QR code; the y below it."""
    texts.append(Text(PAD, y, nfc(label).upper(), 22, "S", MUTED))
    y += 32
    size, lines = fit(text, DETAILS, height, "S", largest)
    for line in lines:
        texts.append(Text(PAD, y, line, size, "S", colour))
        y += line_height(size)
    return y + 18


def layout(card: Card) -> Layout:
    """The card's layout, pure: the title in the largest type at which all of it fits its box."""
    texts = [
        Text(PAD, 40, "SÁNG KIẾN TIÊU BIỂU", 44, "B", WHITE),
        Text(PAD, 96, "Thư viện sáng kiến · Sáng tạo Live", 24, "S", PALE),
    ]
    y = 180
    badge = None
    if card.award:
        size, lines = fit(nfc(card.award), WIDTH - 40, 90, "B", 34)
        box = len(lines) * line_height(size) + 24
        badge = (PAD, y, SIZE[0] - PAD, y + box)
        for index, line in enumerate(lines):
            texts.append(Text(PAD + 20, y + 12 + index * line_height(size), line, size, "B", INK))
        y += box + 24
    title_size, title_lines = fit(card.title, WIDTH, TITLE_BOX - (y - 180))
    for line in title_lines:
        texts.append(Text(PAD, y, line, title_size, "B", BRAND))
        y += line_height(title_size)
    y = max(y + 40, 560)
    rule = y - 16
    y = _block(texts, y, "Đơn vị", card.unit or "–", height=80)
    y = _block(texts, y, "Tác giả", card.authors or "–", height=120)
    y = _block(texts, y, "Công nhận", card.recognition or "–", height=80)
    _block(texts, y, "Giá trị làm lợi", card.benefit, largest=38, height=90, colour=BRAND)
    texts.append(
        Text(SIZE[0] - PAD - QR_SIZE, SIZE[1] - PAD - 24, "Quét để xem chi tiết", 22, "S", MUTED)
    )
    return Layout(badge, title_size, title_lines, rule, texts)


def card_png(card: Card) -> bytes:
    """The card, as PNG bytes."""
    image = Image.new("RGB", SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE[0], 150), fill=BRAND)
    placed = layout(card)
    if placed.badge is not None:
        draw.rounded_rectangle(placed.badge, radius=16, fill=GOLD)
    for text in placed.texts:
        draw.text((text.x, text.y), text.text, font=font(text.size, text.weight), fill=text.colour)
    draw.line((PAD, placed.rule, SIZE[0] - PAD, placed.rule), fill=PALE, width=4)
    code = Image.open(io.BytesIO(qr.png(card.link))).convert("RGB")
    code = code.resize((QR_SIZE, QR_SIZE), Image.Resampling.NEAREST)
    image.paste(code, QR_AT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
