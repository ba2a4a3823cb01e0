"""The mean trimmed by panel size, so that one judge far from the others weighs less.

* n >= 4: the highest and the lowest total are dropped (one each, even when several are equal),
  and the rest averaged;
* n = 3: the mean of the two closest totals; when both pairs are equally close (to
  :data:`~scoring.results.common.PRECISION` decimals), the middle total;
* n <= 2: nothing can be trimmed: the mean, flagged ``small_panel``.
"""

from __future__ import annotations

from collections.abc import Sequence

from scoring.results.common import PRECISION, SMALL_PANEL, Counted, Scored, Scores, mean, totals


def trimmed(values: Sequence[float]) -> Scored:
    ordered = sorted(values)
    if len(ordered) >= 4:
        return Scored(mean(ordered[1:-1]))
    if len(ordered) == 3:
        low, middle, high = ordered
        below, above = round(middle - low, PRECISION), round(high - middle, PRECISION)
        if below < above:
            return Scored(mean([low, middle]))
        if above < below:
            return Scored(mean([middle, high]))
        return Scored(float(middle))
    return Scored(mean(ordered), frozenset({SMALL_PANEL}))


def scores(panels: Counted) -> Scores:
    return {entry_id: trimmed(totals(panel)) for entry_id, panel in panels.items()}
