"""Z-scores rescaled to points: each judge's totals are put on the round's scale.

Within a round, mu and sigma are the mean and population standard deviation of all its counted
totals, mu_j and sigma_j those of judge j's totals in the round. A total x of judge j becomes
``mu + sigma * (x - mu_j) / sigma_j``: a lenient judge's totals come down, a narrow judge's
spread out. A judge whose totals in the round are all equal (sigma_j = 0 to
:data:`~scoring.results.common.PRECISION` decimals, one sheet included) tells the entries apart
not at all: each of their totals becomes mu, and their entries are flagged ``flat_judge``. An
entry's score is the mean of its rescaled totals.
"""

from __future__ import annotations

from scoring.results.common import (
    FLAT_JUDGE,
    Counted,
    Scored,
    Scores,
    by_round,
    is_zero,
    mean,
    population_sd,
)


def _round_scores(panels: Counted) -> Scores:
    pairs = [
        (entry_id, sheet.judge_id, sheet.total)
        for entry_id, panel in panels.items()
        for sheet in panel
        if sheet.total is not None
    ]
    everything = [total for _, _, total in pairs]
    mu, sigma = mean(everything), population_sd(everything)
    per_judge: dict[int, list[float]] = {}
    for _, judge_id, total in pairs:
        per_judge.setdefault(judge_id, []).append(total)
    # Each judge's rescaling as (mu_j, sigma / sigma_j), or None for a flat judge (gives mu).
    scales: dict[int, tuple[float, float] | None] = {}
    for judge_id, found in per_judge.items():
        sigma_j = population_sd(found)
        scales[judge_id] = None if is_zero(sigma_j) else (mean(found), sigma / sigma_j)
    rescaled: dict[int, list[float]] = {}
    flat: set[int] = set()
    for entry_id, judge_id, total in pairs:
        scale = scales[judge_id]
        if scale is None:
            flat.add(entry_id)
        value = mu if scale is None else mu + scale[1] * (total - scale[0])
        rescaled.setdefault(entry_id, []).append(value)
    return {
        entry_id: Scored(mean(found), frozenset({FLAT_JUDGE}) if entry_id in flat else frozenset())
        for entry_id, found in rescaled.items()
    }


def scores(panels: Counted) -> Scores:
    found: Scores = {}
    for round_panels in by_round(panels).values():
        found.update(_round_scores(round_panels))
    return found
