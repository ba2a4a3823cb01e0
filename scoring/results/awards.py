"""Prizes (Giải Nhất, Nhì, Ba, Khuyến khích) from the standings of the method in force.

The prizes are given by rank, in order, each to as many places as it has slots: with the default
1/2/3/4, Nhất to rank 1, Nhì to ranks 2-3, Ba to ranks 4-6, Khuyến khích to ranks 7-10. Entries
level after the whole tie cascade share their rank (1, 2, 3, 3, 5), hence their prize: a tie that
straddles the end of a prize's places gives every tied entry that prize, and the places they take
beyond it come out of the next prizes (ranks 3, 3 under 1/2/3/4: both Nhì; Ba then goes to ranks
5-6 only). A tie at the end of the last prize gives every tied entry that prize. Nothing is ever
drawn at random. An entry below the minimum score gets no prize and takes no place; a prize whose
places are all taken, or not reached, is not given (not every slot need be filled).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

from scoring.results.common import PRECISION, Standing

FIRST = "first"  # Giải Nhất
SECOND = "second"  # Giải Nhì
THIRD = "third"  # Giải Ba
MERIT = "merit"  # Giải Khuyến khích
PRIZES = (FIRST, SECOND, THIRD, MERIT)

# Slots per prize, in order: VIFOTEC's per-field maximum, and the national contest's ratio.
DEFAULT_SLOTS: tuple[tuple[str, int], ...] = ((FIRST, 1), (SECOND, 2), (THIRD, 3), (MERIT, 4))
NATIONAL_SLOTS: tuple[tuple[str, int], ...] = ((FIRST, 1), (SECOND, 2), (THIRD, 4), (MERIT, 8))
DEFAULT_MIN_SCORE = 50.0


def awards(
    ranked: Sequence[Standing],
    slots: Sequence[tuple[str, int]] = DEFAULT_SLOTS,
    min_score: float = DEFAULT_MIN_SCORE,
) -> dict[int, str]:
    """The prize of each entry that wins one, by entry id (see the rules above)."""
    last_places = list(accumulate(max(0, count) for _, count in slots))
    found: dict[int, str] = {}
    for standing in ranked:
        if standing.rank is None or standing.score is None:
            continue
        if round(standing.score, PRECISION) < round(min_score, PRECISION):
            continue
        prize = next(
            (
                name
                for (name, _), last in zip(slots, last_places, strict=True)
                if standing.rank <= last
            ),
            None,
        )
        if prize is not None:
            found[standing.entry_id] = prize
    return found
