"""How long the standings snapshot and the results side by side take, beside the pure maths.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/standings.py                  # 300 entries x 15 judges x 6 criteria
    .venv/bin/python bench/standings.py --entries 100 --runs 50

For SQLite (a temporary file, tuned as the app tunes it) and, when it answers, PostgreSQL
(``TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, in a
temporary database), it fills one event with every judge's submitted sheet for every entry, then
times, ``--runs`` times each, in the same process and the same run:

* ``snapshot, <method>``: what the background build does after each change
  (``scoring.standings``), with the event's method set to each of the four in turn: read the
  version, the entries, the sheets' stored totals and the tie-breaking scores, rank, and shape;
* ``results, every method``: what ``GET /api/v1/events/<slug>/results`` and the results page
  compute (``scoring.standings.compare``): the same read, all four methods, the prizes;
* ``read as ORM objects``: the read the snapshot used before (every sheet and score as an ORM
  object, totals computed from the scores), for comparison;
* ``maths, <method>``: ``scoring.results.standings`` alone, for each method, on the same sheets
  held in memory: the floor under any snapshot.

It prints the median and p95 in milliseconds and never asserts on timings.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import Session, selectinload

from core import db
from core.app import create_app
from core.models import Aggregation, Event, EventStatus, Round, Unit
from initiatives.models import Initiative
from scoring import results, standings
from scoring.models import COUNTED, Criterion, Entry, Judge, Score, ScoreSheet, SheetStatus
from scoring.rubric import criteria, rubric

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CRITERIA = [
    ("novelty", 20),
    ("effectiveness", 25),
    ("benefit", 20),
    ("replicability", 15),
    ("pitch", 10),
    ("safety", 10),
]


def fill(url: str, entries: int, judges: int) -> int:
    """One event in the scoring phase, every judge's submitted sheet for every entry."""
    app = create_app({"DATABASE_URL": url, "SOCKETIO_ASYNC_MODE": "threading", "SECRET_KEY": "b"})
    db.upgrade(url)
    rng = random.Random(57)
    with app.app_context(), db.unit_of_work(write=True) as session:
        unit = Unit(code=f"B{uuid.uuid4().hex[:6]}", name="Công ty Điện lực Quảng Nam")
        event = Event(
            slug=f"bench-{uuid.uuid4().hex[:8]}",
            name="Bench",
            held_on=date(2026, 12, 5),
            status=EventStatus.SCORING,
        )
        round_ = Round(event=event, name="Vòng chung khảo")
        rows = [
            Criterion(
                event=event,
                key=key,
                name_vi=key,
                name_en=key,
                weight=Decimal(top) / 100,
                max_score=Decimal(top),
                position=position,
            )
            for position, (key, top) in enumerate(CRITERIA, start=1)
        ]
        made = [
            Entry(
                round=round_,
                running_order=order,
                initiative=Initiative(title=f"Sáng kiến số {order} về tiết kiệm điện", unit=unit),
            )
            for order in range(1, entries + 1)
        ]
        panel = [
            Judge(event=event, name=f"Giám khảo {n}", role="expert", token_hash=uuid.uuid4().hex)
            for n in range(judges)
        ]
        session.add_all([unit, event, round_, *rows, *made, *panel])
        session.flush()
        spec = rubric(rows)
        sheets, scores = [], []
        for entry in made:
            for judge in panel:
                values = {key: rng.randint(0, 2 * top) / 2 for key, top in CRITERIA}
                sheet_id = str(uuid.uuid4())
                sheets.append(
                    {
                        "id": sheet_id,
                        "judge_id": judge.id,
                        "entry_id": entry.id,
                        "status": SheetStatus.SUBMITTED,
                        "total": results.sheet_total(values, spec),
                    }
                )
                scores += [
                    {
                        "sheet_id": sheet_id,
                        "criterion_id": c.id,
                        "value": Decimal(str(values[c.key])),
                    }
                    for c in rows
                ]
        # Bulk inserts of new rows: the live version does not need to move for a benchmark.
        session.execute(insert(ScoreSheet), sheets)
        session.execute(insert(Score), scores)
        event_id = event.id
    app.extensions[db.EXTENSION].dispose()
    return event_id


