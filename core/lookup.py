"""What a URL names, loaded in one place: the thing, or a 404 in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core import db
from core.errors import NotFound
from core.models import Event


def event_by_slug(slug: str) -> Event | None:
    return db.session().scalar(select(Event).where(Event.slug == slug))


def event_or_404(slug: str) -> Event:
    event = event_by_slug(slug)
    if event is None:
        raise NotFound("event_not_found", _("Không tìm thấy sự kiện."))
    return event
