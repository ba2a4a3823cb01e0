"""The steps of the ceremony reveal (công bố kết quả), from the standings as they are when it is
prepared, which the freeze keeps from the public: pure, no Flask and no database.

The reveal goes from the last place to the first, one step per place: entries that share a place
(level after the whole tie cascade) share its step, as they share its prize. By default only the
places that win a prize are revealed; the Ban Tổ chức may reveal every ranked place instead. The
last step (the first place) is marked ``final``: the screen celebrates it.

What a screen receives is :func:`shown` of the steps, never more: a step not yet revealed never
leaves the server for a screen, whatever it looks like.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import groupby
from typing import Any

Step = dict[str, Any]


def steps(
    entries: Sequence[Mapping[str, Any]],
    prizes: Mapping[int, str],
    authors: Mapping[int, Sequence[str]],
    *,
    awarded_only: bool = True,
) -> list[Step]:
    """The reveal's steps, last place first, from standings rows (``rank``, ``entry_id``,
    ``title``, ``unit``, ``score``) and the prize of each awarded entry, by entry id."""
    placed = [
        row
        for row in entries
        if row["rank"] is not None and (not awarded_only or row["entry_id"] in prizes)
    ]
    placed.sort(key=lambda row: (-row["rank"], row["entry_id"]))
    grouped = [list(rows) for _, rows in groupby(placed, key=lambda row: row["rank"])]
    return [
        {
            "number": number,
            "rank": rows[0]["rank"],
            "prize": prizes.get(rows[0]["entry_id"]),
            "final": number == len(grouped),
            "entries": [
                {
                    "entry_id": row["entry_id"],
                    "title": row["title"],
                    "unit": row["unit"],
                    "authors": list(authors.get(row["entry_id"], ())),
                    "score": row["score"],
                }
                for row in rows
            ],
        }
        for number, rows in enumerate(grouped, start=1)
    ]


def shown(all_steps: Sequence[Step], count: int) -> list[Step]:
    """The steps revealed so far: the first ``count``, and nothing of the others."""
    return list(all_steps[: max(0, count)])


def upcoming(all_steps: Sequence[Step], count: int) -> Step | None:
    """The step the next click reveals (the organiser's preview), or None once all are shown."""
    return all_steps[count] if 0 <= count < len(all_steps) else None


def sample_rows(
    count: int, title: Callable[[int], str], unit: Callable[[int], str]
) -> list[dict[str, Any]]:
    """Standings rows for a rehearsal: ``count`` sample entries ranked 1 to ``count`` with
    falling scores, so that the rehearsal has the shape of the real reveal without its data."""
    return [
        {
            "rank": place,
            "entry_id": -place,
            "title": title(place),
            "unit": unit(place),
            "score": round(max(95.0 - 2.5 * (place - 1), 51.0), 2),
        }
        for place in range(1, count + 1)
    ]
