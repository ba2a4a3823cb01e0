"""The administrators' roll-up page (Tổng hợp từ các đơn vị) at ``/manage/rollup``: this
instance's public key and its signed library file to send up; the units' keys this instance
trusts; the import of the units' files. ``sangtao rollup-import FILE...`` does the same import
from a shell. The rules are in ``initiatives.rollup``.

A corporation's file of 10.000 initiatives with their authors weighs 50 to 180 MB (by the length
of their descriptions), so the upload may be up to ``ROLLUP_UPLOAD_LIMIT`` (256 MB by default), from
an administrator's session only: the body is never held in memory whole (the form parser streams
it to temporary files), each file is copied in chunks to ``instance/rollups`` (readable by the
server's user only), and a job (``rollup-import``) checks and merges them, with its progress on
its page, then deletes them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from core import audit, db, jobs, signals
from core.admin import AdminLink, unit_lines
from core.api import job_json, job_or_404
from core.auth import admin_required, admin_session, signed_in_organiser
from core.errors import Invalid, NotFound
from core.i18n import locale_code, nfc
from core.models import Organiser
from core.models.base import MAX_ID
from initiatives.models import RollupSigner
from initiatives.rollup import (
    MAGIC,
    Merged,
    import_files,
    instance_key,
    looks_like_rollup,
    public_hex,
    register_signer,
    remove_signer,
    signed_file,
    spaced,
)

bp = Blueprint("rollup", __name__, url_prefix="/manage/rollup", template_folder="templates")

IMPORT = "rollup-import"
# Request.max_content_length of the import's upload (see core.db.read_body_first).
UPLOAD_LIMIT = "ROLLUP_UPLOAD_LIMIT"
CHUNK = 1024 * 1024
KEEP_SECONDS = 24 * 60 * 60


def _me() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only administrators in
    return organiser


def _page(
    errors: Mapping[str, str] | None = None, problem: str = "", status: int = 200
) -> ResponseReturnValue:
    session = db.session()
    signers = session.scalars(
        select(RollupSigner).options(joinedload(RollupSigner.unit)).order_by(RollupSigner.name)
    ).all()
    own = public_hex(instance_key(Path(current_app.instance_path)))
    page = render_template(
        "initiatives/rollup/rollup.html",
        own_key=spaced(own),
        signers=signers,
        spaced=spaced,
        units=unit_lines(session),
        errors=errors or {},
        form=request.form if errors else {},
        problem=problem,
        limit=_megabytes(),
    )
    return page, status


@bp.route("")
@admin_required
def rollup() -> ResponseReturnValue:
    """This instance's key and file, the keys it trusts, and the import."""
    return _page()


@bp.route("/library.sangtao")
@admin_required
def export() -> ResponseReturnValue:
    """This instance's library as one signed file, to send to the corporation."""
    data = signed_file(db.session(), instance_key(Path(current_app.instance_path)))
    name = f"tong-hop-sang-kien-{date.today():%Y-%m-%d}.sangtao"
    return Response(
        data,
        mimetype="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/signers", methods=["POST"])
@admin_required
def add_signer() -> ResponseReturnValue:
    """Trust the files of a unit's instance, by its public key."""
    unit = request.form.get("unit", "")
    unit_id = int(unit) if unit.isdigit() and 0 < int(unit) <= MAX_ID else None
    try:
        signer = register_signer(
            db.write(),
            request.form.get("name", ""),
            request.form.get("public_key", ""),
            unit_id,
            _me(),
            public_hex(instance_key(Path(current_app.instance_path))),
        )
    except Invalid as error:
        db.rollback()
        return _page(error.details.get("fields", {}), status=422)
    flash(_("Đã đăng ký khóa của “%(name)s”.", name=signer.name), "info")
    return redirect(url_for("rollup.rollup"))


@bp.route("/signers/<int:signer_id>/remove", methods=["POST"])
@admin_required
def remove(signer_id: int) -> ResponseReturnValue:
    """Stop trusting a unit's key; what was imported with it stays."""
    writing = db.write()
    signer = writing.get(RollupSigner, signer_id) if 0 < signer_id <= MAX_ID else None
    if signer is None:
        raise NotFound("signer_not_found", _("Không tìm thấy khóa này."))
    name = signer.name
    remove_signer(writing, signer, _me())
    flash(_("Đã bỏ khóa của “%(name)s”.", name=name), "info")
    return redirect(url_for("rollup.rollup"))


def summary(merged: Merged) -> str:
    return str(
        _(
            "Đã nhập %(files)s tệp: %(created)s sáng kiến mới, %(updated)s được cập nhật, "
            "%(unchanged)s không đổi; %(units)s đơn vị mới.",
            files=len(merged.files),
            created=merged.created,
            updated=merged.updated,
            unchanged=merged.unchanged,
            units=merged.units_created,
        )
    )


def _megabytes() -> int:
    return int(current_app.config[UPLOAD_LIMIT]) // (1024 * 1024)


def uploads_folder() -> Path:
    return Path(current_app.instance_path) / "rollups"


