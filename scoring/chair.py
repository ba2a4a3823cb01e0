"""What the jury chair (Chủ tịch Hội đồng) reads on the console: per round, the progress matrix,
raw beside adjusted, the outliers to resolve, each sheet in detail, and what stops the lock.

An outlier is a counted sheet whose total lies further than the event's threshold
(``Event.outlier_threshold``, 15 points by default) from the median of its entry's panel: the
chair looks at it and resolves it with a note (``ScoreSheet.outlier_note``) before the round
locks. Only the chair and the event's managers read any of this; judges never see each other's
scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Round
from core.service import Blocker
from initiatives.models import Initiative
from scoring.assignments import COVERED, EXPECTED, RECUSED_FROM, pairs
from scoring.dashboard import cell_state
from scoring.models import (
    COUNTED,
    RECUSED,
    Criterion,
    Entry,
    EntryStatus,
    Judge,
    Score,
    ScoreSheet,
    SheetStatus,
)
from scoring.standings import Compared, compare


def outliers(totals: Sequence[tuple[str, int, float]], threshold: float) -> dict[str, float]:
    """The sheets far from their panel: ``totals`` are (sheet id, entry id, total); the answer
    maps each sheet further than ``threshold`` from its entry's median to its signed distance.
    A panel of one has no median to be far from."""
    panels: dict[int, list[float]] = {}
    for _sheet, entry_id, total in totals:
        panels.setdefault(entry_id, []).append(total)
    found: dict[str, float] = {}
    for sheet_id, entry_id, total in totals:
        panel = panels[entry_id]
        if len(panel) < 2:
            continue
        distance = total - median(panel)
        if abs(distance) > threshold + 1e-9:
            found[sheet_id] = distance
    return found


@dataclass(frozen=True)
class SheetRow:
    """A counted or draft sheet of the round, as the console lists it."""

    id: str
    judge: Judge
    entry_id: int
    title: str
    status: SheetStatus
    total: float | None
    outlier: float | None
    outlier_note: str


@dataclass(frozen=True)
class Console:
    round: Round
    entries: list[tuple[int, int, str]]
    judges: list[Judge]
    matrix: list[tuple[Judge, list[str]]]
    sheets: list[SheetRow]
    compared: list[Compared]

    @property
    def unresolved(self) -> list[SheetRow]:
        return [row for row in self.sheets if row.outlier is not None and not row.outlier_note]

    @property
    def flagged(self) -> list[SheetRow]:
        return [row for row in self.sheets if row.outlier is not None]


def _round_sheets(session: Session, round_: Round) -> list[SheetRow]:
    rows = session.execute(
        select(ScoreSheet, Judge, Initiative.title, RECUSED)
        .join(Judge, Judge.id == ScoreSheet.judge_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(Entry.round_id == round_.id, Entry.status != EntryStatus.WITHDRAWN)
        .order_by(Entry.running_order, Judge.code, Judge.name)
    ).tuples()
    listed = [(sheet, judge, title) for sheet, judge, title, recused in rows if not recused]
    counted = [
        (sheet.id, sheet.entry_id, sheet.total)
        for sheet, judge, _title in listed
        if judge.active and sheet.status in COUNTED and sheet.total is not None
    ]
    flags = outliers(counted, float(round_.event.outlier_threshold))
    return [
        SheetRow(
            sheet.id,
            judge,
            sheet.entry_id,
            title,
            sheet.status,
            sheet.total,
            flags.get(sheet.id),
            sheet.outlier_note,
        )
        for sheet, judge, title in listed
    ]


def console(session: Session, round_: Round) -> Console:
    """The round on the chair's console; the matrix's cells follow the dashboard's states."""
    entries = list(
        session.execute(
            select(Entry.id, Entry.running_order, Initiative.title)
            .join(Initiative, Initiative.id == Entry.initiative_id)
            .where(Entry.round_id == round_.id, Entry.status != EntryStatus.WITHDRAWN)
            .order_by(Entry.running_order)
        ).tuples()
    )
    judges = list(
        session.scalars(
            select(Judge)
            .where(Judge.event_id == round_.event_id, Judge.active.is_(True))
            .order_by(Judge.code, Judge.name)
        )
    )
    in_round = pairs(round_.event_id).where(Round.id == round_.id, Judge.active.is_(True))
    recused = set(session.execute(in_round.where(RECUSED_FROM)).tuples())
    covered = set(session.execute(in_round.where(COVERED)).tuples())
    sheets = _round_sheets(session, round_)
    status = {(row.judge.id, row.entry_id): row.status for row in sheets}
    matrix = [
        (
            judge,
            [
                cell_state(
                    status.get((judge.id, entry_id)),
                    recused=(judge.id, entry_id) in recused,
                    covered=(judge.id, entry_id) in covered,
                )
                for entry_id, _order, _title in entries
            ],
        )
        for judge in judges
    ]
    ids = {entry_id for entry_id, _order, _title in entries}
    compared = [row for row in compare(session, round_.event).entries if row.entry_id in ids]
    return Console(round_, entries, judges, matrix, sheets, compared)


def round_blockers(session: Session, round_: Round) -> list[Blocker]:
    """What stops the round from locking: a draft, an outlier not resolved; a sheet not sent
    yet is a warning the chair may accept (a judge who fell ill)."""
    expected = pairs(round_.event_id).where(Round.id == round_.id, EXPECTED).subquery()
    wanted = session.scalar(select(func.count()).select_from(expected)) or 0
    sent = dict(
        session.execute(
            select(ScoreSheet.status.in_(COUNTED), func.count())
            .join(
                expected,
                (expected.c.judge_id == ScoreSheet.judge_id)
                & (expected.c.entry_id == ScoreSheet.entry_id),
            )
            .group_by(ScoreSheet.status.in_(COUNTED))
        )
        .tuples()
        .all()
    )
    drafts, submitted = sent.get(False, 0), sent.get(True, 0)
    found: list[Blocker] = []
    if drafts:
        found.append(Blocker(_("%(count)s phiếu chấm còn ở dạng nháp.", count=drafts)))
    unresolved = [row for row in _round_sheets(session, round_) if row.outlier is not None]
    unresolved = [row for row in unresolved if not row.outlier_note]
    if unresolved:
        found.append(
            Blocker(
                _(
                    "%(count)s phiếu chấm lệch xa trung vị của tiểu ban chưa được xử lý.",
                    count=len(unresolved),
                )
            )
        )
    missing = wanted - drafts - submitted
    if missing > 0:
        found.append(
            Blocker(
                _("%(count)s phiếu chấm chưa có: giám khảo chưa chấm bài.", count=missing),
                overridable=True,
            )
        )
    return found


@dataclass(frozen=True)
class SheetDetail:
    sheet: ScoreSheet
    scores: list[tuple[Criterion, Score | None]]


def sheet_detail(session: Session, sheet: ScoreSheet) -> SheetDetail:
    """A sheet with each criterion of the rubric beside its score (None: never touched)."""
    by_criterion = {score.criterion_id: score for score in sheet.scores}
    rubric = session.scalars(
        select(Criterion)
        .where(Criterion.event_id == sheet.judge.event_id)
        .order_by(Criterion.position)
    )
    return SheetDetail(sheet, [(c, by_criterion.get(c.id)) for c in rubric])
