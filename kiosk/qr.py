"""What an exhibit's QR code says (drawn by ``core.qr``). URLs are upper-case so that the code
uses QR's alphanumeric mode: fewer modules, bigger ones, easier to scan off a poster.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def qr_text(public_url: str, token: str, route: str = "E") -> str:
    """``HTTP://HOST:PORT/E/TOKEN``: scheme and host ignore case, and ``/E/`` is routed (a
    ballot's code: ``route="B"``, ``/B/TOKEN``).

    A path prefix (a server behind ``https://host/sangtao``) keeps its case: paths have one.
    """
    parts = urlsplit(public_url)
    origin = f"{parts.scheme}://{parts.netloc}".upper()
    return f"{origin}{parts.path}/{route}/{token.upper()}"
