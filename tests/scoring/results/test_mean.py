"""The plain mean (docs/results.md, "Mean")."""

import pytest
from hypothesis import given

from scoring.results import MEAN, standings
from tests.scoring.results.panels import complete, entries_of, sheets


def test_worked_example():
    # Three judges: 83, 79 and 75 -> (83 + 79 + 75) / 3 = 79; low 75, high 83, sd 3,27.
    (standing,) = standings([10], sheets({1: {10: 83}, 2: {10: 79}, 3: {10: 75}}), method=MEAN)
    assert standing.score == pytest.approx(79)
    assert (standing.sheets, standing.low, standing.high) == (3, 75, 83)
    assert standing.sd == pytest.approx(3.265986, rel=1e-6)
    assert standing.flags == ()


@given(complete())
def test_between_the_lowest_and_the_highest_total(table):
    for standing in standings(entries_of(table), sheets(table), method=MEAN):
        assert standing.low - 1e-9 <= standing.score <= standing.high + 1e-9
