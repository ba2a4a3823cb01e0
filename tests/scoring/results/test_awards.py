"""Prizes by rank, shared on a tie (docs/results.md, "Awards")."""

from hypothesis import given
from hypothesis import strategies as st

from scoring.results import Sheet, awards, standings
from scoring.results.awards import FIRST, MERIT, NATIONAL_SLOTS, SECOND, THIRD

# The worked example of docs/results.md: (entry, score), one judge each.
WORKED = [
    (1, 91.2),
    (2, 86.5),
    (3, 84.0),
    (4, 84.0),
    (5, 80.1),
    (6, 77.0),
    (7, 70.0),
    (8, 66.0),
    (9, 58.0),
    (10, 49.9),
    (11, 45.0),
]


def ranked(scores):
    return standings([e for e, _ in scores], [Sheet(1, e, s) for e, s in scores])


def test_worked_example_a_tie_straddling_a_boundary_shares_the_prize():
    found = awards(ranked(WORKED))
    assert [s.rank for s in ranked(WORKED)] == [1, 2, 3, 3, 5, 6, 7, 8, 9, 10, 11]
    assert found == {
        1: FIRST,
        2: SECOND,
        3: SECOND,  # rank 3: the Nhì's last place
        4: SECOND,  # level with 3: shares it, and takes the Ba's first place
        5: THIRD,
        6: THIRD,
        7: MERIT,
        8: MERIT,
        9: MERIT,
        # 10 would be Khuyến khích by rank, but is under the minimum of 50
    }


def test_the_national_ratio():
    # 1:2:4:8 -> Nhất rank 1, Nhì ranks 2-3, Ba ranks 4-7, Khuyến khích ranks 8-15; the tie at
    # rank 3 takes the Ba's first place.
    found = awards(ranked(WORKED), NATIONAL_SLOTS, min_score=0)
    expected = [FIRST, SECOND, SECOND, SECOND, THIRD, THIRD, THIRD, MERIT, MERIT, MERIT, MERIT]
    assert [found.get(e) for e, _ in WORKED] == expected


def test_a_tie_at_the_end_of_the_last_prize_gives_it_to_all():
    scores = [(1, 90.0), (2, 80.0), (3, 80.0), (4, 80.0)]
    assert awards(ranked(scores), [(FIRST, 1), (SECOND, 1)]) == {
        1: FIRST,
        2: SECOND,
        3: SECOND,
        4: SECOND,
    }


def test_a_tie_for_first_can_use_up_the_next_prize():
    scores = [(1, 90.0), (2, 90.0), (3, 90.0), (4, 85.0), (5, 80.0)]
    found = awards(ranked(scores), [(FIRST, 1), (SECOND, 2), (THIRD, 2)])
    assert found == {1: FIRST, 2: FIRST, 3: FIRST, 4: THIRD, 5: THIRD}


def test_entries_without_sheets_and_prizes_without_slots_get_nothing():
    found = awards(
        standings([1, 2, 3], [Sheet(1, 1, 90.0), Sheet(1, 2, 80.0)]), [(FIRST, 0), (SECOND, 5)]
    )
    assert found == {1: SECOND, 2: SECOND}


@given(st.lists(st.integers(0, 20).map(lambda x: 40 + x * 2.5), min_size=1, max_size=30))
def test_prizes_follow_the_ranking(values):
    scores = list(enumerate(values, start=1))
    order = ranked(scores)
    found = awards(order)
    level = {FIRST: 0, SECOND: 1, THIRD: 2, MERIT: 3}
    given_out = [level[found[s.entry_id]] for s in order if s.entry_id in found]
    assert given_out == sorted(given_out)  # never a better prize below a worse one
    assert all(s.score >= 50 for s in order if s.entry_id in found)
    for s in order:  # level entries always get the same prize
        same = {found.get(t.entry_id) for t in order if t.rank == s.rank}
        assert len(same) == 1
