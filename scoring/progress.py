"""How judging is going: per judge, the sheets submitted out of those expected of them; and the
sheets that a recusal took out of the count."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Event, Round
from initiatives.models import Initiative
from scoring.assignments import TO_SCORE, pairs
from scoring.models import COUNTED, Entry, Judge, Recusal, ScoreSheet, SheetStatus
from scoring.standings import contest_sheets


@dataclass(frozen=True)
class JudgeProgress:
    judge: Judge
    submitted: int
    drafts: int
    expected: int


def judging_progress(session: Session, event: Event) -> list[JudgeProgress]:
    """Each judge of the event, active first, with their count of submitted and draft sheets
    out of the entries they have to score (``scoring.assignments``: still in the contest, not
    recused from, in their panels)."""
    to_score = pairs(event.id).where(TO_SCORE).subquery()
    expected = dict(
        session.execute(select(to_score.c.judge_id, func.count()).group_by(to_score.c.judge_id))
        .tuples()
        .all()
    )
    sheets: dict[tuple[int, bool], int] = {
        (judge_id, counted): count
        for judge_id, counted, count in session.execute(
            contest_sheets(ScoreSheet.judge_id, ScoreSheet.status.in_(COUNTED), func.count())
            .where(TO_SCORE)
            .group_by(ScoreSheet.judge_id, ScoreSheet.status.in_(COUNTED)),
            {"event_id": event.id},
        ).tuples()
    }
    judges = session.scalars(
        select(Judge).where(Judge.event_id == event.id).order_by(Judge.active.desc(), Judge.name)
    )
    return [
        JudgeProgress(
            judge,
            sheets.get((judge.id, True), 0),
            sheets.get((judge.id, False), 0),
            expected.get(judge.id, 0),
        )
        for judge in judges
    ]


@dataclass(frozen=True)
class SetAside:
    """A sheet of a judge later recused from its entry: kept, never counted."""

    judge: Judge
    entry_id: int
    title: str
    status: SheetStatus
    total: float | None
    reason: str


def set_aside_sheets(session: Session, event: Event) -> list[SetAside]:
    """The event's sheets that a recusal took out of the count, by judge and running order."""
    rows = session.execute(
        select(
            Judge, Entry.id, Initiative.title, ScoreSheet.status, ScoreSheet.total, Recusal.reason
        )
        .join(ScoreSheet, ScoreSheet.judge_id == Judge.id)
        .join(
            Recusal,
            (Recusal.judge_id == ScoreSheet.judge_id) & (Recusal.entry_id == ScoreSheet.entry_id),
        )
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(Round, Round.id == Entry.round_id)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(Judge.event_id == event.id)
        .order_by(Judge.name, Round.position, Entry.running_order)
    ).tuples()
    return [SetAside(*row) for row in rows]
