"""The figures of a periodic report (báo cáo sơ kết, tổng kết) for a unit and its sub-units, pure:
plain records in, plain figures out, so that a count by hand can check them.

The rules, beside those of ``initiatives.programme``, whose :func:`~initiatives.programme.figures`
counts the recognised initiatives, the authors (people, once each) and the share of staff here
too, so that the report and the programme dashboard never disagree:

- A period is a quarter (``2025-Q2``), a year (``2025``) or the whole programme (``programme``,
  2025-2028 by default), from its first day to its last, both included.
- **Registered** in the period: the record was created in the period (``created_at``, read as a
  date in Vietnam's time): registered at a kiosk, entered or imported. Not its first-applied date,
  which many records lack and which says when it was applied, not when it was put forward. A file
  of old records imported later counts in the period of the import.
- **Recognised** in the period: its decision date (ngày quyết định) falls in the period; a
  recognised initiative without a decision date is in no period (the dashboard counts it apart).
- **Benefit** of the initiatives recognised in the period: the actual value (thực tế) when known,
  else the projected one (dự kiến); those with neither are "chưa lượng hóa", counted apart and
  never added as 0.
- **Authors** are the people who authored an initiative recognised in the period, each once;
  their share of the unit's staff (Số CBCNV) follows the programme's rules.
- **Progress** to the targets counts from the programme's first year to the period's last day:
  the period's own count against the year's target (a year) or the cumulative one (the
  programme), the year so far against the year's target, the cumulative count and the share of
  staff who are authors against theirs.
- A row per direct sub-unit, each with its own sub-units; what is recorded at the unit itself
  (not at a sub-unit) is a row of its own, so that the rows add up to the unit's total (people
  excepted: one person may author in two sub-units).
- **The best**: by benefit (the largest quantified values), and by recognition (the highest
  level, then an award won at an event, then the benefit). Awards are asked only for the few
  candidates at the top, since asking is a read per initiative.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from initiatives.models import RecognitionLevel
from initiatives.programme import (
    AuthorLine,
    Figures,
    Recognised,
    Target,
    UnitRow,
    figures,
    subtrees,
)

PROGRAMME = "programme"
QUARTER = re.compile(r"(20[0-9]{2})-Q([1-4])")
YEAR = re.compile(r"20[0-9]{2}")
LEVELS = tuple(RecognitionLevel)  # from the lowest (cơ sở) to the highest (toàn quốc)
BEST = 10
# How many candidates, at the top by level and benefit, are asked for their awards.
CANDIDATES = 30


class BadPeriod(ValueError):
    """The period is none of ``2025``, ``2025-Q1``, ``programme``."""


@dataclass(frozen=True)
class Period:
    """Kỳ báo cáo: a quarter, a year, or the programme's years."""

    key: str
    kind: str  # "quarter", "year" or "programme"
    first_day: date
    last_day: date

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.first_day <= day <= self.last_day

    @property
    def quarter(self) -> int | None:
        return (self.first_day.month - 1) // 3 + 1 if self.kind == "quarter" else None


def period(key: str, first_year: int, last_year: int) -> Period:
    """The period named ``key``; the programme's runs from ``first_year`` to ``last_year``."""
    key = key.strip()
    if key == PROGRAMME:
        return Period(key, PROGRAMME, date(first_year, 1, 1), date(last_year, 12, 31))
    if YEAR.fullmatch(key):
        year = int(key)
        return Period(key, "year", date(year, 1, 1), date(year, 12, 31))
    found = QUARTER.fullmatch(key)
    if found:
        year, quarter = int(found[1]), int(found[2])
        last_month = quarter * 3
        last = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
        return Period(
            key, "quarter", date(year, last_month - 2, 1), date.fromordinal(last.toordinal() - 1)
        )
    raise BadPeriod(key)


def periods(first_year: int, last_year: int) -> list[str]:
    """The periods a report can be asked for: the programme, then each year and its quarters."""
    keys = [PROGRAMME]
    for year in range(first_year, last_year + 1):
        keys += [str(year), *(f"{year}-Q{quarter}" for quarter in range(1, 5))]
    return keys


