"""QR codes that cheap phone cameras read, off a poster or a screen: error correction Q and a
4-module quiet zone."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage


def _code(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4, box_size=10)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    return code


def png(text: str) -> bytes:
    buffer = io.BytesIO()
    _code(text).make_image(image_factory=PilImage).save(buffer)
    return buffer.getvalue()


def svg(text: str) -> bytes:
    buffer = io.BytesIO()
    _code(text).make_image(image_factory=SvgPathImage).save(buffer)
    return buffer.getvalue()


def svg_data_uri(text: str) -> str:
    """For a page that shows a code once and keeps no file of it (a judge's new card)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(text)).decode()
