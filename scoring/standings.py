"""The standings snapshot: what the big screens and ``GET /api/v1/events/<slug>/standings`` show.

It is the ``standings`` feed of ``core.realtime``: built once per committed change, off the
request, and cached per event by its version. The read behind it is cheap: columns rather than
ORM objects, each sheet's total as stored when it was saved, and of the scores only those of the
criteria that break ties. The entries are ranked by the event's method (``Event.aggregation``).
A judge's sheet is not even read: its save says how it changes the tally kept with the
snapshot (:func:`follow_sheet`), and the next standings are made from that, right after the
commit.

The same reads feed :func:`compare`: every method side by side, for the chair and the managers
(``GET /api/v1/events/<slug>/results`` and the results page), never for the screens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Double,
    Select,
    bindparam,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from core import realtime
from core.models import Event, EventStatus, Round, RoundKind, RoundStatus, Unit, utcnow
from core.realtime import Snapshot
from initiatives.models import Initiative
from scoring import results
from scoring.assignments import EXPECTED, pairs
from scoring.models import (
    COUNTED,
    RECUSED,
    Entry,
    EntryStatus,
    Freeze,
    Judge,
    Score,
    ScoreSheet,
)
from scoring.rubric import criteria

FEED = "standings"

# Calibration rounds (Vòng hiệu chuẩn) never count: no standing, result, count or export reads
# their entries or sheets.
CONTEST: ColumnElement[bool] = Round.kind == RoundKind.CONTEST


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# The reads are built once, with the event as a parameter: building a statement and its cache
# key costs SQLAlchemy several times what SQLite takes to run it, after every committed change.
EVENT: BindParameter[int] = bindparam("event_id")


def contest_sheets(*columns: Any) -> Select[Any]:
    """``columns`` of the sheets of the event's (:data:`EVENT`) contest rounds, whatever their
    status: the sheet first, joined to its judge, entry and round."""
    return (
        select(*columns)
        .join(Judge, Judge.id == ScoreSheet.judge_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .join(Round, Round.id == Entry.round_id)
        .where(Judge.event_id == EVENT, CONTEST)
    )


def event_entries(*columns: Any) -> Select[Any]:
    """``columns`` of the event's (:data:`EVENT`) entries, of every round and status: the entry
    first, joined to its initiative and round."""
    return (
        select(*columns)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .join(Round, Round.id == Entry.round_id)
        .where(Round.event_id == EVENT)
    )


_COUNTED_TOTALS = contest_sheets(
    ScoreSheet.id, ScoreSheet.judge_id, ScoreSheet.entry_id, ScoreSheet.total, Entry.round_id
).where(
    Judge.active.is_(True),
    ScoreSheet.status.in_(COUNTED),
    ScoreSheet.total.is_not(None),
    ~RECUSED,
)
_SCORES_OF = select(Score.sheet_id, Score.criterion_id, type_coerce(Score.value, Double)).where(
    Score.criterion_id.in_(bindparam("criteria", expanding=True))
)
_ENTRIES = (
    select(Entry.id, Initiative.title, Unit.name)
    .join(Round, Round.id == Entry.round_id)
    .join(Initiative, Initiative.id == Entry.initiative_id)
    .outerjoin(Unit, Unit.id == Initiative.unit_id)
    .where(Round.event_id == EVENT, CONTEST, Entry.status != EntryStatus.WITHDRAWN)
    .order_by(Round.position, Entry.running_order)
)
_CONSENSUS = (
    select(Entry.id, Entry.consensus_score)
    .join(Round, Round.id == Entry.round_id)
    .where(Round.event_id == EVENT, CONTEST, Entry.consensus_score.is_not(None))
)
_OPEN_ROUND = (
    select(Round.id)
    .where(Round.event_id == EVENT, CONTEST, Round.status != RoundStatus.LOCKED)
    .limit(1)
)
_FROZEN = select(Freeze.snapshot).where(Freeze.event_id == EVENT, Freeze.lifted_at.is_(None))
_EXPECTED_PAIRS = pairs(EVENT).where(EXPECTED).subquery()
_EXPECTED_SHEETS = select(_EXPECTED_PAIRS.c.entry_id, func.count()).group_by(
    _EXPECTED_PAIRS.c.entry_id
)


def counted_sheets(session: Session, event: Event) -> list[results.Sheet]:
    """The submitted sheets of the event's active judges, but for those of a recused judge,
    with the tie-breaking scores and their entry's round."""
    return list(_counted(session, event, _breaking(session, event)).values())


