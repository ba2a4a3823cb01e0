import json
from pathlib import Path

import pytest

from scoring.results import CriterionSpec, Sheet, sheet_total, standings

RUBRIC = [
    CriterionSpec("novelty", 0.20, 20),
    CriterionSpec("effectiveness", 0.25, 25),
    CriterionSpec("benefit", 0.25, 25),
    CriterionSpec("replicability", 0.20, 20),
    CriterionSpec("pitch", 0.10, 10),
]


def sheet(judge, entry, scores, criteria=RUBRIC):
    """A sheet as the database keeps it: its total was computed when it was saved."""
    return Sheet(judge, entry, sheet_total(scores, criteria), scores)


def full(novelty=18, effectiveness=22, benefit=20, replicability=15, pitch=8):
    return {
        "novelty": novelty,
        "effectiveness": effectiveness,
        "benefit": benefit,
        "replicability": replicability,
        "pitch": pitch,
    }


def test_total_of_the_default_rubric_is_the_sum_of_points():
    assert sheet_total(full(), RUBRIC) == pytest.approx(83)


def test_total_applies_weights_over_maxima():
    criteria = [CriterionSpec("a", 0.5, 10), CriterionSpec("b", 0.5, 40)]
    assert sheet_total({"a": 5, "b": 40}, criteria) == pytest.approx(75)


def test_an_unscored_criterion_is_not_zero():
    assert sheet_total(full() | {"pitch": None}, RUBRIC) is None
    assert sheet_total(full(pitch=0), RUBRIC) == pytest.approx(75)


def test_entry_score_is_the_mean_of_the_judges_totals_with_count_and_spread():
    sheets = [sheet(1, 10, full()), sheet(2, 10, full(pitch=4)), sheet(3, 10, full(novelty=10))]
    (standing,) = standings([10], sheets)
    assert standing.rank == 1
    assert standing.score == pytest.approx((83 + 79 + 75) / 3)
    assert standing.sheets == 3
    assert (standing.low, standing.high) == (pytest.approx(75), pytest.approx(83))
    assert standing.sd == pytest.approx(3.265986, rel=1e-5)


def test_incomplete_sheets_do_not_count():
    sheets = [sheet(1, 10, full()), sheet(2, 10, full() | {"benefit": None})]
    (standing,) = standings([10], sheets)
    assert standing.sheets == 1
    assert standing.score == pytest.approx(83)


def test_ranked_highest_first_and_unscored_entries_last_without_rank():
    sheets = [sheet(1, 10, full(pitch=2)), sheet(1, 11, full()), sheet(1, 12, full(pitch=5))]
    ranked = standings([10, 11, 12, 13], sheets)
    assert [(s.entry_id, s.rank) for s in ranked] == [(11, 1), (12, 2), (10, 3), (13, None)]
    assert ranked[-1].score is None and ranked[-1].sheets == 0


def test_ties_follow_the_published_cascade():
    # Same total (83); entry 11 has the higher benefit, so it wins the tie.
    a = full(benefit=20, effectiveness=22)
    b = full(benefit=22, effectiveness=20)
    ranked = standings([10, 11], [sheet(1, 10, a), sheet(1, 11, b)], ["benefit"])
    assert [(s.entry_id, s.rank, s.tied) for s in ranked] == [(11, 1, False), (10, 2, False)]


def test_cascade_moves_to_the_next_rule_when_the_first_is_level():
    a = full(benefit=20, effectiveness=22, novelty=18, pitch=8)
    b = full(benefit=20, effectiveness=20, novelty=20, pitch=8)
    ranked = standings([10, 11], [sheet(1, 10, a), sheet(1, 11, b)], ["benefit", "effectiveness"])
    assert [s.entry_id for s in ranked] == [10, 11]


def test_a_tie_left_after_the_cascade_is_shared_never_drawn():
    ranked = standings(
        [10, 11, 12],
        [sheet(1, 10, full()), sheet(1, 11, full()), sheet(1, 12, full(pitch=1))],
        ["benefit", "effectiveness", "untrimmed_mean"],
    )
    assert [(s.entry_id, s.rank, s.tied) for s in ranked] == [
        (10, 1, True),
        (11, 1, True),
        (12, 3, False),
    ]


def test_float_noise_does_not_break_a_tie():
    criteria = [
        CriterionSpec("a", 0.1, 10),
        CriterionSpec("b", 0.2, 10),
        CriterionSpec("c", 0.7, 10),
    ]
    x = {"a": 0, "b": 0, "c": 1}
    y = {"a": 0, "b": 3.5, "c": 0}
    assert sheet_total(x, criteria) != sheet_total(y, criteria)  # 6.999... and 7.000...1
    ranked = standings([1, 2], [sheet(1, 1, x, criteria), sheet(1, 2, y, criteria)])
    assert [(s.rank, s.tied) for s in ranked] == [(1, True), (1, True)]


def test_sheets_for_unknown_entries_are_ignored():
    (standing,) = standings([10], [sheet(1, 99, full())])
    assert standing.sheets == 0 and standing.rank is None


# The same cases check the tablet's total (static/js/lib/total.js, in tests/js/total.test.js).
SHEET_TOTALS = json.loads(
    (Path(__file__).parents[2] / "cases" / "sheet_totals.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", SHEET_TOTALS, ids=[case["name"] for case in SHEET_TOTALS])
def test_sheet_total_agrees_with_the_shared_cases(case):
    criteria = [CriterionSpec(c["key"], c["weight"], c["max"]) for c in case["criteria"]]
    total = sheet_total(case["scores"], criteria)
    if case["total"] is None:
        assert total is None
    else:
        assert total == pytest.approx(case["total"], rel=0, abs=1e-9)


def test_flags_say_tied_and_no_sheets():
    ranked = standings([10, 11, 12], [sheet(1, 10, full()), sheet(1, 11, full())])
    assert [s.flags for s in ranked] == [("tied",), ("tied",), ("no_sheets",)]


@pytest.mark.parametrize("method", ["mean", "trimmed", "zscore", "judge_effect"])
def test_every_method_ranks_with_the_same_cascade(method):
    a = full(benefit=20, effectiveness=22)
    b = full(benefit=22, effectiveness=20)
    ranked = standings([10, 11], [sheet(1, 10, a), sheet(1, 11, b)], ["benefit"], method)
    assert [(s.entry_id, s.rank) for s in ranked] == [(11, 1), (10, 2)]
