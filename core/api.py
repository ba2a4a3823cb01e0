"""Core's JSON endpoints: how far a long job has got."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Flask, Response, abort, jsonify, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core import db, jobs
from core.auth import can_manage, organiser_required, signed_in_organiser
from core.errors import NotFound
from core.models import Event, Job

bp = Blueprint("core_api", __name__, url_prefix="/api/v1")


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def job_or_404(job_id: str, kind: str | None = None) -> Job:
    """A job the signed-in organiser may follow: one of an event they can open, or their own;
    of ``kind``, if given (a page that follows one kind of job finds no other)."""
    organiser = signed_in_organiser()
    parsed = _uuid(job_id)
    job = db.session().get(Job, str(parsed)) if parsed is not None else None
    if job is not None and kind is not None and job.kind != kind:
        job = None
    if job is not None and organiser is not None:
        event = db.session().get(Event, job.event_id) if job.event_id is not None else None
        mine = job.organiser_id == organiser.id or organiser.is_admin
        if mine if event is None else can_manage(event):
            return job
    raise NotFound("job_not_found", _("Không tìm thấy công việc này."))


def job_file(job_id: str, kind: str, event: Event, download_name: str) -> Response:
    """The PDF a job of ``kind`` made for ``event``, as a download no cache keeps (it may hold
    working links); not found once swept away."""
    found = job_or_404(job_id, kind)
    path = jobs.kept_file(found.id)
    if found.event_id != event.id or not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=download_name
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "label": str(jobs.label(job.kind)),
        "status": job.status.value,
        "status_name": str(jobs.STATUS_NAMES[job.status]),
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "result": job.result,
        "error": job.error,
        "updated_at": job.updated_at.isoformat(),
    }


@bp.get("/jobs/<job_id>")
@organiser_required
def job(job_id: str) -> ResponseReturnValue:
    """The job's progress, polled by its page."""
    return jsonify(job_json(job_or_404(job_id)))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
