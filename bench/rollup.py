"""How long a roll-up file of 10,000 initiatives takes to import, beside checking it alone.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/rollup.py                        # 10,000 initiatives, 600 characters
    .venv/bin/python bench/rollup.py --initiatives 2000 --section 1500

It signs, in memory, one unit's roll-up file of ``--initiatives`` initiatives of three authors
each, whose four description sections hold ``--section`` characters of Vietnamese text each (a
corporation's file of 10,000 records), registers its key on a temporary SQLite instance, then
times, in the same process:

* ``check alone`` (the baseline): the signature, the signer and every row read
  (``initiatives.rollup.check_files``), what any import costs before it writes;
* ``first import``: the same, then every initiative merged, 100 to a transaction, as the job does;
* ``import again``: the same file once more, which changes nothing.

It prints the file's size, each time in seconds, the longest batch (the longest the import holds
SQLite's write lock at once) and the process's peak memory; it never asserts on timings.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core import db
from core.app import create_app
from initiatives.models import RollupSigner
from initiatives.rollup import check_files, import_files, public_hex, sign

TEXT = (
    "Cải tiến quy trình kiểm tra định kỳ trạm biến áp 110 kV giúp giảm thời gian cắt điện và "
    "nâng cao độ an toàn cho công nhân vận hành. "
)
AUTHORS = (("Nguyễn Văn Hùng", "50"), ("Trần Thị Thu Hà", "30"), ("Lê Minh Tuấn", "20"))


def text(length: int, number: int) -> str:
    return (f"{number} " + TEXT * (length // len(TEXT) + 1))[:length]


def rollup_file(key: Ed25519PrivateKey, initiatives: int, section: int) -> bytes:
    signer = public_hex(key)
    rows = [
        {
            "global_id": f"{signer}:{number}",
            "unit": "PCQNAM",
            "code": f"PCQNAM-{number:05d}",
            "title": f"Sáng kiến số {number} " + text(100, number),
            "summary": text(400, number),
            "investor": "Công ty Điện lực Quảng Nam",
            "field": "",
            "theme": "",
            **{name: text(section, number) for name in ("prior_state", "solution")},
            **{name: text(section, number) for name in ("applicability", "effects")},
            "benefit_vnd": 150_000_000,
            "non_monetary_benefits": "",
            "decision_number": f"{number}/QĐ-PCQNAM",
            "solution_type": "technical",
            "scope": "unit",
            "recognition_level": "base",
            "first_applied_on": "2025-03-01",
            "decision_date": "2025-06-01",
            "authors": [
                {
                    "full_name": name,
                    "employee_code": f"PCQ{number:05d}{position}",
                    "workplace": "Điện lực Hội An",
                    "job_title": "Kỹ sư",
                    "qualification": "Đại học",
                    "birth_date": "1988-05-06",
                    "contribution_pct": share,
                }
                for position, (name, share) in enumerate(AUTHORS)
            ],
        }
        for number in range(initiatives)
    ]
    payload: dict[str, Any] = {
        "format": "sangtao-rollup",
        "version": 1,
        "exported_at": "2026-11-26T00:00:00+00:00",
        "unit": "PCQNAM",
        "units": [
            {
                "code": "PCQNAM",
                "name": "Công ty Điện lực Quảng Nam",
                "parent": None,
                "staff_count": 1200,
            }
        ],
        "initiatives": rows,
    }
    return sign(payload, key)


class Batches:
    """Stands for a job's progress: keeps the time between two batches."""

    def __init__(self) -> None:
        self.total = 0
        self.longest = 0.0
        self._last = time.perf_counter()

    def expect(self, total: int) -> None:
        self.total = total
        self._last = time.perf_counter()

    def step(self, count: int = 1, message: str | None = None) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--section", type=int, default=600, help="characters per section")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sangtao-bench-rollup-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    db.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SOCKETIO_ASYNC_MODE": "threading", "TESTING": True})
    key = Ed25519PrivateKey.generate()
    data = rollup_file(key, options.initiatives, options.section)
    files = [("pcqnam.sangtao", data)]
    print(f"file: {len(data) / 1e6:.1f} MB, {options.initiatives} initiatives")
    with app.app_context(), app.test_request_context():
        with db.unit_of_work(write=True) as session:
            session.add(RollupSigner(name="PCQNAM", public_key=public_hex(key)))
        start = time.perf_counter()
        with db.unit_of_work() as session:
            check_files(session, files)
        print(f"check alone (baseline): {time.perf_counter() - start:.1f} s")
        for label in ("first import", "import again"):
            batches = Batches()
            start = time.perf_counter()
            merged = import_files(files, "bench", batches)
            took = time.perf_counter() - start
            print(
                f"{label}: {took:.1f} s (created {merged.created}, unchanged {merged.unchanged}); "
                f"longest batch {batches.longest * 1000:.0f} ms"
            )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
