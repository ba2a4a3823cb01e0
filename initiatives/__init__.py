"""The standardized initiative record, which outlives every event: the initiative library."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from initiatives import models  # noqa: F401  (the records are mapped before any query)
