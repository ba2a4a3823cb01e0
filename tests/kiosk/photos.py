"""Small generated pictures for the kiosk's tests."""

from __future__ import annotations

import io

from PIL import Image


def picture(width: int = 2400, height: int = 1200, kind: str = "PNG", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, kind, **save)
    return out.getvalue()
