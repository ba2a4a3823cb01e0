"""How long the initiative library's searches take over 10,000 records, beside a bare count.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/library.py                   # 10,000 initiatives, 20 runs
    .venv/bin/python bench/library.py --initiatives 2000 --runs 50

It fills a temporary SQLite file (tuned as the app tunes it) with ``--initiatives`` realistic
records (titles drawn from the sector's vocabulary, two or three authors each, spread over two
corporations of five companies each and four years), through the ORM so that the search columns
are written as the app writes them. Then it times, ``--runs`` times each, in the same process:

* ``baseline: count(*)``: ``SELECT count(*) FROM initiative``, the floor of any query;
* ``baseline: one scan of search_text``: the count of a word found nowhere, the floor of any
  search by words (a ``LIKE '%word%'`` reads every row);
* ``search "tiet kiem dien"``: page 1 of a search without diacritics, ranked, with the count;
* ``search + unit subtree + year``: the same with a corporation's subtree and a year;
* ``browse by title``: no words, the whole library in Vietnamese order, page 1;
* ``browse by unit``: the same by unit name;
* ``export "tiet kiem dien" (rows)``: every record the search finds, loaded for an export;
* ``novelty check of one record``: the rare-word candidates and their scoring.

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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import db
from core.app import create_app
from core.models import Unit
from initiatives.models import Author, Initiative
from initiatives.novelty import similar
from initiatives.search import Query, everything, search

SUBJECTS = (
    "Tiết kiệm điện chiếu sáng",
    "Cảnh báo quá nhiệt tủ hạ thế",
    "Robot sửa chữa dây chống sét",
    "Chụp chống chim đầu cột",
    "Ghi chỉ số công tơ bằng ảnh chụp",
    "Phiếu công tác điện tử",
    "Gá nâng máy biến áp phân phối",
    "Tối ưu vận hành hồ chứa",
    "Giảm dầu đốt khởi động lò",
    "Thay chuỗi cách điện hotline",
)
WHERE = (
    "trạm biến áp",
    "lưới trung áp",
    "đường dây 110 kV",
    "nhà máy",
    "phòng điều độ",
    "khách hàng",
)
HOW = ("bằng IoT", "ứng dụng AI", "bằng UAV", "trên máy tính bảng", "bằng RPA", "cải tiến")
NAMES = (
    "Nguyễn Văn Hùng",
    "Trần Thị Thu Hà",
    "Lê Minh Tuấn",
    "Phạm Quốc Bảo",
    "Hoàng Thị Lan Anh",
    "Võ Thanh Tùng",
    "Đặng Ngọc Ánh",
    "Bùi Đức Thắng",
)


def fill(session: Session, count: int, seed: int = 11) -> int:
    """Two corporations of five companies; ``count`` initiatives; the first corporation's id."""
    rng = random.Random(seed)
    corporations = [Unit(code=f"TCT{n}", name=f"Tổng công ty Điện lực số {n}") for n in (1, 2)]
    companies = [
        Unit(code=f"PC{n}{m}", name=f"Công ty Điện lực {n}.{m}", parent=corporation)
        for n, corporation in enumerate(corporations, start=1)
        for m in range(1, 6)
    ]
    session.add_all([*corporations, *companies])
    session.flush()
    for number in range(count):
        title = f"{rng.choice(SUBJECTS)} {rng.choice(WHERE)} {rng.choice(HOW)} ({number})"
        shares = rng.choice(((100,), (60, 40), (50, 30, 20)))
        session.add(
            Initiative(
                code=f"SK-{number:05d}",
                title=title,
                summary=f"{title}: giải pháp do người lao động đề xuất và áp dụng.",
                solution="Nội dung giải pháp " + " ".join(rng.sample(SUBJECTS, 2)),
                unit_id=rng.choice(companies).id,
                first_applied_on=date(rng.randint(2023, 2026), rng.randint(1, 12), 1),
                benefit_vnd=rng.choice((None, 85_000_000, 150_000_000, 1_200_000_000)),
                authors=[
                    Author(position=i, full_name=name, contribution_pct=Decimal(share))
                    for i, (name, share) in enumerate(
                        zip(rng.sample(NAMES, len(shares)), shares, strict=True), start=1
                    )
                ],
            )
        )
        if number % 500 == 499:
            session.flush()
    session.flush()
    return corporations[0].id


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    spent = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        spent.append((time.perf_counter() - start) * 1000)
    spent.sort()
    return statistics.median(spent), spent[min(len(spent) - 1, int(len(spent) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'library.db'}"
        db.upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            started = time.perf_counter()
            with db.unit_of_work(write=True) as session:
                corporation = fill(session, options.initiatives)
            print(
                f"filled {options.initiatives} initiatives in {time.perf_counter() - started:.1f} s"
            )
            with db.unit_of_work() as session:
                last = session.scalars(select(Initiative).order_by(Initiative.id.desc())).first()
                assert last is not None
                cases: list[tuple[str, Callable[[], object]]] = [
                    (
                        "baseline: count(*)",
                        lambda: session.scalar(select(func.count()).select_from(Initiative)),
                    ),
                    (
                        "baseline: one scan of search_text",
                        lambda: session.scalar(
                            select(func.count())
                            .select_from(Initiative)
                            .where(Initiative.search_text.contains("zzz"))
                        ),
                    ),
                    (
                        'search "tiet kiem dien"',
                        lambda: search(session, Query(text="tiet kiem dien")),
                    ),
                    (
                        "search + unit subtree + year",
                        lambda: search(
                            session, Query(text="tiet kiem dien", unit_id=corporation, year=2025)
                        ),
                    ),
                    ("browse by title", lambda: search(session, Query(sort="title"))),
                    ("browse by unit", lambda: search(session, Query(sort="unit"))),
                    (
                        'export "tiet kiem dien" (rows)',
                        lambda: everything(session, Query(text="tiet kiem dien")),
                    ),
                    ("novelty check of one record", lambda: similar(session, last)),
                ]
                print("| what | median (ms) | p95 (ms) |\n|---|---:|---:|")
                for name, work in cases:
                    median, p95 = timed(work, options.runs)
                    print(f"| {name} | {median:,.1f} | {p95:,.1f} |")
                page = search(session, Query(text="tiet kiem dien"))
                print(f'({page.total} records match "tiet kiem dien")')


if __name__ == "__main__":
    main()
