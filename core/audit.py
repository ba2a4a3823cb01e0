"""Writing the audit trail: one ``AuditLog`` row per change, named the same way everywhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from core.models import AuditLog, Organiser


def actor(organiser: Organiser) -> str:
    """How the audit log names an organiser who made a change."""
    return f"organiser:{organiser.id}"


def record(
    session: Session,
    who: Organiser | str,
    action: str,
    subject: str,
    *,
    event_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Add the row of a change to the session; ``who`` is an organiser, or an actor already
    named (``judge:7``)."""
    session.add(AuditLog(**_row(who, action, subject, event_id, before, after, reason)))


_INSERT = insert(AuditLog)


def write(
    connection: Connection,
    who: Organiser | str,
    action: str,
    subject: str,
    *,
    event_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Insert the row of a change at once, for a write that goes around the ORM (a judge's
    sheet: scoring.service.save_sheet)."""
    connection.execute(_INSERT, _row(who, action, subject, event_id, before, after, reason))


def _row(
    who: Organiser | str,
    action: str,
    subject: str,
    event_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "actor": actor(who) if isinstance(who, Organiser) else who,
        "action": action,
        "subject": subject,
        "before": before,
        "after": after,
        "reason": reason,
    }
