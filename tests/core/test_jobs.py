import os
import time
from pathlib import Path

import pytest
from flask_babel import lazy_gettext

from core import db, jobs
from core.errors import Invalid
from core.models import EventRole, Job, JobStatus

STEPS = 5


@jobs.task("test-count", lazy_gettext("Đếm thử"))
def count(progress, params):
    progress.expect(params["up_to"])
    for number in range(1, params["up_to"] + 1):
        progress.step(message=f"Số {number}")
    return {"url": "/kết-quả", "label": "Tải về"}


@jobs.task("test-fail", lazy_gettext("Thất bại thử"))
def fail(progress, params):
    progress.expect(3)
    progress.step()
    raise Invalid("invalid_date", "Dòng 2: ngày không đúng định dạng dd/mm/yyyy")


@jobs.task("test-fault", lazy_gettext("Lỗi thử"))
def fault(progress, params):
    raise KeyError("an internal name")


def start(app, kind, event=None, **params):
    with app.test_request_context(method="POST"):
        job = jobs.start(db.write(), kind, event_id=event.id if event else None, **params)
        db.commit()
        return job.id


def finished(app, job_id):
    """The job once it has ended (it runs in a thread of its own under test)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with app.app_context(), db.unit_of_work() as session:
            job = session.get(Job, job_id)
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                return job
        time.sleep(0.02)
    raise AssertionError("the job did not end")


def test_a_job_runs_after_the_commit_and_keeps_its_progress_and_result(app, factory):
    job = finished(app, start(app, "test-count", factory.event(), up_to=STEPS))
    assert (job.status, job.done, job.total, job.message) == (JobStatus.DONE, 5, 5, "Số 5")
    assert job.result == {"url": "/kết-quả", "label": "Tải về"}
    assert job.finished_at is not None


def test_a_failed_job_says_why(app):
    job = finished(app, start(app, "test-fail"))
    assert (job.status, job.done, job.total) == (JobStatus.FAILED, 1, 3)
    assert job.error == "Dòng 2: ngày không đúng định dạng dd/mm/yyyy"


def test_a_fault_says_to_call_the_administrator_not_what_the_code_said(app, caplog):
    job = finished(app, start(app, "test-fault"))
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Việc này gặp lỗi không mong đợi của máy chủ.")
    assert "an internal name" not in job.error
    assert "an internal name" in caplog.text  # for the administrator, with its traceback


def test_a_jobs_file_is_private_and_swept_away_a_week_later(app, factory):
    with app.app_context():
        jobs.keep_file("old", b"%PDF old")
        jobs.keep_file("recent", b"%PDF recent")
        old, recent = jobs.kept_file("old"), jobs.kept_file("recent")
        assert old.stat().st_mode & 0o777 == 0o600
        eight_days_ago = time.time() - 8 * 24 * 3600
        os.utime(old, (eight_days_ago, eight_days_ago))
        former = Path(app.instance_path) / "ballot-slips" / "slips.pdf"
        former.parent.mkdir()
        former.write_bytes(b"%PDF working ballot links")
    finished(app, start(app, "test-count", factory.event(), up_to=1))
    assert not old.exists() and not former.exists()
    assert recent.read_bytes() == b"%PDF recent"


def test_a_job_rolled_back_with_its_request_never_runs(app):
    with app.test_request_context(method="POST"):
        job_id = jobs.start(db.write(), "test-count", up_to=STEPS).id
        db.rollback()
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Job, job_id) is None


def test_under_the_production_server_a_job_runs_in_a_process_of_its_own(app, monkeypatch):
    launched = []
    monkeypatch.setattr(jobs.subprocess, "Popen", lambda args, **_: launched.append(args))
    app.config["SOCKETIO_ASYNC_MODE"] = "gevent"
    job_id = start(app, "test-count", up_to=STEPS)
    assert [args[-2:] for args in launched] == [["run-job", job_id]]


def test_the_run_job_command_runs_a_queued_job(app, runner, monkeypatch):
    monkeypatch.setattr(jobs.subprocess, "Popen", lambda args, **_: None)
    app.config["SOCKETIO_ASYNC_MODE"] = "gevent"
    job_id = start(app, "test-count", up_to=STEPS)
    result = runner.invoke(args=["run-job", job_id])
    assert result.exit_code == 0, result.output
    assert finished(app, job_id).done == STEPS


def test_the_job_page_and_its_progress_are_for_the_events_organisers(
    app, factory, organiser_client
):
    event = factory.event()
    job_id = start(app, "test-count", event, up_to=STEPS)
    finished(app, job_id)
    viewer = organiser_client(event, EventRole.VIEWER)
    progress = viewer.get(f"/api/v1/jobs/{job_id}").get_json()
    assert (progress["status"], progress["done"], progress["label"]) == ("done", 5, "Đếm thử")
    page = viewer.get(f"/manage/{event.slug}/jobs/{job_id}").get_data(as_text=True)
    assert "Đếm thử" in page and "Tải về" in page
    stranger = organiser_client(factory.event(), EventRole.OWNER)
    assert stranger.get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert viewer.get("/api/v1/jobs/not-a-uuid").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/jobs/{job}", "/manage/{slug}/jobs/{job}"])
def test_a_job_of_another_event_is_not_found_there(app, factory, organiser_client, path):
    event, other = factory.event(), factory.event()
    job_id = start(app, "test-count", other, up_to=1)
    finished(app, job_id)
    client = organiser_client(event, EventRole.OWNER)
    assert client.get(path.format(job=job_id, slug=event.slug)).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/manage/restore/jobs/{job}", "/manage/rollup/jobs/{job}", "/manage/programme/reports/{job}"],
)
def test_a_page_that_follows_one_kind_of_job_finds_no_other(app, factory, organiser_client, path):
    event = factory.event()
    job_id = start(app, "test-count", event, up_to=1)
    finished(app, job_id)
    admin = organiser_client(admin=True)
    assert admin.get(f"/manage/{event.slug}/jobs/{job_id}").status_code == 200
    assert admin.get(path.format(job=job_id)).status_code == 404
