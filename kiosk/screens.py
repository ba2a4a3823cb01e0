"""What the big screens show of the exhibition, asked for by ``display`` through signals (it may
not import this package): the approved exhibits for the wall, and the people's choice once the
organiser has released it (``kiosk.ballots.tally``, the one count there is)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Event
from initiatives.models import Attachment, AttachmentKind
from kiosk.ballots import tally, votable_exhibits

# The wall and the screens show the first ten of the people's choice.
SHOWN = 10


def exhibit_wall(event: Event, *, session: Session) -> list[dict[str, Any]]:
    """The exhibits on show, by booth: title, unit, booth, QR code and first photo addresses."""
    # Built off the request too (the snapshot's background task): paths, from the URL map.
    paths = current_app.url_map.bind("")
    exhibits = votable_exhibits(session, event)
    # Each initiative's first photo in one read, not a read of its attachments per exhibit.
    first_photo = dict(
        session.execute(
            select(Attachment.initiative_id, func.min(Attachment.id))
            .where(
                Attachment.kind == AttachmentKind.PHOTO,
                Attachment.initiative_id.in_({e.initiative_id for e in exhibits}),
            )
            .group_by(Attachment.initiative_id)
        )
        .tuples()
        .all()
    )
    wall: list[dict[str, Any]] = []
    for exhibit in exhibits:
        photo = first_photo.get(exhibit.initiative_id)
        token = exhibit.qr_token
        wall.append(
            {
                "title": exhibit.initiative.title,
                "unit": exhibit.initiative.unit.name if exhibit.initiative.unit else "",
                "booth": exhibit.booth,
                "qr": paths.build("kiosk.qr_svg", {"token": token}),
                "photo": paths.build("kiosk.photo", {"token": token, "photo_id": photo})
                if photo is not None
                else None,
            }
        )
    return wall


def peoples_choice(event: Event, *, session: Session) -> list[dict[str, Any]] | None:
    """The exhibits by votes, the most voted first (equal counts share a rank), or None until
    released. An exhibit nobody voted for is not listed: "0 phiếu bầu" tied at the last rank
    would fill the screen."""
    counted = tally(session, event)
    if counted is None:
        return None
    return [
        {
            "rank": row.rank,
            "title": row.exhibit.initiative.title,
            "unit": row.exhibit.initiative.unit.name if row.exhibit.initiative.unit else "",
            "booth": row.exhibit.booth,
            "votes": row.votes,
        }
        for row in counted[:SHOWN]
        if row.votes
    ]
