"""Writes of the organiser's console on events: create one, copy one, move one along its
lifecycle (``draft -> open -> scoring -> locked -> published``). The caller commits.

Core knows no rubric, judge or sheet: what the other packages add to a new or copied event, and
what stops a change of status, they say through the signals ``event_created``, ``event_copied``
and ``event_transition_checks`` (``core/signals.py``), inside the same write transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, signals
from core.errors import Conflict, Invalid
from core.i18n import nfc
from core.models import (
    Event,
    EventMember,
    EventRole,
    EventStatus,
    Organiser,
    Round,
    Unit,
)

MAX_NAME = 300  # Event.name's column
MAX_VENUE = 300  # Event.venue's column
# Event.slug holds 64 characters: room for a "-NNN" that makes it unique.
SLUG_LENGTH = 56
DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
UNIT_ID = re.compile(r"\d{1,9}")  # within PostgreSQL's 32-bit integer

NEXT_STATUS = {
    EventStatus.DRAFT: EventStatus.OPEN,
    EventStatus.OPEN: EventStatus.SCORING,
    EventStatus.SCORING: EventStatus.LOCKED,
    EventStatus.LOCKED: EventStatus.PUBLISHED,
}
# The steps back: pause the scoring; reopen it after a lock. Published results stay published.
PREVIOUS_STATUS = {
    EventStatus.SCORING: EventStatus.OPEN,
    EventStatus.LOCKED: EventStatus.SCORING,
}
SEALED = frozenset({EventStatus.LOCKED, EventStatus.PUBLISHED})


@dataclass(frozen=True)
class EventInput:
    """An event's form, read and checked (:func:`read_event_form`)."""

    name: str
    held_on: date
    venue: str
    unit_id: int | None


@dataclass(frozen=True)
class Blocker:
    """What stops a change of status, in the reader's language. One that may be ``overridden``
    is a warning: the owner may go on after ticking that they have read it."""

    message: str
    overridable: bool = False


class Blocked(Conflict):
    """A change of status that something stops; ``blockers`` says what."""

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__(
            "transition_blocked",
            " ".join(blocker.message for blocker in blockers),
            blockers=[blocker.message for blocker in blockers],
        )
        self.blockers = blockers


def parse_day(text: str) -> date | None:
    """A date as the users write it, dd/mm/yyyy (zero padding optional); None if it is not one."""
    match = DAY.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_event_form(session: Session, form: Mapping[str, str]) -> EventInput:
    """The name, date, venue and organising unit of an event's form, or ``Invalid`` with a
    message per field in ``details["fields"]``."""
    name = nfc(form.get("name", "")).strip()
    venue = nfc(form.get("venue", "")).strip()
    unit = form.get("unit", "").strip()
    held_on = parse_day(form.get("held_on", ""))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Hãy nhập tên sự kiện.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("Tên sự kiện dài quá %(limit)s ký tự.", limit=MAX_NAME)
    if held_on is None:
        errors["held_on"] = _("Hãy nhập ngày tổ chức theo dạng ngày/tháng/năm, ví dụ 05/12/2026.")
    if len(venue) > MAX_VENUE:
        errors["venue"] = _("Địa điểm dài quá %(limit)s ký tự.", limit=MAX_VENUE)
    unit_id = int(unit) if UNIT_ID.fullmatch(unit) else None
    if unit and (unit_id is None or session.get(Unit, unit_id) is None):
        errors["unit"] = _("Đơn vị này không có trong danh sách.")
    if errors or held_on is None:
        raise Invalid("invalid_event", _("Hãy sửa các ô được đánh dấu."), fields=errors)
    return EventInput(name, held_on, venue, unit_id)


def slug_of(name: str) -> str:
    """The address of an event made from its name: "Ngày hội Đà Nẵng" becomes
    "ngay-hoi-da-nang" (letters without their marks, lower case, hyphens)."""
    text = nfc(name).lower().replace("đ", "d")
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", bare).strip("-")
    if len(slug) > SLUG_LENGTH:  # cut between words where there is one
        cut = slug[: SLUG_LENGTH + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:SLUG_LENGTH]
    return slug or "su-kien"


