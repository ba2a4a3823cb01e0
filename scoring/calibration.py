"""Vòng hiệu chuẩn: before the contest every judge scores the same sample pitch, then sees,
privately, how lenient and how spread they are against the panel, so that the jury agrees on the
scale before it matters. Calibration sheets never count (``scoring.standings.CONTEST``).

Per judge, over the submitted sheets of the calibration rounds:

- leniency = the judge's mean total minus the panel's mean total (points out of 100; above zero
  the judge scores higher than the panel);
- spread = the population standard deviation of the judge's criterion scores, each as a
  percentage of its maximum, beside the panel's mean of the same: a judge far below it keeps
  every criterion near one mark, far above it uses the whole scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Event, Round, RoundKind
from scoring.models import COUNTED, Criterion, Entry, Judge, Score, ScoreSheet


@dataclass(frozen=True)
class CalibrationSheet:
    judge_id: int
    total: float
    percentages: tuple[float, ...]  # each criterion's score as a percentage of its maximum


@dataclass(frozen=True)
class Feedback:
    judge_id: int
    sheets: int
    mean: float
    leniency: float
    spread: float
    panel_mean: float
    panel_spread: float


def _sd(values: Sequence[float]) -> float:
    centre = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / len(values))


def feedback(sheets: Sequence[CalibrationSheet]) -> dict[int, Feedback]:
    """Each judge's leniency and spread against the panel (see the module's rules)."""
    if not sheets:
        return {}
    by_judge: dict[int, list[CalibrationSheet]] = {}
    for sheet in sheets:
        by_judge.setdefault(sheet.judge_id, []).append(sheet)
    panel_mean = math.fsum(sheet.total for sheet in sheets) / len(sheets)
    spreads = {
        judge_id: _sd([p for sheet in own for p in sheet.percentages] or [0.0])
        for judge_id, own in by_judge.items()
    }
    panel_spread = math.fsum(spreads.values()) / len(spreads)
    found: dict[int, Feedback] = {}
    for judge_id, own in by_judge.items():
        mean = math.fsum(sheet.total for sheet in own) / len(own)
        found[judge_id] = Feedback(
            judge_id,
            len(own),
            mean,
            mean - panel_mean,
            spreads[judge_id],
            panel_mean,
            panel_spread,
        )
    return found


def calibration_sheets(session: Session, event: Event) -> list[CalibrationSheet]:
    """The submitted sheets of the event's calibration rounds, with a total."""
    maxima = {
        c.id: float(c.max_score)
        for c in session.scalars(select(Criterion).where(Criterion.event_id == event.id))
    }
    rows = session.execute(
        select(ScoreSheet.id, ScoreSheet.judge_id, ScoreSheet.total)
        .join(Judge, Judge.id == ScoreSheet.judge_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(Round, Round.id == Entry.round_id)
        .where(
            Judge.event_id == event.id,
            Round.kind == RoundKind.CALIBRATION,
            ScoreSheet.status.in_(COUNTED),
            ScoreSheet.total.is_not(None),
        )
    ).tuples()
    sheets = {sheet_id: (judge_id, total) for sheet_id, judge_id, total in rows}
    percentages: dict[str, list[float]] = {sheet_id: [] for sheet_id in sheets}
    if sheets:
        scores = session.execute(
            select(Score.sheet_id, Score.criterion_id, Score.value).where(
                Score.sheet_id.in_(sheets)
            )
        ).tuples()
        for sheet_id, criterion_id, value in scores:
            if value is not None and maxima.get(criterion_id):
                percentages[sheet_id].append(100 * float(value) / maxima[criterion_id])
    return [
        CalibrationSheet(judge_id, total, tuple(percentages[sheet_id]))
        for sheet_id, (judge_id, total) in sheets.items()
        if total is not None
    ]


def has_calibration(session: Session, event: Event) -> bool:
    found = session.scalar(
        select(Round.id).where(Round.event_id == event.id, Round.kind == RoundKind.CALIBRATION)
    )
    return found is not None