def _breaking(session: Session, event: Event) -> dict[int, str]:
    """The keys of the criteria that break the event's ties, by criterion id."""
    rules = set(event.tie_break) - {results.UNTRIMMED_MEAN}
    return {c.id: c.key for c in criteria(session, event.id) if c.key in rules}


def _counted(session: Session, event: Event, keys: Mapping[int, str]) -> dict[str, results.Sheet]:
    """:func:`counted_sheets` by sheet id, with the scores of the criteria ``keys``.

    Two plain reads, joined here: SQLite joins the score table slower than Python does.
    """
    connection = session.connection()  # Core rows: the ORM's loading costs more than the read
    totals = connection.execute(_COUNTED_TOTALS, {"event_id": event.id}).all()
    scores: dict[str, dict[str, float | None]] = {sheet_id: {} for sheet_id, *_ in totals}
    if keys:
        for sheet_id, criterion_id, value in connection.execute(
            _SCORES_OF, {"criteria": list(keys)}
        ):
            if sheet_id in scores:
                scores[sheet_id][keys[criterion_id]] = value
    return {
        sheet_id: results.Sheet(judge_id, entry_id, total, scores[sheet_id], round_id)
        for sheet_id, judge_id, entry_id, total, round_id in totals
    }


def _entries(session: Session, event: Event) -> list[tuple[int, str, str]]:
    """The event's entries still in the contest, in running order: id, title, unit."""
    rows = session.execute(_ENTRIES, {"event_id": event.id}).tuples()
    return [(entry_id, title, unit or "") for entry_id, title, unit in rows]


def consensus_scores(session: Session, event: Event) -> dict[int, float]:
    """The scores the jury agreed (``Entry.consensus_score``), by entry: they replace the
    computed ones under every method (``scoring.results.agreed``)."""
    rows = session.execute(_CONSENSUS, {"event_id": event.id}).tuples()
    return {entry_id: score for entry_id, score in rows if score is not None}


def provisional(session: Session, event: Event) -> bool:
    """Standings are "Dự kiến" until the jury approves them: until the chair has locked (and so
    sealed) every contest round, or the organisers have locked or published the results."""
    if event.status in (EventStatus.LOCKED, EventStatus.PUBLISHED):
        return False
    return session.scalar(_OPEN_ROUND, {"event_id": event.id}) is not None


def frozen_snapshot(session: Session, event: Event) -> Snapshot | None:
    """The snapshot of the freeze in force (see ``scoring.freeze``), or None."""
    return session.scalar(_FROZEN, {"event_id": event.id})


@dataclass(frozen=True)
class Tally:
    """What an event's live standings are made of: the entries in the contest and what no
    judge's sheet changes, and the counted sheets by id. Kept with the standings feed's snapshot,
    so that a judge's sheet moves the standings without reading (:func:`follow_sheet`)."""

    slug: str
    method: str
    tie_break: list[str]
    breaking: frozenset[str]  # the keys of the criteria that break ties
    provisional: bool
    entries: list[tuple[int, str, str]]
    expected: dict[int, int]
    consensus: dict[int, float]
    sheets: dict[str, results.Sheet]


def tally(session: Session, event: Event) -> Tally:
    keys = _breaking(session, event)
    return Tally(
        slug=event.slug,
        method=event.aggregation.value,
        tie_break=list(event.tie_break),
        breaking=frozenset(keys.values()),
        provisional=provisional(session, event),
        entries=_entries(session, event),
        expected=_expected_sheets(session, event),
        consensus=consensus_scores(session, event),
        sheets=_counted(session, event, keys),
    )


def feed(session: Session, event: Event, version: int) -> realtime.Built:
    """The standings feed: the frozen snapshot while a freeze is in force, with the version it
    was frozen at (so a client that has it ignores every later copy, and no version number moves
    while sheets keep coming in); otherwise the live ones, with their tally."""
    frozen = frozen_snapshot(session, event)
    if frozen is not None:
        return realtime.Built(frozen, None)
    made = tally(session, event)
    return realtime.Built(_ranked(made, version), made)