@dataclass(frozen=True)
class Record:
    """An initiative as the report reads it."""

    id: int
    title: str
    unit_id: int | None
    registered_on: date
    level: RecognitionLevel | None
    decided_on: date | None
    benefit_vnd: int | None  # projected (dự kiến)
    benefit_actual_vnd: int | None  # actual (thực tế)
    authors: tuple[str, ...] = ()

    @property
    def benefit(self) -> int | None:
        """The actual benefit when known, else the projected one; None: chưa lượng hóa."""
        return self.benefit_actual_vnd if self.benefit_actual_vnd is not None else self.benefit_vnd


@dataclass(frozen=True)
class Benefit:
    """Giá trị làm lợi of a set of initiatives: the sum of the quantified ones, how many were
    counted by their actual value and how many by their projected one, and how many have none."""

    total: int = 0
    actual: int = 0
    projected: int = 0
    unquantified: int = 0

    @property
    def unknown(self) -> bool:
        """Initiatives, none of them quantified: their benefit is "chưa lượng hóa", not 0."""
        return self.unquantified > 0 and self.actual + self.projected == 0


@dataclass(frozen=True)
class Row:
    """A unit's figures in the period, its sub-units included (``unit_id`` None: the whole, or
    what is recorded at the unit itself when ``own``)."""

    unit_id: int | None
    registered: int
    by_level: dict[RecognitionLevel, int]
    benefit: Benefit
    counted: Figures  # the programme's figures over the period
    own: bool = False

    @property
    def recognised(self) -> int:
        return self.counted.cumulative

    @property
    def authors(self) -> int:
        return self.counted.authors

    @property
    def staff(self) -> int | None:
        return self.counted.staff

    @property
    def share_pct(self) -> Decimal | None:
        return self.counted.share_pct

    @property
    def target(self) -> Target:
        return self.counted.target


@dataclass(frozen=True)
class Progress:
    """Tiến độ so với chỉ tiêu, from the programme's first year to the period's last day."""

    in_period: int
    period_target: int | None  # a year's: the yearly target; the programme's: the cumulative
    year: int
    year_to_date: int
    per_year_target: int | None
    cumulative: int
    cumulative_target: int | None
    authors: int
    staff: int | None
    share_pct: Decimal | None
    share_target: Decimal | None


@dataclass(frozen=True)
class Best:
    record: Record
    award: str = ""


@dataclass(frozen=True)
class Report:
    unit_id: int | None
    period: Period
    total: Row
    rows: list[Row]
    progress: Progress
    by_benefit: list[Best]
    by_recognition: list[Best]
    first_year: int
    last_year: int
    undated: int = 0  # recognised without a decision date: in no period


def _recognised_in(records: Iterable[Record], when: Callable[[date], bool]) -> list[Record]:
    return [r for r in records if r.level is not None and r.decided_on and when(r.decided_on)]


def _benefit(records: Iterable[Record]) -> Benefit:
    total = actual = projected = unquantified = 0
    for record in records:
        if record.benefit_actual_vnd is not None:
            total += record.benefit_actual_vnd
            actual += 1
        elif record.benefit_vnd is not None:
            total += record.benefit_vnd
            projected += 1
        else:
            unquantified += 1
    return Benefit(total, actual, projected, unquantified)


def _programme_figures(
    recognised: Sequence[Record],
    authors: Iterable[tuple[int, AuthorLine]],
    units: Sequence[UnitRow],
    targets: Mapping[int | None, Target],
    first_year: int,
    last_year: int,
) -> dict[int | None, Figures]:
    """The programme's own count, over ``recognised`` and the author lines of those."""
    ids = {record.id for record in recognised}
    lines = [line for record_id, line in authors if record_id in ids]
    return figures(
        [Recognised(record.unit_id, record.decided_on) for record in recognised],
        lines,
        units,
        targets,
        first_year,
        last_year,
    )


