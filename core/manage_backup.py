"""Backup and restore from the browser: an event's owner downloads its backup file from the
overview; a site administrator restores one, as a new event, from the events list.

A restore is checked while the upload's request is still open (a file that is not ours, damaged,
of a newer format or another schema is answered 422 at once, and nothing is written), then made
by a job: one transaction for every row, with the job's page linking to the restored event.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _

from core import audit, backup, db, jobs
from core.api import job_json, job_or_404
from core.auth import View, admin_required, admin_session, signed_in_organiser
from core.errors import Invalid, status_of
from core.i18n import locale_code
from core.manage import event_page
from core.models import Event, EventRole

bp = Blueprint("backup", __name__, url_prefix="/manage")

RESTORE = "backup.restore"
# Request.max_content_length of the restore's upload, from the app's config.
UPLOAD_LIMIT = "BACKUP_UPLOAD_LIMIT"


def large_body(view: View) -> View:
    """Let an administrator's session (only) send this view a body up to ``BACKUP_UPLOAD_LIMIT``,
    streamed to disk rather than held in memory (see ``core.db.read_body_first``)."""
    view.max_body = UPLOAD_LIMIT  # type: ignore[attr-defined]
    view.max_body_for = admin_session  # type: ignore[attr-defined]
    view.streams_body = True  # type: ignore[attr-defined]
    return view


@bp.route("/<slug>/backup")
@event_page(EventRole.OWNER)
def download(event: Event) -> ResponseReturnValue:
    """The event's backup file: its data, with personal data and card digests, and its files."""
    organiser = signed_in_organiser()
    assert organiser is not None
    file = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it once sent
    backup.write_event(db.session(), event, file)
    file.seek(0)
    audit.record(db.write(), organiser, "event.backup", f"event:{event.id}", event_id=event.id)
    return send_file(
        file,
        mimetype="application/zip",
        as_attachment=True,
        download_name=backup.file_name(event),
    )


@bp.route("/restore", methods=["GET", "POST"])
@admin_required
@large_body
def restore() -> ResponseReturnValue:
    """Upload an event's backup file; checked now, restored by a job."""
    if request.method == "GET":
        return render_template("core/manage/restore.html")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refused(Invalid("no_file", _("Hãy chọn tệp sao lưu (.sangtao).")))
    path = _keep(upload.stream)
    try:
        backup.read_backup(path, backup.revision(db.session()))
    except Invalid as error:
        path.unlink(missing_ok=True)
        return _refused(error)
    organiser = signed_in_organiser()
    assert organiser is not None
    job = jobs.start(
        db.write(),
        RESTORE,
        organiser_id=organiser.id,
        path=str(path),
        locale=locale_code(),
        actor=audit.actor(organiser),
    )
    return redirect(url_for("backup.job", job_id=job.id))


def _refused(error: Invalid) -> ResponseReturnValue:
    return render_template("core/manage/restore.html", problem=error.message), status_of(error)


def uploads_folder() -> Path:
    return Path(current_app.instance_path) / "restores"


def _keep(stream: Any) -> Path:
    """The upload, kept in ``instance/restores`` (readable by its owner only) for the job."""
    folder = uploads_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4()}{backup.SUFFIX}"
    db.create_private_file(str(path))
    with path.open("wb") as copy:
        while chunk := stream.read(backup.CHUNK):
            copy.write(chunk)
    return path


@bp.route("/restore/jobs/<job_id>")
@admin_required
def job(job_id: str) -> ResponseReturnValue:
    """A restore under way, then the link to the restored event."""
    return render_template("core/manage/job.html", job=job_json(job_or_404(job_id, RESTORE)))


@jobs.task(RESTORE, lazy_gettext("Khôi phục sự kiện"))
def run_restore(progress: jobs.Progress, params: dict[str, Any]) -> dict[str, Any]:
    """The job: check the file again, restore it, and say where the event is now."""
    path = Path(params["path"])
    with current_app.test_request_context(), force_locale(params.get("locale") or "vi"):
        try:
            progress.expect(2)
            progress.step(0, _("Đang kiểm tra tệp sao lưu…"))

            def checked() -> None:
                progress.step(message=_("Đang ghi dữ liệu vào cơ sở dữ liệu…"))

            restored = backup.restore_file(path, params["actor"], on_checked=checked)
            progress.step(message=_("Đã khôi phục sự kiện “%(name)s”.", name=restored.name))
            return {
                "url": url_for("manage.overview", slug=restored.slug),
                "label": _("Mở sự kiện đã khôi phục"),
                "notes": restored.notes,
            }
        finally:
            path.unlink(missing_ok=True)


def init_app(app: Flask) -> None:
    app.config.setdefault(UPLOAD_LIMIT, 1024 * 1024 * 1024)
    app.register_blueprint(bp)
