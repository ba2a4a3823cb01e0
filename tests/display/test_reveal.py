from display import reveal


def row(entry_id, rank, score=80.0):
    return {
        "entry_id": entry_id,
        "rank": rank,
        "title": f"T{entry_id}",
        "unit": "U",
        "score": score,
    }


def test_steps_go_from_the_last_awarded_place_to_the_first_and_ties_share_a_step():
    rows = [row(1, 1), row(2, 2), row(3, 2), row(4, 4), row(5, 5)]
    prizes = {1: "first", 2: "second", 3: "second", 4: "third"}
    steps = reveal.steps(rows, prizes, {1: ["Nguyễn Văn Hùng"]})
    assert [(s["rank"], s["prize"]) for s in steps] == [(4, "third"), (2, "second"), (1, "first")]
    assert [e["entry_id"] for e in steps[1]["entries"]] == [2, 3]
    assert [s["final"] for s in steps] == [False, False, True]
    assert steps[2]["entries"][0]["authors"] == ["Nguyễn Văn Hùng"]


def test_every_place_can_be_revealed_and_unranked_entries_never_are():
    rows = [row(1, 1), row(2, 2), row(3, None, None)]
    steps = reveal.steps(rows, {1: "first"}, {}, awarded_only=False)
    assert [s["rank"] for s in steps] == [2, 1]
    assert steps[0]["prize"] is None


def test_what_is_shown_never_holds_a_later_step():
    steps = reveal.steps([row(i, i) for i in range(1, 5)], {}, {}, awarded_only=False)
    for count in range(len(steps) + 1):
        shown = reveal.shown(steps, count)
        assert [s["rank"] for s in shown] == [4, 3, 2, 1][:count]
        assert reveal.upcoming(steps, count) == (steps[count] if count < len(steps) else None)
