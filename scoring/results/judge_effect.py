"""The judge-effect model, for partial coverage (an exhibit hall where each judge sees a few).

Within a round, the least squares fit of ``x_ij = mu + theta_i + b_j`` over the observed pairs
(judge j scored entry i), with ``sum_j b_j = 0``: b_j is how much more (or less) judge j gives
than the panel as a whole, and an entry's score is ``mu + theta_i``, its totals with each of its
judges' effects taken out. When every judge scores every entry this is exactly the mean.

Solved exactly, not iterated. Write ``a_i = mu + theta_i``. For fixed b, the best a_i is
``xbar_i - mean(b_j for j in J(i))`` (J(i): the judges of entry i). Put back, the normal
equations for b are ``L b = r`` with

* ``r_j = sum over i in I(j) of (x_ij - xbar_i)`` (I(j): the entries of judge j),
* ``L_jk = n_j [j = k] - sum over entries i scored by both j and k of 1 / n_i``,

a graph Laplacian: singular along the constant vector, and only there when the judge-entry
graph is connected. Adding the constraint as ``(L + 1 1^T) b = r`` makes it regular (1^T r = 0
and 1^T L = 0, so the solution has sum_j b_j = 0); Gaussian elimination solves it, in the size of
the jury. Entries with the same judges add the same pattern to L, so L is built once per set of
judges rather than once per entry.

A judge-entry graph that falls apart into pieces (found by a walk from one judge) compares nothing
across them: the round falls back to the mean, every entry of it flagged ``disconnected``.
"""

from __future__ import annotations

from collections.abc import Sequence

from scoring.results.common import DISCONNECTED, Counted, Scored, Scores, by_round, mean

# (entry id, judge id, total) of one counted sheet
Pair = tuple[int, int, float]


def connected(pairs: Sequence[Pair]) -> bool:
    """Do the sheets link every judge and entry of the round, through judges and entries? A walk
    over the bipartite judge-entry graph from one judge."""
    entries_of: dict[int, list[int]] = {}
    judges_of: dict[int, list[int]] = {}
    for entry_id, judge_id, _ in pairs:
        entries_of.setdefault(judge_id, []).append(entry_id)
        judges_of.setdefault(entry_id, []).append(judge_id)
    if not entries_of:
        return True
    seen_judges: set[int] = set()
    seen_entries: set[int] = set()
    waiting = [next(iter(entries_of))]
    while waiting:
        judge_id = waiting.pop()
        if judge_id in seen_judges:
            continue
        seen_judges.add(judge_id)
        for entry_id in entries_of[judge_id]:
            if entry_id not in seen_entries:
                seen_entries.add(entry_id)
                waiting.extend(judges_of[entry_id])
    return len(seen_judges) == len(entries_of) and len(seen_entries) == len(judges_of)


def solve(matrix: list[list[float]], right: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting, for the small regular system above."""
    size = len(right)
    rows = [[*row, value] for row, value in zip(matrix, right, strict=True)]
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(rows[r][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for below in range(column + 1, size):
            factor = rows[below][column] / rows[column][column]
            if factor:
                for k in range(column, size + 1):
                    rows[below][k] -= factor * rows[column][k]
    found = [0.0] * size
    for row in reversed(range(size)):
        known = sum(rows[row][k] * found[k] for k in range(row + 1, size))
        found[row] = (rows[row][size] - known) / rows[row][row]
    return found


def effects(pairs: Sequence[Pair]) -> tuple[dict[int, float], dict[int, float]]:
    """The fit of a connected round: each entry's ``mu + theta_i`` and each judge's ``b_j``."""
    judged: dict[int, dict[int, float]] = {}
    for entry_id, judge_id, total in pairs:
        judged.setdefault(entry_id, {})[judge_id] = total
    judges = sorted({judge_id for _, judge_id, _ in pairs})
    index = {judge_id: k for k, judge_id in enumerate(judges)}
    size = len(judges)
    laplacian = [[1.0] * size for _ in range(size)]  # the 1 1^T of the constraint, to start
    right = [0.0] * size
    shared: dict[frozenset[int], float] = {}  # sum of 1 / n_i over entries with these judges
    xbar = {entry_id: mean(list(found.values())) for entry_id, found in judged.items()}
    for entry_id, found in judged.items():
        shared[frozenset(found)] = shared.get(frozenset(found), 0.0) + 1 / len(found)
        for judge_id, total in found.items():
            laplacian[index[judge_id]][index[judge_id]] += 1
            right[index[judge_id]] += total - xbar[entry_id]
    for judge_set, weight in shared.items():
        for j in judge_set:
            for k in judge_set:
                laplacian[index[j]][index[k]] -= weight
    b = dict(zip(judges, solve(laplacian, right), strict=True))
    entries = {
        entry_id: xbar[entry_id] - mean([b[judge_id] for judge_id in found])
        for entry_id, found in judged.items()
    }
    return entries, b


def _round_scores(panels: Counted) -> Scores:
    pairs = [
        (entry_id, sheet.judge_id, sheet.total)
        for entry_id, panel in panels.items()
        for sheet in panel
        if sheet.total is not None
    ]
    if not connected(pairs):
        flagged = frozenset({DISCONNECTED})
        means: dict[int, list[float]] = {}
        for entry_id, _, total in pairs:
            means.setdefault(entry_id, []).append(total)
        return {entry_id: Scored(mean(found), flagged) for entry_id, found in means.items()}
    fitted, _ = effects(pairs)
    return {entry_id: Scored(score) for entry_id, score in fitted.items()}


def scores(panels: Counted) -> Scores:
    found: Scores = {}
    for round_panels in by_round(panels).values():
        found.update(_round_scores(round_panels))
    return found
