"""Panels for the results tests: sheets from a table of totals, and hypothesis strategies."""

from __future__ import annotations

from hypothesis import strategies as st

from scoring.results import Sheet

# A total as the tablets make them: out of 100, to the hundredth.
TOTALS = st.integers(0, 10_000).map(lambda hundredths: hundredths / 100)


def sheets(table: dict[int, dict[int, float]], round_id: int = 0) -> list[Sheet]:
    """``{judge: {entry: total}}`` as sheets."""
    return [
        Sheet(judge, entry, total, {}, round_id)
        for judge, row in table.items()
        for entry, total in row.items()
    ]


@st.composite
def complete(draw: st.DrawFn, judges: int = 6, entries: int = 8) -> dict[int, dict[int, float]]:
    """Every judge scores every entry."""
    n_judges = draw(st.integers(1, judges))
    n_entries = draw(st.integers(1, entries))
    return {
        judge: {entry: draw(TOTALS) for entry in range(100, 100 + n_entries)}
        for judge in range(1, n_judges + 1)
    }


@st.composite
def partial(draw: st.DrawFn, judges: int = 6, entries: int = 8) -> dict[int, dict[int, float]]:
    """Each judge scores some entries (at least one each), each entry has at least one judge."""
    n_judges = draw(st.integers(1, judges))
    n_entries = draw(st.integers(1, entries))
    table: dict[int, dict[int, float]] = {judge: {} for judge in range(1, n_judges + 1)}
    for entry in range(100, 100 + n_entries):
        for judge in draw(st.sets(st.integers(1, n_judges), min_size=1)):
            table[judge][entry] = draw(TOTALS)
    return {judge: row for judge, row in table.items() if row}


def entries_of(table: dict[int, dict[int, float]]) -> list[int]:
    return sorted({entry for row in table.values() for entry in row})
