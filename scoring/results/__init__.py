"""Results maths: pure and typed, no Flask and no database (docs/results.md works it through).

One module per method of turning a panel's totals into one score per entry (``mean``,
``trimmed``, ``zscore``, ``judge_effect``), what they share in ``common`` (sheets, standings,
flags, the ranking and its tie cascade), and the prizes in ``awards``. :func:`standings` ranks by
one method; :func:`side_by_side` by all four, so that the chair sees raw beside adjusted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from scoring.results import judge_effect, mean, trimmed, zscore
from scoring.results.awards import DEFAULT_MIN_SCORE, DEFAULT_SLOTS, awards
from scoring.results.common import (
    CONSENSUS,
    DISCONNECTED,
    FLAT_JUDGE,
    NO_SHEETS,
    PRECISION,
    SMALL_PANEL,
    TIED,
    UNTRIMMED_MEAN,
    Counted,
    CriterionSpec,
    Scores,
    Sheet,
    Standing,
    agreed,
    counted,
    rank,
    sheet_total,
    summarise,
)

MEAN = "mean"
TRIMMED = "trimmed"
ZSCORE = "zscore"
JUDGE_EFFECT = "judge_effect"
# The methods, by the names ``core.models.Aggregation`` gives them, in the order pages show them.
METHODS: dict[str, Callable[[Counted], Scores]] = {
    MEAN: mean.scores,
    TRIMMED: trimmed.scores,
    ZSCORE: zscore.scores,
    JUDGE_EFFECT: judge_effect.scores,
}


def standings(
    entry_ids: Sequence[int],
    sheets: Sequence[Sheet],
    tie_break: Sequence[str] = (),
    method: str = MEAN,
    consensus: Mapping[int, float] | None = None,
) -> list[Standing]:
    """Rank the entries by ``method``, breaking ties by the ``tie_break`` cascade; an entry with
    a ``consensus`` score (the jury's agreed one) is ranked by it instead (see ``agreed``)."""
    panels = counted(entry_ids, sheets)
    scores = agreed(METHODS[method](panels), consensus or {})
    return rank(entry_ids, summarise(panels), scores, tie_break)


def side_by_side(
    entry_ids: Sequence[int],
    sheets: Sequence[Sheet],
    tie_break: Sequence[str] = (),
    consensus: Mapping[int, float] | None = None,
) -> dict[str, list[Standing]]:
    """The standings under every method, by method; a consensus score counts under each."""
    panels = counted(entry_ids, sheets)
    summaries = summarise(panels)
    return {
        name: rank(entry_ids, summaries, agreed(method(panels), consensus or {}), tie_break)
        for name, method in METHODS.items()
    }


__all__ = [
    "CONSENSUS",
    "DEFAULT_MIN_SCORE",
    "DEFAULT_SLOTS",
    "DISCONNECTED",
    "FLAT_JUDGE",
    "JUDGE_EFFECT",
    "MEAN",
    "METHODS",
    "NO_SHEETS",
    "PRECISION",
    "SMALL_PANEL",
    "TIED",
    "TRIMMED",
    "UNTRIMMED_MEAN",
    "ZSCORE",
    "CriterionSpec",
    "Sheet",
    "Standing",
    "awards",
    "sheet_total",
    "side_by_side",
    "standings",
]
