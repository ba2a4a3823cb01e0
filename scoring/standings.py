"""The standings snapshot: what the big screens and ``GET /api/v1/events/<slug>/standings`` show.

A snapshot is computed once per committed change and kept per event (in the app), keyed by the
event's ``standings_version``; every viewer gets the same object. The version is read in the same
transaction as, and before, the scores, so a snapshot never shows less than its version says.
"""

from __future__ import annotations

import threading
from typing import Any, cast

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from core.models import (
    Entry,
    EntryStatus,
    Event,
    Initiative,
    Judge,
    Recusal,
    Round,
    ScoreSheet,
    SheetStatus,
    utcnow,
)
from scoring import results

Snapshot = dict[str, Any]

_EXTENSION = "sangtao.standings"
_cache_lock = threading.Lock()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def rubric(event: Event) -> list[results.CriterionSpec]:
    """The event's criteria as the results maths takes them."""
    return [
        results.CriterionSpec(c.key, float(c.weight), float(c.max_score)) for c in event.criteria
    ]


def compute_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """Read the event's entries and submitted sheets and rank them (see scoring/results.py).

    ``version`` was read earlier in the same transaction, so the snapshot shows at least that.
    """
    criteria = rubric(event)
    entries = session.scalars(
        select(Entry)
        .join(Entry.round)
        .where(Round.event_id == event.id, Entry.status != EntryStatus.WITHDRAWN)
        .options(joinedload(Entry.initiative).joinedload(Initiative.unit))
        .order_by(Round.position, Entry.running_order)
    ).all()
    active = (Judge.event_id == event.id, Judge.active.is_(True))
    sheets = session.scalars(
        select(ScoreSheet)
        .join(ScoreSheet.judge)
        .where(
            *active,
            ScoreSheet.status.in_([SheetStatus.SUBMITTED, SheetStatus.VERIFIED]),
        )
        .options(selectinload(ScoreSheet.scores))
    ).all()
    keys = {c.id: c.key for c in event.criteria}
    ranked = results.standings(
        [entry.id for entry in entries],
        [
            results.Sheet(
                sheet.judge_id,
                sheet.entry_id,
                {
                    keys[s.criterion_id]: None if s.value is None else float(s.value)
                    for s in sheet.scores
                },
            )
            for sheet in sheets
        ],
        criteria,
        event.tie_break,
    )
    judges = session.scalar(select(func.count()).select_from(Judge).where(*active)) or 0
    recusals: dict[int, int] = dict(
        session.execute(
            select(Recusal.entry_id, func.count())
            .join(Judge)
            .where(*active)
            .group_by(Recusal.entry_id)
        )
        .tuples()
        .all()
    )
    by_id = {entry.id: entry for entry in entries}
    return {
        "event": event.slug,
        "version": version,
        "method": results.METHOD,
        "generated_at": utcnow().isoformat(),
        "entries": [
            {
                "rank": standing.rank,
                "entry_id": standing.entry_id,
                "title": by_id[standing.entry_id].initiative.title,
                "unit": _unit_name(by_id[standing.entry_id]),
                "score": _rounded(standing.score),
                "sheets": standing.sheets,
                "expected": judges - recusals.get(standing.entry_id, 0),
                "low": _rounded(standing.low),
                "high": _rounded(standing.high),
                "sd": _rounded(standing.sd),
                "tied": standing.tied,
            }
            for standing in ranked
        ],
    }


def _unit_name(entry: Entry) -> str:
    unit = entry.initiative.unit
    return unit.name if unit is not None else ""


def snapshot(session: Session, event: Event) -> Snapshot:
    """The current snapshot: from the cache when the event's version has not moved."""
    cache = cast(dict[int, Snapshot], current_app.extensions.setdefault(_EXTENSION, {}))
    version = session.scalar(select(Event.standings_version).where(Event.id == event.id))
    with _cache_lock:
        cached = cache.get(event.id)
    if cached is not None and cached["version"] == version:
        return cached
    fresh = compute_snapshot(session, event, version or 0)
    with _cache_lock:
        kept = cache.get(event.id)
        if kept is None or kept["version"] <= fresh["version"]:
            cache[event.id] = fresh
            kept = fresh
    return kept
