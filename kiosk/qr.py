"""QR codes for printing: error correction Q and a 4-module quiet zone, so that cheap phone
cameras read them off a poster. URLs are upper-case so that the code uses QR's alphanumeric
mode: fewer modules, bigger ones, easier to scan.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage


def qr_text(public_url: str, token: str) -> str:
    """``HTTP://HOST:PORT/E/TOKEN``: scheme and host ignore case, and ``/E/`` is routed.

    A path prefix (a server behind ``https://host/sangtao``) keeps its case: paths have one.
    """
    parts = urlsplit(public_url)
    origin = f"{parts.scheme}://{parts.netloc}".upper()
    return f"{origin}{parts.path}/E/{token.upper()}"


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
