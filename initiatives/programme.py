"""The figures of the 10.000 programme (Chỉ thị liên tịch 155/CTLT-EVN-CĐ), pure: no Flask, no
database, plain records in and plain figures out, so that a count by hand can check them.

The rules:

- An initiative counts once it is recognised (it has a level of recognition), in the year of its
  decision. A recognised initiative without a decision date has no year: it is counted apart
  (``undated``) and in no year's figure nor in the cumulative one.
- The programme's years run from ``first_year`` to ``last_year`` (2025-2028); the cumulative
  figure adds the recognised initiatives of those years.
- The share of staff who are authors counts PEOPLE, not author lines: each author or co-author of
  an initiative recognised in the programme's years, once, told apart by their employee code (Mã
  nhân viên); a person without one is told apart by their name (NFC, case and spacing ignored)
  and birth date, and the page says how many were counted that way.
- A unit's figures include its sub-units'. A person who authored in two sub-units counts once in
  their common parent, once in each sub-unit. A unit's headcount is its own Số CBCNV when given
  (the union reports a unit's whole staff, sub-units included), else the sum of its sub-units'.
- The forecast is a straight line fitted (least squares) to the yearly counts of the programme's
  years up to ``this_year``, carried on to ``last_year``, never below zero; one year so far is
  carried on flat.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from core.i18n import nfc

SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Recognised:
    """A recognised initiative: its unit and the date of its decision."""

    unit_id: int | None
    decided_on: date | None


@dataclass(frozen=True)
class AuthorLine:
    """An author line of a recognised initiative: who, and the initiative's unit and date."""

    unit_id: int | None
    decided_on: date | None
    full_name: str
    birth_date: date | None
    employee_code: str | None


@dataclass(frozen=True)
class UnitRow:
    id: int
    parent_id: int | None
    staff_count: int | None


@dataclass(frozen=True)
class Target:
    """Chỉ tiêu: a year's count, the cumulative count by the last year, the share of staff (%)."""

    per_year: int | None = None
    cumulative: int | None = None
    author_share_pct: Decimal | None = None


@dataclass(frozen=True)
class Figures:
    """The programme's figures for one unit and its sub-units, or the whole (``unit_id`` None)."""

    unit_id: int | None
    per_year: dict[int, int]
    cumulative: int
    undated: int
    authors: int
    authors_by_name: int
    staff: int | None
    target: Target = field(default_factory=Target)

    @property
    def share_pct(self) -> Decimal | None:
        """Authors per hundred staff, to one decimal; None without a headcount."""
        if not self.staff:
            return None
        share = Decimal(self.authors * 100) / Decimal(self.staff)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Trajectory:
    """Year by year, the cumulative count so far and, after ``this_year``, the forecast."""

    years: list[int]
    actual: list[int | None]
    forecast: list[int | None]
    yearly_forecast: dict[int, int]


def person_key(line: AuthorLine) -> tuple[str, bool]:
    """Who an author line names, and whether by employee code (else by name and birth date)."""
    code = SPACES.sub("", nfc(line.employee_code or "")).upper()
    if code:
        return f"code:{code}", True
    name = SPACES.sub(" ", nfc(line.full_name)).strip().casefold()
    born = line.birth_date.isoformat() if line.birth_date else ""
    return f"name:{name}|{born}", False


def subtrees(units: Iterable[UnitRow]) -> dict[int, set[int]]:
    """Each unit's id with the ids of every unit under it, at any depth."""
    children: dict[int | None, list[int]] = defaultdict(list)
    ids = []
    for unit in units:
        children[unit.parent_id].append(unit.id)
        ids.append(unit.id)
    found: dict[int, set[int]] = {}
    for unit_id in ids:
        seen = {unit_id}
        waiting = list(children[unit_id])
        while waiting:
            child = waiting.pop()
            if child not in seen:
                seen.add(child)
                waiting.extend(children[child])
        found[unit_id] = seen
    return found


