"""How long an import of 1,000 initiatives (2,000 author rows) takes, beside a bare insert of the
same rows in the same run.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/imports.py                 # 1,000 initiatives, 2 authors each
    .venv/bin/python bench/imports.py --initiatives 200

On a temporary SQLite file (migrated, tuned as the app tunes it), with one unit and one event, it
writes a real XLSX of the initiatives, then times, in one process:

* ``read``: ``core.imports.read_table`` on the XLSX (openpyxl, read-only);
* ``check``: the importer's context read from the database and its pure check (the preview);
* ``write``: ``core.importing.write_items``: every initiative, its authors and its place on the
  event's list, audited, 100 to a transaction, with the job's progress recorded between batches;
* ``re-import``: read and check again, every initiative unchanged, nothing written;
* ``bare insert`` (the baseline): the same rows added as ORM objects in one transaction, with no
  file, no check, no audit.

It prints seconds and never asserts on timings.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

os.environ.setdefault("SANGTAO_INSTANCE", tempfile.mkdtemp(prefix="sangtao-bench-"))

from core import db
from core.app import create_app
from core.importing import Status, write_items
from core.imports import read_table
from core.jobs import Progress
from core.models import Event, Job, Unit
from initiatives.imports import COLUMNS, IMPORTER
from initiatives.models import Author, EventInitiative, Initiative


def workbook(count: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([column.label for column in COLUMNS])
    for number in range(1, count + 1):
        first = {
            "code": f"SK-{number:05d}",
            "title": f"Giàn uốn cáp thép cứng số {number}",
            "unit": "PCQNAM",
            "theme": "Số hóa quy trình vận hành",
            "solution_type": "Kỹ thuật",
            "first_applied_on": "05/12/2025",
            "summary": "Tóm tắt ngắn gọn nội dung của sáng kiến. " * 5,
            "benefit": "150.000.000",
            "author": "Nguyễn Văn Hùng",
            "birth_date": "14/03/1985",
            "contribution": "60",
        }
        second = {"code": f"SK-{number:05d}", "author": "Trần Thị Thu Hà", "contribution": "40"}
        for values in (first, second):
            sheet.append([values.get(column.key, "") for column in COLUMNS])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def timed(label: str, work: object) -> float:
    started = time.perf_counter()
    assert callable(work)
    work()
    seconds = time.perf_counter() - started
    print(f"{label:<14} {seconds:7.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--initiatives", type=int, default=1000)
    count = parser.parse_args().initiatives
    folder = Path(tempfile.mkdtemp(prefix="sangtao-bench-imports-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    db.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SOCKETIO_ASYNC_MODE": "threading"})
    data = workbook(count)
    print(f"{count} initiatives, {2 * count} rows, XLSX of {len(data) // 1024} KiB, SQLite")
    with app.app_context():
        with db.unit_of_work(write=True) as session:
            session.add(Unit(code="PCQNAM", name="Công ty Điện lực Quảng Nam"))
            events = [
                Event(slug=f"bench-{n}", name="Ngày hội", held_on=date(2026, 12, 5)) for n in (1, 2)
            ]
            session.add_all(events)
            session.add(job := Job(kind="import-apply"))
            session.flush()
            event_id, baseline_event_id, job_id = events[0].id, events[1].id, job.id
        found: dict[str, object] = {}

        def check() -> None:
            table = read_table(data, "bench.xlsx", IMPORTER.columns)
            with db.unit_of_work() as session:
                event = session.get(Event, event_id)
                found["checked"] = IMPORTER.check(table, IMPORTER.context(session, event, None))

        with app.test_request_context():
            read = timed("read", lambda: read_table(data, "bench.xlsx", IMPORTER.columns))
            checked = timed("read + check", check)
            items = found["checked"].items  # type: ignore[attr-defined]
            assert not found["checked"].problems  # type: ignore[attr-defined]
            write = timed(
                "write", lambda: write_items(IMPORTER, event_id, items, "bench", Progress(job_id))
            )
            again = timed("re-import", check)
            unchanged = found["checked"].items  # type: ignore[attr-defined]
            assert all(item.status == Status.UNCHANGED for item in unchanged)

        def bare() -> None:
            with db.unit_of_work(write=True) as session:
                for item in items:
                    record = item.record
                    initiative = Initiative(
                        code=f"B-{record.code}",
                        title=record.title,
                        summary=record.summary,
                        benefit_vnd=record.benefit_vnd,
                        first_applied_on=record.first_applied_on,
                        authors=[
                            Author(
                                position=n,
                                full_name=a.full_name,
                                contribution_pct=Decimal(a.contribution_pct),
                            )
                            for n, a in enumerate(record.authors, start=1)
                        ],
                    )
                    session.add(initiative)
                    session.flush()
                    session.add(
                        EventInitiative(event_id=baseline_event_id, initiative_id=initiative.id)
                    )

        baseline = timed("bare insert", bare)
    total = checked + write
    print(f"import (check + write): {total:.2f} s, {total / baseline:.1f} × the bare insert")
    print(f"read alone {read:.2f} s, re-import {again:.2f} s")


if __name__ == "__main__":
    main()
