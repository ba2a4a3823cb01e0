"""How long the programme dashboard takes over 10,000 initiatives on SQLite, beside its parts.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/programme.py                 # 10,000 initiatives, 40 units, 30 runs
    .venv/bin/python bench/programme.py --initiatives 2000 --runs 50

It fills a temporary SQLite file (tuned as the app tunes it) with a unit tree of one corporation,
``--units`` companies under it, and ``--initiatives`` recognised initiatives over 2025-2027 with one
to four authors each, then times, ``--runs`` times each, in the same process and the same run:

* ``page``: ``GET /manage/programme`` for an administrator, the whole page rendered;
* ``read and count``: ``initiatives.manage_programme.programme``: the two reads and the figures;
* ``figures alone``: ``initiatives.programme.figures`` on the same records held in memory: the
  floor under any page (the baseline).

It prints the median and p95 in milliseconds and never asserts on timings.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core import db
from core.app import create_app
from core.auth import hash_password
from core.models import Organiser, Unit
from initiatives.manage_programme import programme
from initiatives.models import Author, Initiative, RecognitionLevel
from initiatives.programme import AuthorLine, Recognised, Target, UnitRow, figures

NAMES = ["Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Lê Minh Tuấn", "Phạm Quốc Bảo", "Võ Thanh Tùng"]


def fill(initiatives: int, units: int) -> None:
    rng = random.Random(11)
    with db.unit_of_work(write=True) as session:
        top = Unit(code="EVNCPC", name="Tổng công ty Điện lực miền Trung", staff_count=12000)
        session.add(top)
        session.flush()
        companies = [
            Unit(code=f"PC{n:02d}", name=f"Công ty Điện lực {n}", parent_id=top.id, staff_count=300)
            for n in range(units)
        ]
        session.add_all(companies)
        session.add(
            Organiser(
                email="a@evn.vn", name="A", password_hash=hash_password("x" * 12), is_admin=True
            )
        )
        session.flush()
        for number in range(initiatives):
            session.add(
                Initiative(
                    title=f"Sáng kiến {number}",
                    unit_id=rng.choice(companies).id,
                    recognition_level=RecognitionLevel.BASE,
                    decision_date=date(2025 + number % 3, 1 + number % 12, 1 + number % 28),
                    authors=[
                        Author(
                            position=position,
                            full_name=rng.choice(NAMES),
                            employee_code=f"NV{rng.randrange(9000):05d}"
                            if rng.random() < 0.9
                            else None,
                            birth_date=date(1970 + rng.randrange(30), 1, 1),
                            contribution_pct=Decimal(100),
                        )
                        for position in range(1, rng.randint(1, 4) + 1)
                    ],
                )
            )


def timed(work: Callable[[], Any], runs: int) -> tuple[float, float]:
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sangtao-bench-programme-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    db.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SOCKETIO_ASYNC_MODE": "threading", "TESTING": True})
    with app.app_context():
        fill(options.initiatives, options.units)
        with db.unit_of_work() as session:
            admin_id = session.scalar(select(Organiser.id))
            rows = (
                session.execute(
                    select(
                        Initiative.unit_id,
                        Initiative.decision_date,
                        Author.full_name,
                        Author.birth_date,
                        Author.employee_code,
                    ).join(Author, Author.initiative_id == Initiative.id)
                )
                .tuples()
                .all()
            )
            units = [
                UnitRow(u.id, u.parent_id, u.staff_count) for u in session.scalars(select(Unit))
            ]
    client = app.test_client()
    with client.session_transaction() as stored:
        stored["_user_id"] = f"{admin_id}:0"
        stored["_fresh"] = True

    def page() -> None:
        assert client.get("/manage/programme").status_code == 200

    def read() -> None:
        with app.app_context(), db.unit_of_work() as session:
            programme(session)

    recognised = [Recognised(unit, day) for unit, day, *_rest in rows]
    authors = [AuthorLine(unit, day, name, born, code) for unit, day, name, born, code in rows]

    def maths() -> None:
        figures(recognised, authors, units, {None: Target(2500, 10000, Decimal(10))}, 2025, 2028)

    print(
        f"{options.initiatives} initiatives, {len(rows)} author lines, "
        f"{options.units + 1} units, {options.runs} runs"
    )
    for label, work in (
        ("page", page),
        ("read and count", read),
        ("figures alone (baseline)", maths),
    ):
        median, p95 = timed(work, options.runs)
        print(f"{label:<28} median {median:8.1f} ms   p95 {p95:8.1f} ms")


if __name__ == "__main__":
    main()
