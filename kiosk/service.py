"""Writes of the kiosk room."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kiosk.models import Visit


def record_visit(session: Session, exhibit_id: int, *, via_qr: bool) -> None:
    """Count an opening of an exhibit's page, for the organiser's visits chart."""
    session.add(Visit(exhibit_id=exhibit_id, via_qr=via_qr))
    session.flush()
