"""What the big screens show of the exhibition, asked for by ``display`` through signals (it may
not import this package): the exhibits for the wall, and the people's choice once released."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Event, EventStatus, Unit
from initiatives.models import Attachment, AttachmentKind, Initiative
from kiosk.models import Exhibit, Vote


def released(event: Event) -> bool:
    """The people's choice may be shown once the event's results are published."""
    return event.status == EventStatus.PUBLISHED


def exhibit_wall(event: Event, *, session: Session) -> list[dict[str, Any]]:
    """Every exhibit of the event by booth: title, unit, booth, QR code and photo addresses."""
    with_photo = set(
        session.scalars(
            select(Attachment.initiative_id)
            .join(Exhibit, Exhibit.initiative_id == Attachment.initiative_id)
            .where(Exhibit.event_id == event.id, Attachment.kind == AttachmentKind.PHOTO)
        )
    )
    rows = session.execute(
        select(Exhibit.qr_token, Exhibit.booth, Exhibit.initiative_id, Initiative.title, Unit.name)
        .join(Initiative, Initiative.id == Exhibit.initiative_id)
        .outerjoin(Unit, Unit.id == Initiative.unit_id)
        .where(Exhibit.event_id == event.id)
        .order_by(Exhibit.booth, Exhibit.id)
    ).tuples()
    # Built off the request too (the snapshot's background task): paths, from the URL map.
    paths = current_app.url_map.bind("")
    return [
        {
            "title": title,
            "unit": unit or "",
            "booth": booth,
            "qr": paths.build("kiosk.qr_svg", {"token": token}),
            "photo": paths.build("kiosk.photo", {"token": token})
            if initiative_id in with_photo
            else None,
        }
        for token, booth, initiative_id, title, unit in rows
    ]


def peoples_choice(event: Event, *, session: Session) -> list[dict[str, Any]] | None:
    """The exhibits by votes, the most voted first (equal counts share a rank), or None until
    released."""
    if not released(event):
        return None
    votes = func.count(Vote.id)
    rows = session.execute(
        select(Initiative.title, Unit.name, Exhibit.booth, votes)
        .select_from(Exhibit)
        .join(Initiative, Initiative.id == Exhibit.initiative_id)
        .outerjoin(Unit, Unit.id == Initiative.unit_id)
        .join(Vote, Vote.exhibit_id == Exhibit.id)
        .where(Exhibit.event_id == event.id)
        .group_by(Exhibit.id, Initiative.title, Unit.name, Exhibit.booth)
        .order_by(votes.desc(), Exhibit.booth)
        .limit(10)
    ).tuples()
    result: list[dict[str, Any]] = []
    for title, unit, booth, count in rows:
        rank = result[-1]["rank"] if result and result[-1]["votes"] == count else len(result) + 1
        result.append(
            {"rank": rank, "title": title, "unit": unit or "", "booth": booth, "votes": count}
        )
    return result