def orm_read(session: Session, event: Event) -> list[results.Sheet]:
    """The read the snapshot made before: ORM objects, totals from the scores."""
    keys = {c.id: c.key for c in criteria(session, event.id)}
    spec = rubric(criteria(session, event.id))
    rows = session.scalars(
        select(ScoreSheet)
        .join(Judge)
        .where(Judge.event_id == event.id, Judge.active.is_(True), ScoreSheet.status.in_(COUNTED))
        .options(selectinload(ScoreSheet.scores))
    ).all()
    found = []
    for sheet in rows:
        values = {
            keys[s.criterion_id]: None if s.value is None else float(s.value) for s in sheet.scores
        }
        found.append(
            results.Sheet(sheet.judge_id, sheet.entry_id, results.sheet_total(values, spec), values)
        )
    return found


def timed(runs: int, work: Callable[[], Any]) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def measure(name: str, url: str, args: argparse.Namespace) -> None:
    event_id = fill(url, args.entries, args.judges)
    app = create_app({"DATABASE_URL": url, "SOCKETIO_ASYNC_MODE": "threading", "SECRET_KEY": "b"})
    with app.app_context(), db.unit_of_work() as session:
        event = session.get_one(Event, event_id)
        sheets = standings.counted_sheets(session, event)
        entry_ids = [entry.id for entry in session.scalars(select(Entry))]

        def snapshot() -> None:
            with db.unit_of_work() as fresh:
                standings.compute_snapshot(fresh, fresh.get_one(Event, event_id), 0)

        def side_by_side() -> None:
            with db.unit_of_work() as fresh:
                standings.compare(fresh, fresh.get_one(Event, event_id))

        def orm() -> None:
            with db.unit_of_work() as fresh:
                found = fresh.get_one(Event, event_id)
                results.standings(entry_ids, orm_read(fresh, found), found.tie_break)

        figures = []
        for method in results.METHODS:
            with db.unit_of_work(write=True) as writing:
                writing.get_one(Event, event_id).aggregation = Aggregation(method)
            figures.append((f"snapshot, {method}", timed(args.runs, snapshot)))
        figures.append(("results, every method", timed(args.runs, side_by_side)))
        figures.append(("read as ORM objects", timed(args.runs, orm)))
        for method in results.METHODS:
            maths = partial(results.standings, entry_ids, sheets, event.tie_break, method)
            figures.append((f"maths, {method}", timed(args.runs, maths)))
    app.extensions[db.EXTENSION].dispose()
    print(
        f"\n{name}: {args.entries} entries x {args.judges} judges x {len(CRITERIA)} criteria "
        f"= {len(sheets)} sheets, {args.runs} runs"
    )
    print(f"{'':28}{'median':>10}{'p95':>10}  (ms)")
    for label, samples in figures:
        p95 = sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]
        print(f"{label:28}{statistics.median(samples):10.1f}{p95:10.1f}")


def postgres_database() -> tuple[str, Callable[[], None]] | None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"sangtao_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as error:  # absent or refusing: SQLite only
        print(f"\nPostgreSQL at {POSTGRES_URL} not measured: {error.__class__.__name__}")
        admin.dispose()
        return None

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--judges", type=int, default=15)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    # The app keeps its generated secret key in its instance folder: not the repository's.
    os.environ.setdefault("SANGTAO_INSTANCE", tempfile.mkdtemp(prefix="sangtao-bench-"))
    with tempfile.TemporaryDirectory(prefix="sangtao-bench-") as folder:
        measure("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", args)
    found = postgres_database()
    if found is not None:
        url, drop = found
        try:
            measure("PostgreSQL", url, args)
        finally:
            drop()


if __name__ == "__main__":
    main()
