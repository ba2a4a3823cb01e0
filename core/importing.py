"""How an import runs, whatever it imports: upload, check off the request, preview, confirm,
write off the request, result.

1. The organiser uploads a file: it is stored in ``instance/imports`` under a random id (never
   under its own name) and a job (``core.jobs``) checks it, so that a 1,000-row file never holds
   up a request.
2. The check reads the file (``core.imports``), reads what the importer needs to know from the
   database (known units, themes, what exists already), and runs the importer's pure ``check``:
   every row becomes part of an :class:`Item` (an initiative and its authors, a judge, a unit),
   keyed by its stable code and marked new, changed or unchanged, or a :class:`Problem`. The
   preview (counts, problems, a sample) is stored beside the upload; nothing is written.
3. The organiser confirms only when there is no problem. A second job then checks the file
   again against the database as it is now (it may have changed since the preview) and writes
   the new and changed items, through the importer's ``write``, which audits each change.
   Unchanged items are not touched: importing the same file again changes nothing.

Nothing half-written: each item (an initiative with all its authors and its place on the
event's list, a judge, a unit) is written whole or not at all, in batches of :data:`BATCH`
items, each batch one transaction, with the progress recorded between them. One transaction for
the whole file would hold SQLite's write lock for seconds, and the judges' tablets would wait
on it. If a batch fails, the items before it stay written and the job says so; since the
import is keyed by code, uploading the same file again writes what is missing and leaves the
rest unchanged.

The upload and its preview are deleted a day after they were made; the upload itself as soon
as it is written.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from flask import current_app
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import db, jobs
from core.errors import Invalid, NotFound
from core.imports import Column, Problem, Table, read_table
from core.models import Event, Organiser

R = TypeVar("R")

BATCH = 100  # items written per transaction
KEEP_SECONDS = 24 * 60 * 60
UPLOAD_ID = 22  # characters of an upload's id (token_urlsafe(16))
SAMPLE = 20  # items of the preview's sample
SHOWN_PROBLEMS = 500  # problems listed on the preview page
ACCEPTED = (".xlsx", ".csv")


class Status(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass
class Item(Generic[R]):
    """One thing to write, from one or several rows; ``cells`` is what the preview shows of it."""

    key: str
    rows: list[int]
    status: Status
    record: R
    cells: list[str]


@dataclass
class Checked(Generic[R]):
    items: list[Item[R]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Importer(Generic[R]):
    """An import, declared by the package that owns its data.

    ``context`` reads what the check needs (in a read session; the event, or None for an import
    of the whole site; the organiser who uploaded the file, since what a row may change can
    depend on who imports it); ``check`` is pure: the file's rows and that context in, items and
    problems out; ``write`` writes one item in the given write session, audited in the name of
    ``actor``; ``allowed`` lists, by column key, the values the template's guide names.
    """

    kind: str
    label: Any  # a lazy string
    about: Any  # a lazy string: what a row is, shown above the upload form
    columns: tuple[Column, ...]
    sample_headers: tuple[Any, ...]  # lazy strings: the preview's sample columns
    context: Callable[[Session, Event | None, Organiser | None], Any]
    check: Callable[[Table, Any], Checked[R]]
    write: Callable[[Session, Event | None, Item[R], str], None]
    allowed: Callable[[Session], dict[str, list[str]]]
    template_name: str
    site: bool = False  # an import of the whole site (administrators), not of an event
    # What to do next once written (a lazy string), and the event's page to do it on.
    next_step: Any = ""
    next_endpoint: str = ""


_importers: dict[str, Importer[Any]] = {}


def register(importer: Importer[Any]) -> None:
    _importers[importer.kind] = importer


def importers(*, site: bool) -> list[Importer[Any]]:
    return [importer for importer in _importers.values() if importer.site == site]


def importer_or_404(kind: str, *, site: bool) -> Importer[Any]:
    importer = _importers.get(kind)
    if importer is None or importer.site != site:
        raise NotFound("import_not_found", _("Không có loại dữ liệu nhập này."))
    return importer


# --- Stored uploads -----------------------------------------------------------------------------


@dataclass
class Upload:
    """An uploaded file's record: what it is for, and, once checked or written, its preview."""

    id: str
    kind: str
    filename: str
    event_id: int | None
    organiser_id: int
    created: float
    preview: dict[str, Any] | None = None


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    """Delete the uploads and previews older than a day."""
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def store(data: bytes, filename: str, kind: str, event_id: int | None, organiser_id: int) -> Upload:
    folder = _folder()
    _sweep(folder)
    upload = Upload(
        secrets.token_urlsafe(16), kind, filename[-200:], event_id, organiser_id, time.time()
    )
    (folder / f"{upload.id}.data").write_bytes(data)
    save(upload)
    return upload


def save(upload: Upload) -> None:
    path = _folder() / f"{upload.id}.json"
    path.write_text(json.dumps(asdict(upload), ensure_ascii=False))


def upload_or_404(upload_id: str, kind: str, event_id: int | None) -> Upload:
    """The upload of this import and event; NotFound for any other, or once swept away."""
    path = _folder() / f"{upload_id}.json"
    valid = len(upload_id) == UPLOAD_ID and upload_id.replace("-", "").replace("_", "").isalnum()
    if valid and path.is_file():
        upload = Upload(**json.loads(path.read_text()))
        if upload.kind == kind and upload.event_id == event_id:
            return upload
    raise NotFound(
        "upload_not_found",
        _("Không tìm thấy tệp đã tải lên: tệp chỉ được giữ một ngày. Hãy tải lên lại."),
    )


