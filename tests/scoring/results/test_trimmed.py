"""The mean trimmed by panel size (docs/results.md, "Trimmed by panel size")."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.results import SMALL_PANEL, TRIMMED, standings
from scoring.results.trimmed import trimmed
from tests.scoring.results.panels import TOTALS, sheets

WORKED = [
    # (totals, score, flags): the table of docs/results.md
    ([62, 70, 74, 78, 95], 74.0, set()),  # n = 5: drop 62 and 95
    ([60, 72, 76, 90], 74.0, set()),  # n = 4: drop 60 and 90
    ([70, 74, 88], 72.0, set()),  # n = 3: 70 and 74 are the closest pair
    ([66, 72, 78], 72.0, set()),  # n = 3: equally close, the middle total
    ([70, 80], 75.0, {SMALL_PANEL}),  # n = 2: the mean, flagged
    ([81], 81.0, {SMALL_PANEL}),  # n = 1
]


@pytest.mark.parametrize(("totals", "score", "flags"), WORKED)
def test_worked_examples(totals, score, flags):
    found = trimmed(totals)
    assert found.score == pytest.approx(score)
    assert found.flags == flags


def test_one_highest_and_one_lowest_only_even_when_repeated():
    assert trimmed([70, 70, 70, 90, 90]).score == pytest.approx((70 + 70 + 90) / 3)


def test_standings_carry_the_flag_and_the_untrimmed_spread():
    table = {1: {10: 70, 11: 62}, 2: {10: 80, 11: 70}, 3: {11: 74}, 4: {11: 78}, 5: {11: 95}}
    ranked = standings([10, 11], sheets(table), method=TRIMMED)
    assert [(s.entry_id, s.score, s.flags) for s in ranked] == [
        (10, pytest.approx(75), (SMALL_PANEL,)),
        (11, pytest.approx(74), ()),
    ]
    assert (ranked[1].low, ranked[1].high, ranked[1].sheets) == (62, 95, 5)


@given(st.lists(TOTALS, min_size=1, max_size=20))
def test_between_the_lowest_and_the_highest_total(totals):
    assert min(totals) - 1e-9 <= trimmed(totals).score <= max(totals) + 1e-9


@given(st.lists(TOTALS, min_size=1, max_size=20), st.randoms())
def test_the_order_of_the_sheets_does_not_matter(totals, random):
    shuffled = list(totals)
    random.shuffle(shuffled)
    assert trimmed(shuffled) == trimmed(totals)


@given(st.lists(TOTALS, min_size=3, max_size=3))
def test_three_totals_give_the_mean_of_a_closest_pair_or_the_middle(totals):
    low, middle, high = sorted(totals)
    score = trimmed(totals).score
    assert any(score == pytest.approx(x) for x in ((low + middle) / 2, (middle + high) / 2, middle))
