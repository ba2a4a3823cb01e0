"""Writing the audit trail: one ``AuditLog`` row per change, named the same way everywhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from core.models import AuditLog, Organiser


def actor(organiser: Organiser) -> str:
    """How the audit log names an organiser who made a change."""
    return f"organiser:{organiser.id}"


_INSERT = insert(AuditLog)


def record(
    into: Session | Connection,
    who: Organiser | str,
    action: str,
    subject: str,
    *,
    event_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Add the row of a change to the session, or insert it at once through a connection (a
    write that goes around the ORM: scoring.service.save_sheet); ``who`` is an organiser, or an
    actor already named (``judge:7``)."""
    row = {
        "event_id": event_id,
        "actor": actor(who) if isinstance(who, Organiser) else who,
        "action": action,
        "subject": subject,
        "before": before,
        "after": after,
        "reason": reason,
    }
    if isinstance(into, Connection):
        into.execute(_INSERT, row)
    else:
        into.add(AuditLog(**row))