def headcounts(units: Iterable[UnitRow]) -> dict[int, int | None]:
    """Each unit's headcount: its own when given, else the sum of its children's (None if none
    of them has one)."""
    rows = {unit.id: unit for unit in units}
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit in rows.values():
        children[unit.parent_id].append(unit.id)
    found: dict[int, int | None] = {}

    def count(unit_id: int, path: frozenset[int]) -> int | None:
        if unit_id in found:
            return found[unit_id]
        own = rows[unit_id].staff_count
        if own is None:
            known = [
                value
                for child in children[unit_id]
                if child not in path
                for value in [count(child, path | {child})]
                if value is not None
            ]
            own = sum(known) if known else None
        found[unit_id] = own
        return own

    for unit_id in rows:
        count(unit_id, frozenset({unit_id}))
    return found


def figures(
    recognised: Iterable[Recognised],
    authors: Iterable[AuthorLine],
    units: Iterable[UnitRow],
    targets: Mapping[int | None, Target],
    first_year: int,
    last_year: int,
) -> dict[int | None, Figures]:
    """Every unit's figures (its sub-units included) and the whole programme's (key None)."""
    units = list(units)
    years = range(first_year, last_year + 1)
    yearly: dict[int | None, Counter[int]] = defaultdict(Counter)
    undated: Counter[int | None] = Counter()
    for initiative in recognised:
        if initiative.decided_on is None:
            undated[initiative.unit_id] += 1
        elif initiative.decided_on.year in years:
            yearly[initiative.unit_id][initiative.decided_on.year] += 1
    people: dict[int | None, dict[str, bool]] = defaultdict(dict)
    for line in authors:
        if line.decided_on is not None and line.decided_on.year in years:
            key, by_code = person_key(line)
            people[line.unit_id][key] = by_code

    def summed(
        unit_id: int | None, members: Iterable[int | None], staff: int | None, target: Target
    ) -> Figures:
        counts: Counter[int] = Counter()
        found: dict[str, bool] = {}
        late = 0
        for member in members:
            counts.update(yearly.get(member, Counter()))
            found.update(people.get(member, {}))
            late += undated.get(member, 0)
        per_year = {year: counts[year] for year in years}
        return Figures(
            unit_id=unit_id,
            per_year=per_year,
            cumulative=sum(per_year.values()),
            undated=late,
            authors=len(found),
            authors_by_name=sum(1 for by_code in found.values() if not by_code),
            staff=staff,
            target=target,
        )

    staff = headcounts(units)
    result: dict[int | None, Figures] = {
        unit_id: summed(unit_id, members, staff[unit_id], targets.get(unit_id, Target()))
        for unit_id, members in subtrees(units).items()
    }
    every: set[int | None] = {*yearly, *people, *undated}
    top = [unit.id for unit in units if unit.parent_id is None]
    known = [staff[unit_id] for unit_id in top if staff[unit_id] is not None]
    whole_staff = sum(value for value in known if value is not None) if known else None
    result[None] = summed(None, every, whole_staff, targets.get(None, Target()))
    return result


def trajectory(per_year: Mapping[int, int], this_year: int, last_year: int) -> Trajectory:
    """The cumulative count year by year up to ``this_year``, and the forecast after it."""
    years = sorted(per_year)
    so_far = [year for year in years if year <= this_year]
    yearly_forecast = forecast({year: per_year[year] for year in so_far}, this_year, last_year)
    actual: list[int | None] = []
    predicted: list[int | None] = []
    running = 0
    for year in years:
        if year <= this_year:
            running += per_year[year]
            actual.append(running)
            # The dashed line starts where the solid one ends.
            predicted.append(running if year == this_year else None)
        else:
            running += yearly_forecast.get(year, 0)
            actual.append(None)
            predicted.append(running)
    return Trajectory(years, actual, predicted, yearly_forecast)


def forecast(so_far: Mapping[int, int], this_year: int, last_year: int) -> dict[int, int]:
    """Each later year's count on the least-squares line through the years so far."""
    if not so_far:
        return {}
    xs = sorted(so_far)
    ys = [so_far[x] for x in xs]
    n = len(xs)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = (
        sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
        if spread
        else 0.0
    )
    return {
        year: max(0, round(mean_y + slope * (year - mean_x)))
        for year in range(this_year + 1, last_year + 1)
    }
