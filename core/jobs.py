"""Long work, off the request: one place to run it, with progress a page can show.

A view with long work to do (an import of 1,000 rows, a batch of 300 posters) calls :func:`start`
with the kind of a registered task and JSON parameters, then sends the organiser to the job's page.
The job's row is written in the request's transaction; once that commits, the task runs:

- under ``sangtao serve`` (gevent) in a process of its own (``sangtao run-job <id>``), so that CPU-
  heavy work never stalls the event loop that serves the screens and the tablets;
- otherwise (tests, the threading mode) in a thread.

The task reports progress through :class:`Progress`, in short write transactions of its own, and
returns its result (what the page offers next). The page polls ``GET /api/v1/jobs/<id>``.
A file the job made (a PDF of 300 posters) is kept with :func:`keep_file` for a week, then swept
away when a later job runs (off the request, never under its write lock): the organiser runs the
job again for a fresh one.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import db, live
from core.errors import DomainError
from core.models import Job, JobStatus, utcnow

log = logging.getLogger(__name__)

# Progress is written at most this often (seconds), and always at the end.
REPORT_EVERY = 0.5
# How long a job's file is kept for its download.
KEEP_FILES = timedelta(days=7)


class Progress:
    """What a running task tells its page: how many steps of how many, and what it is doing."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.done = 0
        self.total: int | None = None
        self.message = ""
        self._written = 0.0

    def expect(self, total: int) -> None:
        self.total = total
        self.record()

    def step(self, count: int = 1, message: str | None = None) -> None:
        self.done += count
        if message is not None:
            self.message = message
        if time.monotonic() - self._written >= REPORT_EVERY or self.done == self.total:
            self.record()

    def record(self, **outcome: Any) -> None:
        """Record how far the job has got and, at its end, its ``outcome`` (status, result...)."""
        with db.unit_of_work(write=True) as session:
            job = session.get_one(Job, self.job_id)
            job.done, job.total, job.message = self.done, self.total, self.message[:500]
            for column, value in outcome.items():
                setattr(job, column, value)
        self._written = time.monotonic()


Task = Callable[[Progress, dict[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class Kind:
    """A kind of long work: what the organiser reads on the job's page, and the task itself."""

    label: Any  # a lazy string
    run: Task


_kinds: dict[str, Kind] = {}


def task(kind: str, label: Any) -> Callable[[Task], Task]:
    """Register a function as the task of ``kind``; a package does it beside the function."""

    def register(run: Task) -> Task:
        _kinds[kind] = Kind(label, run)
        return run

    return register


def label(kind: str) -> Any:
    found = _kinds.get(kind)
    return found.label if found is not None else kind


def start(
    session: Session,
    kind: str,
    *,
    event_id: int | None = None,
    organiser_id: int | None = None,
    **params: Any,
) -> Job:
    """Queue a job in the caller's write transaction; it runs once that commits."""
    if kind not in _kinds:
        raise ValueError(f"no task of kind {kind!r}")
    job = Job(kind=kind, event_id=event_id, organiser_id=organiser_id, params=params)
    session.add(job)
    session.flush()
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    db.after_commit(session, partial(_launch, app, job.id))
    return job


def _files() -> Path:
    return Path(current_app.instance_path) / "jobs"


def kept_file(job_id: str) -> Path:
    """Where the file job ``job_id`` made is kept (it may be gone: swept away, or never made)."""
    return _files() / job_id


def keep_file(job_id: str, data: bytes) -> None:
    """Keep the file a job made for its download, readable by the server's user only: it may
    hold working links (ballots, judges' cards)."""
    _files().mkdir(mode=0o700, parents=True, exist_ok=True)
    path = kept_file(job_id)
    db.create_private_file(str(path))
    path.write_bytes(data)


# Where jobs kept their files before ``instance/jobs``: nothing serves them any more, and ballot
# slips hold working links, so they go at the first sweep.
FORMER_FOLDERS = ("posters", "ballot-slips", "certificates")


def _sweep_files() -> None:
    """Delete the jobs' files older than :data:`KEEP_FILES`, and those of the former folders.
    Another process may be sweeping too: a file gone meanwhile is no matter."""
    instance = Path(current_app.instance_path)
    limit = time.time() - KEEP_FILES.total_seconds()
    for folder in (_files(), *(instance / name for name in FORMER_FOLDERS)):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            with suppress(FileNotFoundError):
                if folder != _files() or path.stat().st_mtime < limit:
                    path.unlink()


def _launch(app: Flask, job_id: str) -> None:
    if app.config["SOCKETIO_ASYNC_MODE"] == "gevent":
        environment = os.environ | {"DATABASE_URL": app.config["DATABASE_URL"]}
        subprocess.Popen(
            [sys.executable, "-m", "core", "run-job", job_id],
            env=environment,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    else:
        threading.Thread(target=_run_in, args=(app, job_id), daemon=True).start()


def _run_in(app: Flask, job_id: str) -> None:
    with app.app_context():
        run(job_id)


def run(job_id: str) -> None:
    """Run a queued job to its end, recording its result or its error; never raises."""
    with db.unit_of_work(write=True) as session:
        job = session.get(Job, job_id)
        if job is None or job.status != JobStatus.QUEUED:
            return
        job.status = JobStatus.RUNNING
        kind, params = job.kind, dict(job.params or {})
    _sweep_files()
    progress = Progress(job_id)
    try:
        result = _kinds[kind].run(progress, params)
    except DomainError as refusal:  # the file or the data says no: the message says why
        log.info("job %s (%s) refused: %s", job_id, kind, refusal.code)
        progress.record(status=JobStatus.FAILED, error=refusal.message, finished_at=utcnow())
    except Exception:
        log.exception("job %s (%s) failed", job_id, kind)
        with force_locale(params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
            fault = _(
                "Việc này gặp lỗi không mong đợi của máy chủ. Hãy báo quản trị viên hệ thống: "
                "chi tiết được ghi trong nhật ký của máy chủ."
            )
        progress.record(status=JobStatus.FAILED, error=fault, finished_at=utcnow())
    else:
        progress.record(status=JobStatus.DONE, result=result, finished_at=utcnow())


STATUS_NAMES = {
    JobStatus.QUEUED: lazy_gettext("Đang chờ"),
    JobStatus.RUNNING: lazy_gettext("Đang chạy"),
    JobStatus.DONE: lazy_gettext("Đã xong"),
    JobStatus.FAILED: lazy_gettext("Không thành công"),
}

live.ignore(Job, "a job's progress is polled by the organiser's page; no screen shows it")
