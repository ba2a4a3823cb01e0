"""The organiser's dashboard (Bảng điều khiển): two feeds of ``core.realtime``.

``dashboard`` holds no score: the judging-progress matrix (each active judge against each entry
still in the contest, in running order), who has not submitted for the entry being pitched, the
counts, and when each sheet was submitted. Every organiser of the event may receive it.
``score_spread`` holds, per entry, the lowest, mean and highest counted total: only managers and
owners receive it (``scoring.events``). Both are built once per committed change whatever the
number of open dashboards, from a handful of grouped reads (never one per cell).
"""

from __future__ import annotations

from collections import Counter
from statistics import fmean
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Event, Round, utcnow
from core.realtime import Snapshot
from initiatives.models import Initiative
from scoring.assignments import COVERED, EXPECTED, RECUSED_FROM, pairs
from scoring.models import COUNTED, Entry, EntryStatus, Judge, ScoreSheet, SheetStatus
from scoring.standings import CONTEST, EVENT, contest_sheets, counted_sheets

FEED = "dashboard"
SCORES_FEED = "score_spread"

# The states of a cell of the matrix, as the page names them.
SUBMITTED = "submitted"
DRAFT = "draft"
RECUSED = "recused"
NOT_ASSIGNED = "not_assigned"
MISSING = "missing"


def cell_state(sheet: SheetStatus | None, *, recused: bool, covered: bool) -> str:
    """One cell: a recusal or another panel says first why no sheet is expected; then the sheet
    the judge sent, if any."""
    if recused:
        return RECUSED
    if not covered:
        return NOT_ASSIGNED
    if sheet in COUNTED:
        return SUBMITTED
    if sheet is not None:
        return DRAFT
    return MISSING


# The reads, built once with the event as a parameter (see scoring.standings): the dashboard
# is built again after every committed change.
_ENTRIES = (
    select(Entry.id, Entry.running_order, Initiative.title, Round.name, Entry.status)
    .join(Round, Round.id == Entry.round_id)
    .join(Initiative, Initiative.id == Entry.initiative_id)
    .where(Round.event_id == EVENT, CONTEST)
    .order_by(Round.position, Entry.running_order)
)
_JUDGES = (
    select(Judge.id, Judge.name, Judge.code)
    .where(Judge.event_id == EVENT, Judge.active.is_(True))
    .order_by(Judge.code, Judge.name)
)
_PAIRS = pairs(EVENT).where(Judge.active.is_(True))
_RECUSED = _PAIRS.where(RECUSED_FROM)
_COVERED = _PAIRS.where(COVERED)
_EXPECTED = _PAIRS.where(EXPECTED)
_SHEETS = contest_sheets(ScoreSheet.judge_id, ScoreSheet.entry_id, ScoreSheet.status)
_SUBMITTED_AT = contest_sheets(ScoreSheet.submitted_at).where(
    ScoreSheet.status.in_(COUNTED), ScoreSheet.submitted_at.is_not(None)
)


def _entries(session: Session, event: Event) -> list[tuple[int, int, str, str, EntryStatus]]:
    return list(session.execute(_ENTRIES, {"event_id": event.id}).tuples())


def compute_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """The dashboard as of ``version`` (read earlier in the same transaction)."""
    entries = _entries(session, event)
    live = [row for row in entries if row[4] != EntryStatus.WITHDRAWN]
    of_event = {"event_id": event.id}
    judges = session.execute(_JUDGES, of_event).all()
    recused = set(session.execute(_RECUSED, of_event).tuples())
    covered = set(session.execute(_COVERED, of_event).tuples())
    expected = set(session.execute(_EXPECTED, of_event).tuples())
    sheets: dict[tuple[int, int], SheetStatus] = {
        (judge_id, entry_id): status
        for judge_id, entry_id, status in session.execute(_SHEETS, of_event).tuples()
    }
    submitted_at = sorted(
        at.isoformat() for at in session.scalars(_SUBMITTED_AT, of_event) if at is not None
    )
    matrix = [
        {
            "judge": judge_id,
            "cells": [
                cell_state(
                    sheets.get((judge_id, entry_id)),
                    recused=(judge_id, entry_id) in recused,
                    covered=(judge_id, entry_id) in covered,
                )
                for entry_id, *_ in live
            ],
        }
        for judge_id, *_ in judges
    ]
    done = {pair for pair in expected if sheets.get(pair) in COUNTED}
    statuses = Counter(row[4].value for row in entries)
    drafts = sum(1 for status in sheets.values() if status == SheetStatus.DRAFT)
    names = {judge_id: name for judge_id, name, _code in judges}
    return {
        "event": event.slug,
        "version": version,
        "generated_at": utcnow().isoformat(),
        "counts": {
            "entries": {status.value: statuses.get(status.value, 0) for status in EntryStatus},
            "sheets": {"submitted": len(done), "expected": len(expected), "drafts": drafts},
            "judges": len(judges),
        },
        "entries": [
            {
                "id": entry_id,
                "order": order,
                "title": title,
                "round": round_name,
                "status": status.value,
            }
            for entry_id, order, title, round_name, status in live
        ],
        "judges": [
            {"id": judge_id, "name": name, "code": code or ""} for judge_id, name, code in judges
        ],
        "matrix": matrix,
        "pitching": [
            {
                "id": entry_id,
                "title": title,
                "waiting": sorted(
                    (names[j] for j, e in expected if e == entry_id and (j, e) not in done),
                ),
            }
            for entry_id, _order, title, _round, status in live
            if status == EntryStatus.PITCHING
        ],
        "submitted_at": submitted_at,
    }


def compute_spread(session: Session, event: Event, version: int) -> Snapshot:
    """Per entry still in the contest, in running order: the lowest, mean and highest of its
    counted totals (those of the standings), rounded to 0.01; None before the first."""
    totals: dict[int, list[float]] = {}
    for sheet in counted_sheets(session, event):
        if sheet.total is not None:
            totals.setdefault(sheet.entry_id, []).append(sheet.total)
    rows: list[dict[str, Any]] = []
    for entry_id, order, title, _round, status in _entries(session, event):
        if status == EntryStatus.WITHDRAWN:
            continue
        found = totals.get(entry_id, [])
        rows.append(
            {
                "id": entry_id,
                "order": order,
                "title": title,
                "n": len(found),
                "low": round(min(found), 2) if found else None,
                "mean": round(fmean(found), 2) if found else None,
                "high": round(max(found), 2) if found else None,
            }
        )
    return {"event": event.slug, "version": version, "entries": rows}
