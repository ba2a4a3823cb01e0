"""What every method of the results maths shares: sheets, standings, flags, and the ranking.

A judge's sheet total is ``100 * sum(w_k * s_k / max_k)`` over the rubric's criteria, where the
weights add up to 1; a sheet with an unscored criterion has no total and does not count.

Each method (``mean``, ``trimmed``, ``zscore``, ``judge_effect``) turns the counted totals of each
entry into one score, with flags for the chair. :func:`rank` then orders the entries by that
score, highest first. Ties follow the event's published cascade, in order: a criterion key
compares the panel's mean on that criterion (higher wins), and ``"untrimmed_mean"`` compares the
plain mean of the totals. Entries still level after the whole cascade share the rank (1, 2, 2, 4)
and are flagged ``tied``: there is never a silent random draw. Entries without a counted sheet
come last, unranked, flagged ``no_sheets``. docs/results.md works every rule through by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

UNTRIMMED_MEAN = "untrimmed_mean"
# Scores are compared after rounding, so that float noise never breaks or makes a tie.
PRECISION = 6

# Flags: stable codes that the pages and the API carry, and the pages translate.
NO_SHEETS = "no_sheets"  # no counted sheet yet: unranked
SMALL_PANEL = "small_panel"  # trimmed, n <= 2: the plain mean, nothing trimmed
DISCONNECTED = "disconnected"  # judge-effect, the round's judge-entry graph falls apart: the mean
FLAT_JUDGE = "flat_judge"  # z-score, a judge of this entry gave the round one total: counted as mu
TIED = "tied"  # level with another entry after the whole cascade: the rank is shared
CONSENSUS = "consensus"  # the jury's agreed score (Entry.consensus_score) replaces the method's


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    weight: float
    max_score: float


@dataclass(frozen=True)
class Sheet:
    """A submitted sheet: one judge's total for one entry (None while a criterion is unscored,
    see :func:`sheet_total`), its scores on at least the criteria that break ties, and the
    round of its entry (z-scores and judge effects are taken within a round)."""

    judge_id: int
    entry_id: int
    total: float | None
    scores: Mapping[str, float | None] = field(default_factory=dict)
    round_id: int = 0


@dataclass(frozen=True)
class Scored:
    """One method's score for an entry, and what the chair should know about how it came."""

    score: float
    flags: frozenset[str] = frozenset()


# A method's answer: the score of each entry that has a counted sheet, by entry id.
Scores = dict[int, Scored]
# What a method reads: each entry's counted sheets (at least one), by entry id.
Counted = Mapping[int, Sequence["Sheet"]]


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
    flags: tuple[str, ...] = ()


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


def is_zero(value: float) -> bool:
    """Zero to :data:`PRECISION` decimals: the spread of equal totals, whatever the float noise."""
    return round(value, PRECISION) == 0


def counted(entry_ids: Sequence[int], sheets: Sequence[Sheet]) -> dict[int, list[Sheet]]:
    """Each listed entry's sheets that have a total; entries without one are left out."""
    found: dict[int, list[Sheet]] = {entry_id: [] for entry_id in entry_ids}
    for sheet in sheets:
        if sheet.total is not None and sheet.entry_id in found:
            found[sheet.entry_id].append(sheet)
    return {entry_id: panel for entry_id, panel in found.items() if panel}


def totals(panel: Sequence[Sheet]) -> list[float]:
    return [sheet.total for sheet in panel if sheet.total is not None]


def by_round(panels: Counted) -> dict[int, dict[int, Sequence[Sheet]]]:
    """The entries' panels grouped by the round of their entry."""
    rounds: dict[int, dict[int, Sequence[Sheet]]] = {}
    for entry_id, panel in panels.items():
        rounds.setdefault(panel[0].round_id, {})[entry_id] = panel
    return rounds


@dataclass(frozen=True)
class Summary:
    """What an entry's standing says under every method: n, the spread of its raw totals, their
    plain mean (the cascade's ``untrimmed_mean``) and its panel's mean on each criterion."""

    n: int
    low: float
    high: float
    sd: float
    untrimmed: float
    criterion_means: dict[str, float]


def summarise(panels: Counted) -> dict[int, Summary]:
    found: dict[int, Summary] = {}
    for entry_id, panel in panels.items():
        values = totals(panel)
        by_criterion: dict[str, list[float]] = {}
        for sheet in panel:
            for key, value in sheet.scores.items():
                if value is not None:
                    by_criterion.setdefault(key, []).append(value)
        found[entry_id] = Summary(
            n=len(values),
            low=min(values),
            high=max(values),
            sd=population_sd(values),
            untrimmed=mean(values),
            criterion_means={key: mean(v) for key, v in by_criterion.items()},
        )
    return found


def agreed(scores: Scores, consensus: Mapping[int, float]) -> Scores:
    """The method's scores, but for the entries the jury agreed a score for: that score, flagged
    ``consensus``, whatever the method (the chair bounds it by the panel's lowest and highest
    total). An agreed score of an entry with no counted sheet is ignored: it has no panel."""
    found = dict(scores)
    for entry_id, score in consensus.items():
        if entry_id in found:
            found[entry_id] = Scored(score, found[entry_id].flags | {CONSENSUS})
    return found


def _tie_key(
    score: float, untrimmed: float, means: Mapping[str, float], cascade: Sequence[str]
) -> tuple[float, ...]:
    key = [round(score, PRECISION)]
    for rule in cascade:
        found = untrimmed if rule == UNTRIMMED_MEAN else means.get(rule, 0.0)
        key.append(round(found, PRECISION))
    return tuple(key)


def rank(
    entry_ids: Sequence[int],
    summaries: Mapping[int, Summary],
    scores: Scores,
    tie_break: Sequence[str] = (),
) -> list[Standing]:
    """Order the entries by their method's ``scores``, breaking ties by the ``tie_break``
    cascade; each standing carries n, the spread of the raw totals and the method's flags."""
    scored: list[tuple[tuple[float, ...], int]] = []
    unscored: list[Standing] = []
    for entry_id in entry_ids:
        summary = summaries.get(entry_id)
        if summary is None:
            unscored.append(Standing(entry_id, None, None, 0, None, None, None, flags=(NO_SHEETS,)))
        else:
            tie = _tie_key(
                scores[entry_id].score, summary.untrimmed, summary.criterion_means, tie_break
            )
            scored.append((tie, entry_id))

    scored.sort(key=lambda pair: pair[0], reverse=True)
    shared = Counter(tie for tie, _ in scored)
    ranked: list[Standing] = []
    for position, (tie, entry_id) in enumerate(scored):
        level_with_previous = position > 0 and tie == scored[position - 1][0]
        place = ranked[-1].rank if level_with_previous else position + 1
        tied = shared[tie] > 1
        found, summary = scores[entry_id], summaries[entry_id]
        flags = {*found.flags, TIED} if tied else found.flags
        ranked.append(
            Standing(
                entry_id=entry_id,
                rank=place,
                score=found.score,
                sheets=summary.n,
                low=summary.low,
                high=summary.high,
                sd=summary.sd,
                criterion_means=summary.criterion_means,
                tied=tied,
                flags=tuple(sorted(flags)) if flags else (),
            )
        )
    return ranked + unscored
