"""``GET /api/v1/events/<slug>/results``: every method side by side, for the chair and managers.

The random panels are scored through the judges' API, then the answer is checked against the
formulas of docs/results.md computed here again, independently of scoring/results/ (the
judge-effect fit by alternating least squares rather than by the normal equations).
"""

import math
import random
import uuid

import pytest
from sqlalchemy import select

from core import db
from core.models import Aggregation, Event, EventRole, Round, RoundStatus
from tests.factories import DEFAULT_RUBRIC


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def url(contest):
    return f"/api/v1/events/{contest.slug}/results"


def change_event(app, event_id, **values):
    with app.app_context(), db.unit_of_work(write=True) as session:
        event = session.get(Event, event_id)
        for name, value in values.items():
            setattr(event, name, value)


def submit(client, token, entry, scores):
    payload = {"id": str(uuid.uuid4()), "entry": entry, "scores": scores, "submit": True}
    response = client.post("/api/v1/scoresheets", json=payload, headers=bearer(token))
    assert response.status_code == 201, response.get_json()


# --- the documented formulas, again ---


def mean(values):
    return math.fsum(values) / len(values)


def sd(values):
    centre = mean(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / len(values))


def trimmed(values):
    ordered = sorted(values)
    if len(ordered) >= 4:
        return mean(ordered[1:-1]), set()
    if len(ordered) == 3:
        gaps = (round(ordered[1] - ordered[0], 6), round(ordered[2] - ordered[1], 6))
        if gaps[0] == gaps[1]:
            return ordered[1], set()
        return (mean(ordered[:2]) if gaps[0] < gaps[1] else mean(ordered[1:])), set()
    return mean(ordered), {"small_panel"}


def zscores(table):
    everything = [x for row in table.values() for x in row.values()]
    mu, sigma = mean(everything), sd(everything)
    rescaled, flat = {}, set()
    for row in table.values():
        mu_j, sigma_j = mean(list(row.values())), sd(list(row.values()))
        for entry, x in row.items():
            if round(sigma_j, 6) == 0:
                flat.add(entry)
            value = mu if round(sigma_j, 6) == 0 else mu + sigma * (x - mu_j) / sigma_j
            rescaled.setdefault(entry, []).append(value)
    return {
        entry: (mean(found), {"flat_judge"} if entry in flat else set())
        for entry, found in rescaled.items()
    }


def judge_effects(table):
    """Alternating least squares for x_ij = a_i + b_j, sum b_j = 0, until it stops moving; the
    mean, flagged, when the judge-entry graph is not connected."""
    entries = {e for row in table.values() for e in row}
    reached, frontier = set(), [("judge", next(iter(table)))]
    while frontier:
        node = frontier.pop()
        if node in reached:
            continue
        reached.add(node)
        kind, key = node
        if kind == "judge":
            frontier += [("entry", e) for e in table[key]]
        else:
            frontier += [("judge", j) for j, row in table.items() if key in row]
    by_entry = {e: {j: row[e] for j, row in table.items() if e in row} for e in entries}
    if len(reached) < len(table) + len(entries):
        return {e: (mean(list(found.values())), {"disconnected"}) for e, found in by_entry.items()}
    a, b = dict.fromkeys(entries, 0.0), dict.fromkeys(table, 0.0)
    for _ in range(100_000):
        a = {e: mean([x - b[j] for j, x in found.items()]) for e, found in by_entry.items()}
        new_b = {j: mean([x - a[e] for e, x in row.items()]) for j, row in table.items()}
        shift = mean(list(new_b.values()))
        new_b = {j: value - shift for j, value in new_b.items()}
        a = {e: value + shift for e, value in a.items()}
        moved = max(abs(new_b[j] - b[j]) for j in table)
        b = new_b
        if moved < 1e-12:
            break
    a = {e: mean([x - b[j] for j, x in found.items()]) for e, found in by_entry.items()}
    return {e: (value, set()) for e, value in a.items()}


def ranks(scores, keys):
    """Competition ranking (1, 2, 2, 4) by score, then the cascade's keys."""
    order = {e: (round(s, 6), *keys[e]) for e, s in scores.items()}
    return {e: 1 + sum(1 for other in order.values() if other > mine) for e, mine in order.items()}


# --- tests ---


