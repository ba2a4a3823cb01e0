"""The library asks where an initiative has been: scoring answers with its entries in the pitch
contest, and the prize each won once the event's results are published (before that they are
provisional, "Dự kiến", and the library does not show them)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.models import EventStatus, Round
from initiatives.appearances import Appearance
from initiatives.models import Initiative
from scoring.manage.results import PRIZE_NAMES
from scoring.models import Entry
from scoring.standings import compare


def _prize(session: Session, entry: Entry) -> str:
    event = entry.round.event
    if event.status != EventStatus.PUBLISHED:
        return ""
    comparison = compare(session, event)
    for compared in comparison.entries:
        if compared.entry_id == entry.id:
            prize = compared.prizes.get(comparison.method)
            return str(PRIZE_NAMES[prize]) if prize else ""
    return ""


def pitched(initiative: Initiative, session: Session) -> list[Appearance]:
    """Each entry of ``initiative``: the event, the round, and the prize it won."""
    entries = session.scalars(
        select(Entry)
        .where(Entry.initiative_id == initiative.id)
        .options(joinedload(Entry.round).joinedload(Round.event))
    )
    return [
        Appearance(
            entry.round.event.slug,
            entry.round.event.name,
            entry.round.event.held_on,
            _("Thi thuyết trình, %(round)s", round=entry.round.name),
            _prize(session, entry),
        )
        for entry in entries
    ]
