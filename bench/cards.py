"""How long the judge cards PDF takes for 60 judges, beside what it is made of.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/cards.py                # 60 judges, 10 runs
    .venv/bin/python bench/cards.py --judges 120 --runs 5

In one process and the same run, ``--runs`` times each, it times:

* ``print request``: the organiser's ``POST /manage/<slug>/jury/cards`` through the app on a
  temporary SQLite file: new tokens and PINs for every judge, the audit rows, the PDF, the commit;
* ``cards PDF``: ``scoring.cards.cards_pdf`` alone, on the same cards held in memory;
* ``QR codes alone``: the cards' QR codes as PNG (``core.qr``), the part no layout can avoid;
* ``empty document``: the fonts loaded and one empty page written (``core.pdf``), the fixed cost.

It prints the median and the slowest run in milliseconds and never asserts on timings.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from core import db, pdf, qr
from core.app import create_app
from core.auth import hash_token, new_token
from core.models import Event, EventStatus, Organiser, Unit
from scoring.cards import Card, cards_pdf
from scoring.models import Judge, JuryRole

NAMES = [
    "Nguyễn Văn Hùng",
    "Trần Thị Thu Hà",
    "Lê Minh Tuấn",
    "Phạm Quốc Bảo",
    "Hoàng Thị Lan Anh",
    "Võ Thanh Tùng",
    "Đặng Ngọc Ánh",
    "Bùi Đức Thắng",
    "Đỗ Thị Mai Phương",
    "Huỳnh Tấn Phát",
    "Ngô Quang Vinh",
    "Dương Thị Hồng Nhung",
]
ROLES = list(JuryRole)
EVENT_NAME = "Ngày hội Lao động sáng tạo Công đoàn Điện lực Việt Nam năm 2026"


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def sample_cards(judges: int) -> list[Card]:
    return [
        Card(
            event=EVENT_NAME,
            name=NAMES[n % len(NAMES)],
            role="Chuyên gia kỹ thuật",
            chair=n == 0,
            unit="Công ty Điện lực Quảng Nam",
            code=f"GK{n + 1:02d}",
            link=f"http://192.168.1.10:8000/j/{new_token()}",
            pin=f"{n * 7919 % 10**6:06d}",
            pin_page="http://192.168.1.10:8000/j",
        )
        for n in range(judges)
    ]


def print_request(folder: Path, judges: int) -> Callable[[], object]:
    """The organiser's print, through the app, on an event with ``judges`` active judges."""
    url = f"sqlite:///{folder / 'bench.db'}"
    db.upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "bench",
            "PUBLIC_URL": "http://192.168.1.10:8000",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context(), db.unit_of_work(write=True) as session:
        unit = Unit(code=f"B{uuid.uuid4().hex[:6]}", name="Công ty Điện lực Quảng Nam")
        event = Event(
            slug="bench-cards", name=EVENT_NAME, held_on=date(2026, 12, 5), status=EventStatus.OPEN
        )
        admin = Organiser(email="bench@evn.example", name="Bench", password_hash="-", is_admin=True)
        session.add_all([unit, event, admin])
        session.flush()
        session.add_all(
            Judge(
                event_id=event.id,
                code=f"GK{n + 1:02d}",
                name=NAMES[n % len(NAMES)],
                role=ROLES[n % len(ROLES)],
                unit_id=unit.id,
                token_hash=hash_token(new_token()),
            )
            for n in range(judges)
        )
        session.flush()
        user_id = admin.get_id()
    client = app.test_client()
    with client.session_transaction() as stored:
        stored["_user_id"] = user_id

    def post() -> object:
        answer = client.post("/manage/bench-cards/jury/cards")
        assert answer.status_code == 200, answer.status_code
        return answer.get_data()

    return post


def empty_document() -> bytes:
    document = pdf.document()
    document.add_page()
    return pdf.output(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=int, default=60)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    cards = sample_cards(args.judges)
    with tempfile.TemporaryDirectory(prefix="sangtao-bench-") as folder:
        request = print_request(Path(folder), args.judges)
        figures = [
            ("print request", timed(args.runs, request)),
            ("cards PDF", timed(args.runs, lambda: cards_pdf(cards))),
            ("QR codes alone", timed(args.runs, lambda: [qr.png(c.link) for c in cards])),
            ("empty document", timed(args.runs, empty_document)),
        ]
    pages, size = math.ceil(args.judges / 4), len(cards_pdf(cards)) / 1024
    print(f"{args.judges} judges, {pages} pages, {size:.0f} KiB, {args.runs} runs")
    print(f"{'':18}{'median':>10}{'max':>10}  (ms)")
    for label, samples in figures:
        print(f"{label:18}{statistics.median(samples):10.1f}{max(samples):10.1f}")


if __name__ == "__main__":
    main()