def _sweep(folder: Path) -> None:
    """Delete the uploads older than a day: a job deletes its files, unless its process died."""
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _keep(upload: FileStorage) -> Path:
    """The upload, copied in chunks to ``instance/rollups`` (readable by its owner only)."""
    folder = uploads_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _sweep(folder)
    path = folder / f"{uuid.uuid4()}.sangtao"
    db.create_private_file(str(path))
    with path.open("wb") as copy:
        while chunk := upload.stream.read(CHUNK):
            copy.write(chunk)
    return path


def _kept(uploads: list[FileStorage]) -> list[tuple[str, str]]:
    """Each upload's name and the path it was kept at; ``Invalid`` (and nothing kept) when one
    does not even begin as a roll-up file."""
    kept: list[tuple[str, str]] = []
    try:
        for upload in uploads:
            name = nfc(upload.filename or "")[-200:]
            looks_like_rollup(upload.stream.read(len(MAGIC) + 1), name)
            upload.stream.seek(0)
            kept.append((name, str(_keep(upload))))
    except Invalid:
        for _name, path in kept:
            Path(path).unlink(missing_ok=True)
        raise
    return kept


@bp.route("/import", methods=["POST"])
@admin_required
def import_page() -> ResponseReturnValue:
    """Upload the units' files: they are checked and merged by a job (all of them, or none if
    one is refused), whose page shows how far it got."""
    uploads = [upload for upload in request.files.getlist("files") if upload.filename]
    if not uploads:
        return _page(problem=_("Hãy chọn ít nhất một tệp tổng hợp."), status=422)
    try:
        files = _kept(uploads)
    except Invalid as error:
        return _page(problem=error.message, status=422)
    organiser = _me()
    job = jobs.start(
        db.write(),
        IMPORT,
        organiser_id=organiser.id,
        files=files,
        locale=locale_code(),
        actor=audit.actor(organiser),
    )
    return redirect(url_for("rollup.job", job_id=job.id))


# Only an administrator's session may send up to UPLOAD_LIMIT, streamed to disk, never whole in
# memory (core.db.read_body_first).
import_page.max_body = UPLOAD_LIMIT  # type: ignore[attr-defined]
import_page.max_body_for = admin_session  # type: ignore[attr-defined]
import_page.streams_body = True  # type: ignore[attr-defined]


def too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """Files over the limit are refused before the view runs (and before it checks who asks):
    say so plainly, with the limit, on a page that shows nothing of the instance."""
    db.rollback()
    message = _(
        "Các tệp gửi lên lớn quá %(size)s MB. Hãy nhập từng tệp một; nếu một tệp đã lớn hơn, "
        "quản trị máy chủ có thể tăng ROLLUP_UPLOAD_LIMIT.",
        size=_megabytes(),
    )
    return render_template("core/error.html", status=413, message=message), 413


bp.register_error_handler(RequestEntityTooLarge, too_large)


@bp.route("/jobs/<job_id>")
@admin_required
def job(job_id: str) -> ResponseReturnValue:
    """An import of roll-up files under way: its progress, then what it did or why it refused."""
    return render_template("core/manage/job.html", job=job_json(job_or_404(job_id, IMPORT)))


@jobs.task(IMPORT, lazy_gettext("Nhập tệp tổng hợp của các đơn vị"))
def run_import(progress: jobs.Progress, params: dict[str, Any]) -> dict[str, Any]:
    """The job: check every file, then merge them batch by batch; the files are deleted at the
    end, whatever happened."""
    paths = [Path(path) for _name, path in params["files"]]
    with current_app.test_request_context(), force_locale(params.get("locale") or "vi"):
        try:
            progress.step(0, _("Đang kiểm tra chữ ký và nội dung của các tệp…"))
            files = [(name, Path(path).read_bytes()) for name, path in params["files"]]
            merged = import_files(files, params["actor"], progress)
            return {
                "url": url_for("rollup.rollup"),
                "label": _("Về trang tổng hợp"),
                "notes": [summary(merged)],
            }
        finally:
            for path in paths:
                path.unlink(missing_ok=True)


@click.command("rollup-import")
@with_appcontext
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def rollup_import(files: tuple[Path, ...]) -> None:
    """Import the units' signed roll-up files (all of them, or none if one is refused)."""
    db.upgrade(current_app.config["DATABASE_URL"])
    with force_locale("vi"), current_app.test_request_context():
        try:
            merged = import_files([(path.name, path.read_bytes()) for path in files], "cli")
        except Invalid as error:
            raise click.ClickException(error.message) from None
        click.echo(summary(merged))


def admin_link(_sender: None) -> AdminLink:
    return AdminLink(lazy_gettext("Tổng hợp từ các đơn vị"), "rollup.rollup", position=40)


def init_app(app: Flask) -> None:
    app.config.setdefault(UPLOAD_LIMIT, 256 * 1024 * 1024)
    app.register_blueprint(bp)
    app.cli.add_command(rollup_import)
    signals.admin_menu.connect(admin_link, weak=False)
