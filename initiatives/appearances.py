"""Where an initiative has been: the events it appeared in, and the awards it won there.

The library may not import the packages that know (``kiosk`` has the exhibits, ``scoring`` the
entries and their prizes), so it asks them through ``signals.initiative_appearances``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from core import signals
from initiatives.models import Initiative


@dataclass(frozen=True)
class Appearance:
    """One appearance of an initiative at an event: ``what`` it was there (a booth, a round of
    the pitch contest), in the reader's language, and ``award``, the prize it won, if any and
    once the results are published."""

    event_slug: str
    event_name: str
    held_on: date
    what: str
    award: str = ""


def appearances(session: Session, initiative: Initiative) -> list[Appearance]:
    """Every appearance of ``initiative``, the latest event first."""
    found: list[Appearance] = []
    for _receiver, answered in signals.initiative_appearances.send(initiative, session=session):
        found.extend(answered or [])
    return sorted(found, key=lambda seen: (seen.held_on, seen.event_slug), reverse=True)
