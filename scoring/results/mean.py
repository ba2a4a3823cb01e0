"""The plain mean: an entry's score is the mean of its counted totals."""

from __future__ import annotations

from scoring.results.common import Counted, Scored, Scores, mean, totals


def scores(panels: Counted) -> Scores:
    return {entry_id: Scored(mean(totals(panel))) for entry_id, panel in panels.items()}
