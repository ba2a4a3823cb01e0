"""Freezing the standings before the ceremony (đóng băng kết quả).

A freeze keeps the public standings as they were at the moment the Ban Tổ chức chose: the
standings feed (every big screen and phone, over Socket.IO), ``GET /api/v1/events/<slug>/
standings`` and the first snapshot of the screen's page all read ``scoring.standings.
compute_snapshot``, which returns the frozen snapshot while a freeze is in force. Freezing at
the source, rather than in each page, is what keeps a new reader from leaking: whatever shows the
standings to the public reads that one function.

The frozen snapshot carries the version it was frozen at, one more than any snapshot before it
(the freeze itself moves the event's version), so every client takes it; while it stands, the
copies sent after each new sheet carry that same version and the same content, and clients ignore
them. Lifting the freeze moves the version again, and the live standings come back.

Organisers and the jury chair are not the public: the dashboard, the results page and
``/api/v1/events/<slug>/results`` keep live numbers.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict
from core.models import Event, utcnow
from scoring.models import Freeze
from scoring.standings import live_snapshot


def current(session: Session, event: Event) -> Freeze | None:
    """The freeze in force for ``event``, if any."""
    return session.scalar(
        select(Freeze).where(Freeze.event_id == event.id, Freeze.lifted_at.is_(None))
    )


def freeze(session: Session, event: Event, actor: str) -> Freeze:
    """Freeze the public standings as they are now."""
    if current(session, event) is not None:
        raise Conflict("already_frozen", _("Kết quả đã được đóng băng."))
    frozen = Freeze(event_id=event.id, frozen_by=actor, snapshot={})
    session.add(frozen)
    session.flush()  # moves the event's version: the snapshot below is newer than any before
    version = session.scalar(select(Event.live_version).where(Event.id == event.id)) or 0
    snapshot = live_snapshot(session, event, version)
    frozen.snapshot = snapshot | {"frozen": True, "generated_at": frozen.frozen_at.isoformat()}
    audit.record(
        session,
        actor,
        "standings.freeze",
        f"event:{event.id}",
        event_id=event.id,
        after={"version": version},
    )
    session.flush()
    return frozen


def lift(session: Session, event: Event, actor: str) -> Freeze:
    """Lift the freeze in force: the public standings follow the sheets again."""
    frozen = current(session, event)
    if frozen is None:
        raise Conflict("not_frozen", _("Kết quả chưa được đóng băng."))
    frozen.lifted_at = utcnow()
    frozen.lifted_by = actor
    audit.record(
        session,
        actor,
        "standings.unfreeze",
        f"event:{event.id}",
        event_id=event.id,
        before={"version": frozen.snapshot.get("version")},
    )
    session.flush()
    return frozen
