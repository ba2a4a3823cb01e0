"""Results maths: pure and typed, no Flask and no database.

A judge's sheet total is ``100 * sum(w_k * s_k / max_k)`` over the rubric's criteria, where the
weights add up to 1; a sheet with an unscored criterion has no total and does not count.

An entry's score is the mean of its panel's totals. Entries are ranked by score, highest first.
Ties follow the event's published cascade, in order: a criterion key compares the panel's mean on
that criterion (higher wins), and ``"untrimmed_mean"`` compares the plain mean of the totals.
Entries still level after the whole cascade share the rank (1, 2, 2, 4): there is never a silent
random draw. Entries without a counted sheet come last, unranked.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

UNTRIMMED_MEAN = "untrimmed_mean"
# The aggregation this module implements so far; the event's other methods are yet to come.
METHOD = "mean"
# Totals are compared after rounding, so that float noise never breaks or makes a tie.
PRECISION = 6


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    weight: float
    max_score: float


@dataclass(frozen=True)
class Sheet:
    """A submitted sheet: one judge's total for one entry (None while a criterion is unscored,
    see :func:`sheet_total`), and its scores on at least the criteria that break ties."""

    judge_id: int
    entry_id: int
    total: float | None
    scores: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Standing:
    entry_id: int
    rank: int | None
    score: float | None
    sheets: int
    low: float | None
    high: float | None
    sd: float | None
    criterion_means: Mapping[str, float] = field(default_factory=dict)
    tied: bool = False


def sheet_total(
    scores: Mapping[str, float | None], criteria: Sequence[CriterionSpec]
) -> float | None:
    """The weighted total out of 100, or None while any criterion is unscored."""
    total = 0.0
    for criterion in criteria:
        value = scores.get(criterion.key)
        if value is None:
            return None
        total += criterion.weight * value / criterion.max_score
    return 100 * total


def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def population_sd(values: Sequence[float]) -> float:
    centre = mean(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / len(values))


def _tie_key(
    standing: Standing, totals: Sequence[float], cascade: Sequence[str]
) -> tuple[float, ...]:
    key: list[float] = [round(standing.score or 0.0, PRECISION)]
    for rule in cascade:
        if rule == UNTRIMMED_MEAN:
            key.append(round(mean(totals), PRECISION))
        else:
            key.append(round(standing.criterion_means.get(rule, 0.0), PRECISION))
    return tuple(key)


def standings(
    entry_ids: Sequence[int], sheets: Sequence[Sheet], tie_break: Sequence[str] = ()
) -> list[Standing]:
    """Rank entries by the mean of their judges' totals, breaking ties by ``tie_break``."""
    totals: dict[int, list[float]] = {entry_id: [] for entry_id in entry_ids}
    per_criterion: dict[int, dict[str, list[float]]] = {entry_id: {} for entry_id in entry_ids}
    for sheet in sheets:
        if sheet.total is None or sheet.entry_id not in totals:
            continue
        totals[sheet.entry_id].append(sheet.total)
        for key, value in sheet.scores.items():
            if value is not None:
                per_criterion[sheet.entry_id].setdefault(key, []).append(value)

    scored: list[tuple[tuple[float, ...], Standing]] = []
    unscored: list[Standing] = []
    for entry_id in entry_ids:
        values = totals[entry_id]
        if not values:
            unscored.append(Standing(entry_id, None, None, 0, None, None, None))
            continue
        standing = Standing(
            entry_id=entry_id,
            rank=None,
            score=mean(values),
            sheets=len(values),
            low=min(values),
            high=max(values),
            sd=population_sd(values),
            criterion_means={k: mean(v) for k, v in per_criterion[entry_id].items()},
        )
        scored.append((_tie_key(standing, values, tie_break), standing))

    scored.sort(key=lambda pair: pair[0], reverse=True)
    shared = Counter(tie for tie, _ in scored)
    ranked: list[Standing] = []
    for position, (tie, standing) in enumerate(scored):
        level_with_previous = position > 0 and tie == scored[position - 1][0]
        rank = ranked[-1].rank if level_with_previous else position + 1
        ranked.append(replace(standing, rank=rank, tied=shared[tie] > 1))
    return ranked + unscored