def compute_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """The public standings, as the feed has them."""
    return feed(session, event, version).snapshot


def live_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """Rank the event's entries by its method (see scoring/results/) as of ``version``, read
    earlier in the same transaction, so that the snapshot shows at least that."""
    return _ranked(tally(session, event), version)


def _ranked(made: Tally, version: int) -> Snapshot:
    # In the order of the sheets' ids: a build and a followed sheet give the same floats.
    ranked = results.standings(
        [entry_id for entry_id, _, _ in made.entries],
        [made.sheets[sheet_id] for sheet_id in sorted(made.sheets)],
        made.tie_break,
        made.method,
        made.consensus,
    )
    shown = {entry_id: (title, unit) for entry_id, title, unit in made.entries}
    return {
        "event": made.slug,
        "version": version,
        "method": made.method,
        "provisional": made.provisional,
        "frozen": False,
        "generated_at": utcnow().isoformat(),
        "entries": [
            _row(standing, *shown[standing.entry_id], made.expected.get(standing.entry_id, 0))
            for standing in ranked
        ],
    }


# What a judge's sheet writes, and all of it that the standings read.
SHEET_TABLES = frozenset({ScoreSheet.__tablename__, Score.__tablename__})


def follow_sheet(sheet_id: str, counted: results.Sheet | None) -> realtime.Follow:
    """How a judge's saved sheet moves the standings: ``counted`` is the sheet as it now counts
    (with all its scores), None if it does not (a draft, a calibration round's sheet)."""

    def step(before: Tally, version: int) -> realtime.Built:
        sheets = dict(before.sheets)
        if counted is None:
            sheets.pop(sheet_id, None)
        else:
            scores = {key: value for key, value in counted.scores.items() if key in before.breaking}
            sheets[sheet_id] = replace(counted, scores=scores)
        after = replace(before, sheets=sheets)
        return realtime.Built(_ranked(after, version), after)

    return realtime.Follow(SHEET_TABLES, step)


def _expected_sheets(session: Session, event: Event) -> dict[int, int]:
    """How many sheets each entry expects: one from each judge expected to score it (see
    ``scoring.assignments``)."""
    return dict(session.execute(_EXPECTED_SHEETS, {"event_id": event.id}).tuples().all())


def _row(standing: results.Standing, title: str, unit: str, expected: int) -> dict[str, Any]:
    return {
        "rank": standing.rank,
        "entry_id": standing.entry_id,
        "title": title,
        "unit": unit,
        "score": _rounded(standing.score),
        "sheets": standing.sheets,
        "expected": expected,
        "tied": standing.tied,
    }


@dataclass(frozen=True)
class Compared:
    """One entry under every method: its standing under each (by method), and the prize each
    would give it; the spread of its raw totals is the same under all."""

    entry_id: int
    title: str
    unit: str
    standings: dict[str, results.Standing]
    prizes: dict[str, str | None]

    @property
    def raw(self) -> results.Standing:
        return self.standings[results.MEAN]


@dataclass(frozen=True)
class Comparison:
    method: str
    provisional: bool
    entries: list[Compared]


def compare(session: Session, event: Event) -> Comparison:
    """Every entry under every method, in the order of the method in force; prizes with the
    default slots (1/2/3/4) and the event's minimum score."""
    entries = _entries(session, event)
    by_method = results.side_by_side(
        [entry_id for entry_id, _, _ in entries],
        counted_sheets(session, event),
        event.tie_break,
        consensus_scores(session, event),
    )
    minimum = float(event.min_prize_score)
    prizes = {
        name: results.awards(ranked, results.DEFAULT_SLOTS, minimum)
        for name, ranked in by_method.items()
    }
    shown = {entry_id: (title, unit) for entry_id, title, unit in entries}
    placed = {name: {s.entry_id: s for s in ranked} for name, ranked in by_method.items()}
    method = event.aggregation.value
    return Comparison(
        method=method,
        provisional=provisional(session, event),
        entries=[
            Compared(
                entry_id=standing.entry_id,
                title=shown[standing.entry_id][0],
                unit=shown[standing.entry_id][1],
                standings={name: found[standing.entry_id] for name, found in placed.items()},
                prizes={name: found.get(standing.entry_id) for name, found in prizes.items()},
            )
            for standing in by_method[method]
        ],
    )
