"""Z-scores rescaled to points (docs/results.md, "Z-score")."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.results import FLAT_JUDGE, MEAN, ZSCORE, standings
from scoring.results.common import mean, population_sd
from scoring.results.zscore import scores
from tests.scoring.results.panels import TOTALS, complete, entries_of, partial, sheets

# The worked example: judge 1 (mu_1 = 73, sigma_1 = 8) is lenient and wide, judge 2 (mu_2 = 67,
# sigma_2 = 4) harsh and narrow; the round's mu = 70, sigma = 7.
WORKED = {
    1: {1: 85, 2: 77, 3: 73, 4: 69, 5: 61},
    2: {1: 67, 2: 73, 3: 65, 4: 69, 5: 61},
}


def test_worked_example_scales():
    everything = [t for row in WORKED.values() for t in row.values()]
    assert (mean(everything), population_sd(everything)) == (70, 7)
    assert (mean(list(WORKED[1].values())), population_sd(list(WORKED[1].values()))) == (73, 8)
    assert (mean(list(WORKED[2].values())), population_sd(list(WORKED[2].values()))) == (67, 4)
    # mu + sigma * (x - mu_j) / sigma_j
    assert pytest.approx(80.5) == 70 + 7 * (85 - 73) / 8
    assert pytest.approx(80.5) == 70 + 7 * (73 - 67) / 4


def test_worked_example_standings():
    ranked = standings(entries_of(WORKED), sheets(WORKED), method=ZSCORE)
    assert [(s.entry_id, s.rank, s.score) for s in ranked] == [
        (2, 1, pytest.approx(77)),
        (1, 2, pytest.approx(75.25)),
        (4, 3, pytest.approx(70)),
        (3, 4, pytest.approx(68.25)),
        (5, 5, pytest.approx(59.5)),
    ]
    raw = standings(entries_of(WORKED), sheets(WORKED), method=MEAN)
    assert [(s.entry_id, s.rank, s.score) for s in raw] == [
        (1, 1, 76),
        (2, 2, 75),
        (3, 3, 69),
        (4, 3, 69),
        (5, 5, 61),
    ]


def test_a_judge_with_one_total_gives_mu_and_flags_the_entry():
    table = {1: {1: 80, 2: 60}, 2: {3: 90}}
    found = scores({e: [s for s in sheets(table) if s.entry_id == e] for e in (1, 2, 3)})
    assert found[3].score == pytest.approx(mean([80, 60, 90]))
    assert found[3].flags == {FLAT_JUDGE}
    assert found[1].flags == frozenset()


def test_each_round_has_its_own_scale():
    first = sheets({1: {1: 80, 2: 60}}, round_id=1)
    second = sheets({1: {3: 40, 4: 20}}, round_id=2)
    ranked = standings([1, 2, 3, 4], first + second, method=ZSCORE)
    # One judge per round: the z-score gives back the judge's own totals.
    assert {s.entry_id: s.score for s in ranked} == {
        1: pytest.approx(80),
        2: pytest.approx(60),
        3: pytest.approx(40),
        4: pytest.approx(20),
    }


@given(complete(), TOTALS)
def test_a_judge_whose_totals_are_all_equal_gives_mu(table, constant):
    table = {**table, 99: dict.fromkeys(range(500, 503), constant)}
    everything = [t for row in table.values() for t in row.values()]
    for standing in standings(entries_of(table), sheets(table), method=ZSCORE):
        if standing.entry_id >= 500:
            assert standing.score == pytest.approx(mean(everything), abs=1e-9)
            assert FLAT_JUDGE in standing.flags


@given(partial(), st.randoms())
def test_the_order_of_the_sheets_and_the_judges_names_do_not_matter(table, random):
    renamed = {judge * 7 + 1000: row for judge, row in table.items()}
    shuffled = sheets(renamed)
    random.shuffle(shuffled)
    before = {s.entry_id: s.score for s in standings(entries_of(table), sheets(table), (), ZSCORE)}
    after = {s.entry_id: s.score for s in standings(entries_of(table), shuffled, (), ZSCORE)}
    assert after == pytest.approx(before)


@given(partial())
def test_between_the_lowest_and_the_highest_rescaled_total_in_the_round(table):
    everything = [t for row in table.values() for t in row.values()]
    mu, sigma = mean(everything), population_sd(everything)
    bound = max(len(row) for row in table.values()) ** 0.5  # |z| <= sqrt(n_j - 1) < sqrt(n_j)
    for standing in standings(entries_of(table), sheets(table), method=ZSCORE):
        assert mu - sigma * bound - 1e-6 <= standing.score <= mu + sigma * bound + 1e-6