def report(
    records: Sequence[Record],
    authors: Sequence[tuple[int, AuthorLine]],
    units: Sequence[UnitRow],
    targets: Mapping[int | None, Target],
    unit_id: int | None,
    chosen: Period,
    first_year: int,
    last_year: int,
    award_of: Callable[[int], str] = lambda _record_id: "",
) -> Report:
    """The report of ``unit_id`` (None: every unit) for ``chosen``, from every initiative's
    ``records``, the ``authors`` lines keyed by initiative id, the unit tree and the targets."""
    trees = subtrees(units)
    every_unit: set[int | None] = {None, *trees}
    members: set[int | None] = set(trees[unit_id]) if unit_id is not None else every_unit
    mine = [record for record in records if record.unit_id in members]
    in_period = _recognised_in(mine, lambda day: day in chosen)
    years = (chosen.first_day.year, chosen.last_day.year)
    counted = _programme_figures(in_period, authors, units, targets, *years)

    def row(of: int | None, inside: set[int | None], own: bool = False) -> Row:
        found = [record for record in in_period if record.unit_id in inside]
        by_level = {level: 0 for level in LEVELS}
        for record in found:
            assert record.level is not None
            by_level[record.level] += 1
        if own:
            # The unit's own initiatives, counted alone: a unit of no parent and no headcount.
            alone = [UnitRow(of, None, None)] if of is not None else []
            figures_of = _programme_figures(found, authors, alone, {}, *years)[of]
        else:
            figures_of = counted[of]
        return Row(
            unit_id=of,
            registered=sum(1 for r in mine if r.unit_id in inside and r.registered_on in chosen),
            by_level=by_level,
            benefit=_benefit(found),
            counted=figures_of,
            own=own,
        )

    children = [unit.id for unit in units if unit.parent_id == unit_id]
    rows = [row(child, set(trees[child])) for child in children]
    own = row(unit_id, {unit_id}, own=True)
    if own.registered or own.recognised:
        rows.append(own)
    total = row(unit_id, members)

    so_far = _recognised_in(mine, lambda day: first_year <= day.year and day <= chosen.last_day)
    to_date_year = min(max(chosen.last_day.year, first_year), last_year)
    to_date = _programme_figures(so_far, authors, units, targets, first_year, to_date_year)[unit_id]
    year = chosen.last_day.year
    year_to_date = sum(1 for r in so_far if r.decided_on is not None and r.decided_on.year == year)
    target = total.target
    progress = Progress(
        in_period=total.recognised,
        period_target={"year": target.per_year, PROGRAMME: target.cumulative}.get(chosen.kind),
        year=year,
        year_to_date=year_to_date,
        per_year_target=target.per_year,
        cumulative=to_date.cumulative,
        cumulative_target=target.cumulative,
        authors=to_date.authors,
        staff=to_date.staff,
        share_pct=to_date.share_pct,
        share_target=target.author_share_pct,
    )
    by_benefit, by_recognition = best(in_period, award_of)
    undated = sum(1 for r in mine if r.level is not None and r.decided_on is None)
    return Report(
        unit_id,
        chosen,
        total,
        rows,
        progress,
        by_benefit,
        by_recognition,
        first_year,
        last_year,
        undated,
    )


def best(
    recognised: Sequence[Record], award_of: Callable[[int], str], count: int = BEST
) -> tuple[list[Best], list[Best]]:
    """The best initiatives of the period: by benefit (quantified ones only, the largest first),
    and by recognition (the highest level, then an award, then the benefit); ties by title."""

    def benefit(record: Record) -> int:
        return record.benefit if record.benefit is not None else -1

    def level(record: Record) -> int:
        assert record.level is not None
        return LEVELS.index(record.level)

    quantified = [r for r in recognised if r.benefit is not None]
    by_value = sorted(quantified, key=lambda r: (-benefit(r), r.title, r.id))[:count]
    candidates = sorted(recognised, key=lambda r: (-level(r), -benefit(r), r.title, r.id))
    awards: dict[int, str] = {}
    for record in [*by_value, *candidates[:CANDIDATES]]:
        if record.id not in awards:
            awards[record.id] = award_of(record.id)
    ranked = sorted(
        candidates[:CANDIDATES],
        key=lambda r: (-level(r), not awards[r.id], -benefit(r), r.title, r.id),
    )[:count]
    return (
        [Best(r, awards[r.id]) for r in by_value],
        [Best(r, awards[r.id]) for r in ranked],
    )