@pytest.mark.parametrize("seed", [5, 8, 57])
def test_every_method_matches_the_documented_formulas_on_random_panels(
    app, factory, client, organiser_client, seed
):
    rng = random.Random(seed)
    contest = factory.contest(entries=6)
    judges = [factory.judge(contest.event, name=f"Giám khảo {n}") for n in range(5)]
    # Scores in half points; each judge scores a random part of the entries (partial coverage),
    # or all of them on the first seed.
    scores, table = {}, {}
    for judge in judges:
        chosen = contest.entries if seed == 5 else rng.sample(contest.entries, rng.randint(1, 6))
        for entry in chosen:
            values = {key: rng.randint(0, 2 * top) / 2 for key, top in DEFAULT_RUBRIC}
            submit(client, judge.token, entry, values)
            scores[(judge.id, entry)] = values
            # 100 * sum(w_k * s_k / max_k), with w_k = max_k / 100 in this rubric
            table.setdefault(judge.id, {})[entry] = 100 * math.fsum(
                (top / 100) * values[key] / top for key, top in DEFAULT_RUBRIC
            )
    body = organiser_client(contest.event, EventRole.MANAGER).get(url(contest)).get_json()

    scored = sorted({e for row in table.values() for e in row})
    panels = {e: [row[e] for row in table.values() if e in row] for e in scored}
    criteria = {
        e: [
            mean([v[key] for (j, x), v in scores.items() if x == e])
            for key in ("benefit", "effectiveness")
        ]
        for e in scored
    }
    keys = {e: (*[round(c, 6) for c in criteria[e]], round(mean(panels[e]), 6)) for e in scored}
    expected = {
        "mean": {e: (mean(panels[e]), set()) for e in scored},
        "trimmed": {e: trimmed(panels[e]) for e in scored},
        "zscore": zscores(table),
        "judge_effect": judge_effects(table),
    }
    rows = {row["entry_id"]: row for row in body["entries"]}
    assert set(rows) == set(contest.entries)
    for method, found in expected.items():
        ranked = ranks({e: s for e, (s, _) in found.items()}, keys)
        for entry, (score, flags) in found.items():
            got = rows[entry]["methods"][method]
            assert got["score"] == pytest.approx(score, abs=1e-9), (method, entry)
            assert got["rank"] == ranked[entry], (method, entry)
            tied = sum(1 for other in ranked.values() if other == ranked[entry]) > 1
            assert set(got["flags"]) == flags | ({"tied"} if tied else set()), (method, entry)
    for entry in scored:
        row = rows[entry]
        assert row["n"] == len(panels[entry])
        assert row["low"] == pytest.approx(min(panels[entry]))
        assert row["high"] == pytest.approx(max(panels[entry]))
        assert row["sd"] == pytest.approx(sd(panels[entry]))
    for entry in set(contest.entries) - set(scored):
        assert rows[entry]["n"] == 0 and rows[entry]["rank"] is None
        assert rows[entry]["flags"] == ["no_sheets"]


@pytest.fixture
def scored_contest(factory, client):
    """Three entries scored by three judges; the event's chair among them."""
    contest = factory.contest()
    judges = [
        factory.judge(contest.event, name="Trần Thị Thu Hà", is_chair=True),
        factory.judge(contest.event, name="Lê Minh Tuấn"),
        factory.judge(contest.event, name="Võ Thanh Tùng"),
    ]
    for n, judge in enumerate(judges):
        for m, entry in enumerate(contest.entries):
            values = {key: top - n - 2 * m for key, top in DEFAULT_RUBRIC}
            submit(client, judge.token, entry, values)
    return contest, judges


def test_the_answer_names_the_method_in_force_and_says_it_is_provisional(
    app, scored_contest, organiser_client
):
    contest, _judges = scored_contest
    change_event(app, contest.event.id, aggregation=Aggregation.TRIMMED)
    body = organiser_client(contest.event, EventRole.OWNER).get(url(contest)).get_json()
    assert body["method"] == "trimmed"
    assert body["provisional"] is True
    assert body["methods"] == ["mean", "trimmed", "zscore", "judge_effect"]
    assert body["min_prize_score"] == 50
    first = body["entries"][0]
    assert first["rank"] == 1
    assert first["score"] == first["methods"]["trimmed"]["score"]
    assert first["prize"] == "first"
    assert [row["rank"] for row in body["entries"]] == [1, 2, 3]

    with app.app_context(), db.unit_of_work(write=True) as session:
        for round_ in session.scalars(select(Round).where(Round.event_id == contest.event.id)):
            round_.status = RoundStatus.LOCKED  # the chair has locked every round
    assert organiser_client(admin=True).get(url(contest)).get_json()["provisional"] is False


def test_the_standings_snapshot_ranks_by_the_method_in_force(app, client, scored_contest):
    contest, _judges = scored_contest
    change_event(app, contest.event.id, aggregation=Aggregation.ZSCORE)
    snapshot = client.get(f"/api/v1/events/{contest.slug}/standings").get_json()
    assert snapshot["method"] == "zscore"
    assert snapshot["provisional"] is True
    assert not {"low", "high", "sd", "flags"} & set(snapshot["entries"][0])


def test_the_chair_reads_it_by_token_or_from_the_tablet(scored_contest, client, judge_client):
    contest, (chair, member, _) = scored_contest
    assert client.get(url(contest), headers=bearer(chair.token)).status_code == 200
    assert judge_client(chair).get(url(contest)).status_code == 200
    refused = client.get(url(contest), headers=bearer(member.token))
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "forbidden"
    assert judge_client(member).get(url(contest)).status_code == 403


def test_who_else_is_refused(factory, scored_contest, client, organiser_client):
    contest, _judges = scored_contest
    anonymous = client.get(url(contest))
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "unauthorized"
    wrong = client.get(url(contest), headers=bearer("not-a-token"))
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_token"
    viewer = organiser_client(contest.event, EventRole.VIEWER).get(url(contest))
    assert viewer.status_code == 403 and viewer.get_json()["error"] == "forbidden"
    other = factory.contest()
    elsewhere = factory.judge(other.event, name="Đỗ Thị Mai Phương", is_chair=True)
    assert client.get(url(contest), headers=bearer(elsewhere.token)).status_code == 403
    manager = organiser_client(contest.event, EventRole.MANAGER)
    missing = manager.get("/api/v1/events/khong-co/results")
    assert missing.status_code == 404 and missing.get_json()["error"] == "event_not_found"