def _data(upload: Upload) -> bytes | None:
    path = _folder() / f"{upload.id}.data"
    return path.read_bytes() if path.is_file() else None


def accepted_file(filename: str, data: bytes, limit: int) -> None:
    """Refuse a file that is not .xlsx or .csv, empty, or over ``limit`` bytes."""
    if not filename.lower().endswith(ACCEPTED):
        raise Invalid("unknown_file_type", _("Hãy chọn một tệp .xlsx hoặc .csv."))
    if not data:
        raise Invalid("empty_file", _("Tệp trống."))
    if len(data) > limit:
        megabytes = limit // (1024 * 1024)
        message = _("Tệp lớn quá %(size)s MB. Hãy chia thành nhiều tệp nhỏ hơn.", size=megabytes)
        raise Invalid("file_too_large", message)


# --- Checking -----------------------------------------------------------------------------------


def check_upload(session: Session, importer: Importer[R], upload: Upload) -> Checked[R]:
    """The upload's items and problems, against the database as ``session`` sees it now, kept
    as its preview: a file that cannot be read at all has one, which says why."""
    checked, skipped = _check(session, importer, upload)
    upload.preview = _preview(checked, skipped)
    return checked


def _check(
    session: Session, importer: Importer[R], upload: Upload
) -> tuple[Checked[R], Sequence[int]]:
    data = _data(upload)
    if data is None:
        message = _("Tệp đã được ghi hoặc đã hết hạn. Hãy tải lên lại.")
        return Checked(problems=[Problem(0, "", "", message)]), []
    try:
        table = read_table(data, upload.filename, importer.columns)
    except Invalid as error:
        return Checked(problems=[Problem(0, "", "", error.message)]), []
    event = session.get(Event, upload.event_id) if upload.event_id is not None else None
    organiser = session.get(Organiser, upload.organiser_id)
    checked = importer.check(table, importer.context(session, event, organiser))
    checked.problems[:0] = table.problems
    return checked, table.skipped


def _preview(checked: Checked[Any], skipped: Sequence[int]) -> dict[str, Any]:
    counts = {status.value: 0 for status in Status}
    for item in checked.items:
        counts[item.status.value] += 1
    problem_rows = {problem.row for problem in checked.problems}
    sample = [item for item in checked.items if item.status != Status.UNCHANGED][:SAMPLE]
    return {
        "counts": counts,
        "rows": sum(len(item.rows) for item in checked.items) + len(problem_rows - {0, 1}),
        "problem_rows": len(problem_rows),
        "problems": [asdict(problem) for problem in checked.problems],
        "skipped": list(skipped),
        "sample": [
            {"rows": item.rows, "status": item.status.value, "cells": item.cells} for item in sample
        ],
        "outcome": None,
        "stale": False,
    }


@jobs.task("import-check", lazy_gettext("Kiểm tra tệp nhập dữ liệu"))
def check_task(progress: jobs.Progress, params: dict[str, Any]) -> dict[str, Any]:
    """Check an upload and store its preview; nothing else is written."""
    importer = _importers[params["importer"]]
    with force_locale(params["locale"]):
        progress.expect(2)
        upload = upload_or_404(params["upload"], importer.kind, params["event"])
        progress.step(message=_("Đang đọc và kiểm tra tệp…"))
        with db.unit_of_work() as session:
            check_upload(session, importer, upload)
        save(upload)
        progress.step(message=_("Đã kiểm tra xong."))
        return {"url": params["next"], "label": _("Xem kết quả kiểm tra")}


@jobs.task("import-apply", lazy_gettext("Ghi dữ liệu nhập từ tệp"))
def apply_task(progress: jobs.Progress, params: dict[str, Any]) -> dict[str, Any]:
    """Check the upload again, then write its new and changed items, batch by batch."""
    importer = _importers[params["importer"]]
    with force_locale(params["locale"]):
        upload = upload_or_404(params["upload"], importer.kind, params["event"])
        with db.unit_of_work() as session:
            checked = check_upload(session, importer, upload)
        assert upload.preview is not None
        if checked.problems:
            upload.preview["stale"] = True
            save(upload)
            return {"url": params["next"], "label": _("Xem các lỗi")}
        outcome = write_items(importer, upload.event_id, checked.items, params["actor"], progress)
        upload.preview["outcome"] = outcome
        save(upload)
        (_folder() / f"{upload.id}.data").unlink(missing_ok=True)
        return {"url": params["next"], "label": _("Xem kết quả")}


def write_items(
    importer: Importer[R],
    event_id: int | None,
    items: Sequence[Item[R]],
    actor: str,
    progress: jobs.Progress,
) -> dict[str, int]:
    """Write the new and changed items, :data:`BATCH` to a transaction; how many of each."""
    pending = [item for item in items if item.status != Status.UNCHANGED]
    progress.expect(len(pending))
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        with db.unit_of_work(write=True) as session:
            event = session.get(Event, event_id) if event_id is not None else None
            for item in batch:
                importer.write(session, event, item, actor)
        message = _("Đã ghi %(done)s/%(total)s.", done=start + len(batch), total=len(pending))
        progress.step(len(batch), message=message)
    counts = {status.value: 0 for status in Status}
    for item in items:
        counts[item.status.value] += 1
    return counts