def free_slug(session: Session, name: str) -> str:
    """:func:`slug_of` the name, with "-2", "-3"... if an event already has it."""
    base = slug_of(name)
    taken = set(session.scalars(select(Event.slug).where(Event.slug.startswith(base))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _described(event: Event) -> dict[str, Any]:
    """What the audit log keeps of an event's identity."""
    return {
        "slug": event.slug,
        "name": event.name,
        "held_on": event.held_on.isoformat(),
        "venue": event.venue,
        "unit": event.unit_id,
        "status": event.status.value,
    }


def _new_event(session: Session, organiser: Organiser, data: EventInput, **settings: Any) -> Event:
    """A draft event owned by ``organiser``, flushed."""
    event = Event(
        slug=free_slug(session, data.name),
        name=data.name,
        held_on=data.held_on,
        venue=data.venue,
        unit_id=data.unit_id,
        status=EventStatus.DRAFT,
        **settings,
    )
    session.add(event)
    session.add(EventMember(event=event, organiser_id=organiser.id, role=EventRole.OWNER))
    session.flush()
    return event


def create_event(session: Session, organiser: Organiser, data: EventInput) -> Event:
    """A new event in draft, owned by whoever created it, with every package's defaults (the
    default rubric and the final round: ``signals.event_created``)."""
    event = _new_event(session, organiser, data)
    signals.event_created.send(event, session=session)
    audit.record(
        session,
        organiser,
        "event.created",
        f"event:{event.id}",
        event_id=event.id,
        after=_described(event),
    )
    session.flush()
    return event


def copy_event(
    session: Session, source: Event, organiser: Organiser, data: EventInput, *, judges: bool
) -> tuple[Event, list[str]]:
    """A new event in draft, owned by ``organiser``, set up like ``source``: its settings and
    rounds (no entries), and what the packages copy (``signals.event_copied``: the rubric, and
    the judges if ``judges``). Returns the copy and the packages' notes for the organiser."""
    copy = _new_event(
        session,
        organiser,
        data,
        aggregation=source.aggregation,
        tie_break=list(source.tie_break),
        min_prize_score=source.min_prize_score,
    )
    rounds = session.scalars(
        select(Round).where(Round.event_id == source.id).order_by(Round.position)
    )
    session.add_all(
        Round(event=copy, name=row.name, position=row.position, kind=row.kind) for row in rounds
    )
    session.flush()
    notes: list[str] = []
    for _receiver, said in signals.event_copied.send(
        source, copy=copy, session=session, judges=judges
    ):
        notes.extend(said or [])
    audit.record(
        session,
        organiser,
        "event.copied",
        f"event:{copy.id}",
        event_id=copy.id,
        after=_described(copy) | {"source": source.slug, "judges": judges},
    )
    session.flush()
    return copy, notes


def role_to_move(current: EventStatus, target: EventStatus) -> EventRole:
    """Who may make a change of status: a manager runs the day; locking, publishing and
    reopening locked results are the owner's."""
    return EventRole.OWNER if {current, target} & SEALED else EventRole.MANAGER


def transition_blockers(session: Session, event: Event, target: EventStatus) -> list[Blocker]:
    """What stops ``event`` from moving to ``target``, as every package sees it."""
    found: list[Blocker] = []
    for _receiver, said in signals.event_transition_checks.send(
        event, target=target, session=session
    ):
        found.extend(said or [])
    return found


def change_status(
    session: Session, event: Event, target: EventStatus, actor: str, *, override: bool = False
) -> None:
    """Move ``event`` one step along its lifecycle, or one step back, unless something stops it
    (:class:`Blocked`); ``override`` accepts the warnings that allow it.

    Locking the event locks and seals every round still open (``signals.event_status_changed``),
    so that no sheet changes any more; reopening the scoring leaves the rounds locked: each is
    reopened with its own reason on the chair's console.
    """
    locked = session.scalar(select(Event).where(Event.id == event.id).with_for_update())
    assert locked is not None  # events are never deleted while their page is open
    current = locked.status
    if target not in (NEXT_STATUS.get(current), PREVIOUS_STATUS.get(current)):
        raise Conflict(
            "transition_not_allowed",
            _("Trạng thái của sự kiện vừa thay đổi; hãy tải lại trang rồi thử lại."),
        )
    blockers = transition_blockers(session, locked, target)
    if any(not (override and blocker.overridable) for blocker in blockers):
        raise Blocked(blockers)
    locked.status = target
    signals.event_status_changed.send(locked, session=session, before=current, actor=actor)
    audit.record(
        session,
        actor,
        "event.status",
        f"event:{locked.id}",
        event_id=locked.id,
        before={"status": current.value},
        after={"status": target.value},
        # The warnings the owner read and went past.
        reason=" ".join(blocker.message for blocker in blockers)[:500],
    )
    session.flush()
