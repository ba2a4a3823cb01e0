"""The judge-effect model (docs/results.md, "Judge effect")."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.results import DISCONNECTED, JUDGE_EFFECT, standings
from scoring.results.judge_effect import connected, effects
from tests.scoring.results.panels import complete, entries_of, partial, sheets


def scored(table, **kwargs):
    return {
        s.entry_id: s.score
        for s in standings(entries_of(table), sheets(table), method=JUDGE_EFFECT, **kwargs)
    }


def pairs(table):
    return [(entry, judge, total) for judge, row in table.items() for entry, total in row.items()]


def test_worked_example_one_judge_sees_more():
    # Judge 1 scores all three, judge 2 only the first two, 4 points under judge 1 each time on
    # average: b_1 = 4, b_2 = -4, and entry 3, seen only by the lenient judge, comes down to 56.
    table = {1: {1: 80, 2: 70, 3: 60}, 2: {1: 70, 2: 64}}
    fitted, b = effects(pairs(table))
    assert b == {1: pytest.approx(4), 2: pytest.approx(-4)}
    assert fitted == {1: pytest.approx(75), 2: pytest.approx(67), 3: pytest.approx(56)}
    assert scored(table) == fitted


def test_worked_example_a_chain_of_two_judges():
    # 1 -- judge 1 -- 2 -- judge 2 -- 3: judge 1 gave entry 2 ten points more than judge 2 did.
    table = {1: {1: 80, 2: 70}, 2: {2: 60, 3: 75}}
    ranked = standings([1, 2, 3], sheets(table), method=JUDGE_EFFECT)
    assert [(s.entry_id, s.rank, s.score, s.flags) for s in ranked] == [
        (3, 1, pytest.approx(80), ()),
        (1, 2, pytest.approx(75), ()),
        (2, 3, pytest.approx(65), ()),
    ]


def test_worked_example_disconnected_falls_back_to_the_mean():
    table = {1: {1: 80, 2: 70}, 2: {3: 75}}
    assert not connected(pairs(table))
    ranked = standings([1, 2, 3, 4], sheets(table), method=JUDGE_EFFECT)
    assert [(s.entry_id, s.score, s.flags) for s in ranked] == [
        (1, 80, (DISCONNECTED,)),
        (3, 75, (DISCONNECTED,)),
        (2, 70, (DISCONNECTED,)),
        (4, None, ("no_sheets",)),
    ]


@given(complete())
def test_a_complete_panel_gives_the_mean(table):
    assert scored(table) == pytest.approx(
        {entry: sum(row[entry] for row in table.values()) / len(table) for entry in scored(table)}
    )


@given(partial())
def test_the_fit_is_the_least_squares_one(table):
    """The optimality conditions, checked apart from how the fit is found: the residuals add up
    to zero over each entry's sheets and over each judge's, and the judges' effects to zero."""
    found = pairs(table)
    if not connected(found):
        return
    fitted, b = effects(found)
    by_entry, by_judge = {}, {}
    for entry, judge, total in found:
        residual = total - fitted[entry] - b[judge]
        by_entry[entry] = by_entry.get(entry, 0) + residual
        by_judge[judge] = by_judge.get(judge, 0) + residual
    assert sum(b.values()) == pytest.approx(0, abs=1e-7)
    assert all(value == pytest.approx(0, abs=1e-6) for value in by_entry.values())
    assert all(value == pytest.approx(0, abs=1e-6) for value in by_judge.values())


@given(partial(), st.integers(1, 6), st.floats(-20, 20))
def test_a_constant_added_to_one_judge_moves_every_score_alike(table, judge, constant):
    """With sum_j b_j = 0, a constant c added to one of J judges' totals becomes c - c/J on that
    judge's effect and c/J on mu: every entry moves by c/J, so the ranking stands."""
    if judge not in table or not connected(pairs(table)):
        return
    shifted = {
        j: {e: t + constant * (j == judge) for e, t in row.items()} for j, row in table.items()
    }
    before, after = scored(table), scored(shifted)
    assert after == pytest.approx({e: s + constant / len(table) for e, s in before.items()})


@given(partial(), st.randoms())
def test_the_order_of_the_sheets_and_the_judges_names_do_not_matter(table, random):
    renamed = {judge * 7 + 1000: row for judge, row in table.items()}
    shuffled = sheets(renamed)
    random.shuffle(shuffled)
    after = {s.entry_id: s.score for s in standings(entries_of(table), shuffled, (), JUDGE_EFFECT)}
    assert after == pytest.approx(scored(table))


@given(partial())
def test_a_disconnected_round_is_the_mean_flagged(table):
    ranked = standings(entries_of(table), sheets(table), method=JUDGE_EFFECT)
    if connected(pairs(table)):
        assert all(DISCONNECTED not in s.flags for s in ranked)
    else:
        for s in ranked:
            totals = [row[s.entry_id] for row in table.values() if s.entry_id in row]
            assert s.score == pytest.approx(sum(totals) / len(totals))
            assert DISCONNECTED in s.flags


def test_rounds_are_fitted_apart():
    # Round 1 is connected, round 2 is not: only round 2 falls back.
    first = sheets({1: {1: 80, 2: 70, 3: 60}, 2: {1: 70, 2: 64}}, round_id=1)
    second = sheets({1: {4: 50}, 2: {5: 40}}, round_id=2)
    ranked = {s.entry_id: s for s in standings([1, 2, 3, 4, 5], first + second, (), JUDGE_EFFECT)}
    assert ranked[3].score == pytest.approx(56) and ranked[3].flags == ()
    assert ranked[4].score == 50 and ranked[4].flags == (DISCONNECTED,)
