"""The worker's side of the dossiers: start one on a public page, then follow it from a personal
link (``/d/<link>``) that needs no account.

The start page ends on the personal link, with its QR code, to keep: it lists the worker's
dossiers, each one's state, what is still missing in plain Vietnamese, and the support team's
answer when the dossier is returned (never the team's private comments). While a dossier is
"nháp" or "trả lại" the worker corrects the record and submits it; they add photos and PDFs,
a few at a time, until it is recognised. The link is a random token whose digest alone is
stored (``initiatives.dossiers``), and the access log hides it (``core.server.SECRET_PATHS``).
Starting a dossier and sending files are limited per address: the pages are open to anyone on
the venue network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from werkzeug.security import safe_join

from core import db, qr
from core.admin import unit_lines
from core.auth import hash_token, limiter, public, throttle_message
from core.errors import DomainError, Invalid, NotFound
from core.i18n import nfc
from core.links import external_url
from core.views import by_address, setting
from initiatives import dossiers
from initiatives.checklist import missing
from initiatives.models import AttachmentKind, Dossier, attachments_folder
from initiatives.photos import Photo, read_photo
from initiatives.record_form import (
    MOST_AUTHORS,
    SCOPES,
    SOLUTION_TYPES,
    Registration,
    form_of_record,
    read_registration,
)
from initiatives.service import record_choices

bp = Blueprint("dossier_worker", __name__, template_folder="templates")

UPLOAD_LIMIT = "DOSSIER_UPLOAD_LIMIT"
START_LIMIT = "DOSSIER_START_LIMIT_PER_ADDRESS"
FILES_LIMIT = "DOSSIER_FILES_LIMIT_PER_ADDRESS"
# Files sent at once: the body the server holds for one request stays near 25 MB, whatever the
# dossier's total (``dossiers.MOST_FILES``), which the worker reaches in several sendings.
MOST_FILES_AT_ONCE = 3
# What ``core.auth.new_token`` makes: 24 random bytes, URL-safe base64 without padding.
WELL_FORMED_LINK = re.compile(r"[A-Za-z0-9_-]{32}")
FILE_TYPES = {"jpg": "image/jpeg", "pdf": "application/pdf"}


def _form_page(
    form: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
    **context: Any,
) -> ResponseReturnValue:
    session = db.session()
    page = render_template(
        context.pop("template", "initiatives/worker/start.html"),
        form=form,
        errors=errors,
        unit_lines=unit_lines(session),
        lists=record_choices(session),
        solution_types=SOLUTION_TYPES,
        scopes=SCOPES,
        authors=MOST_AUTHORS,
        **context,
    )
    return page, status


def _read(form: Mapping[str, str]) -> tuple[Registration | None, dict[str, str]]:
    return read_registration(form, record_choices(db.session()), draft=True)


def _too_many(_limit: RequestLimit) -> Response:
    page = render_template("core/error.html", status=429, message=throttle_message())
    return Response(page, status=429, mimetype="text/html")


_start_limit = limiter.limit(
    setting(START_LIMIT), key_func=by_address, methods=["POST"], on_breach=_too_many
)


def _start(link: str | None) -> ResponseReturnValue:
    """The start form, or the new dossier; ``link`` the personal link it joins (None: a new one)."""
    if request.method == "GET":
        return _form_page({}, {}, link=link)
    registration, errors = _read(request.form)
    if registration is None:
        return _form_page(request.form, errors, 422, link=link)
    token, digest = (link, hash_token(link)) if link else dossiers.new_link()
    submit = request.form.get("submit") == "1"
    dossiers.start_dossier(db.write(), registration, digest, submit=submit)
    flash(_("Đã nộp hồ sơ.") if submit else _("Đã lưu hồ sơ nháp."), "info")
    return redirect(url_for("dossier_worker.mine", link=token))


@bp.route("/dossier/new", methods=["GET", "POST"])
@public
@_start_limit
def start() -> ResponseReturnValue:
    """Start a dossier: the record of the initiative, saved as a draft or submitted."""
    return _start(None)


def _dossiers_or_404(link: str) -> list[Dossier]:
    found = dossiers.worker_dossiers(db.session(), link)
    if not found:
        abort(404)
    return found


@bp.route("/d/<link>")
@public
def mine(link: str) -> ResponseReturnValue:
    """The worker's dossiers, what each one lacks, and their personal link to keep."""
    found = _dossiers_or_404(link)
    address = external_url("dossier_worker.mine", link=link)
    return render_template(
        "initiatives/worker/mine.html",
        dossiers=found,
        link=link,
        address=address,
        qr_image=qr.svg_data_uri(address),
        missing={d.id: missing(dossiers.lines(db.session(), d)) for d in found},
        state_names=dossiers.STATE_NAMES,
    )


@bp.route("/d/<link>/new", methods=["GET", "POST"])
@public
@_start_limit
def start_another(link: str) -> ResponseReturnValue:
    """Another dossier, in the same personal link."""
    _dossiers_or_404(link)
    return _start(link)


def _dossier_page(
    link: str, dossier: Dossier, form: Mapping[str, str], errors: Mapping[str, str], status: int
) -> ResponseReturnValue:
    return _form_page(
        form,
        errors,
        status,
        template="initiatives/worker/dossier.html",
        link=link,
        dossier=dossier,
        editable=dossier.state in dossiers.EDITABLE,
        missing=missing(dossiers.lines(db.session(), dossier)),
        state_names=dossiers.STATE_NAMES,
        most_files=dossiers.MOST_FILES,
        most_at_once=MOST_FILES_AT_ONCE,
        photo=AttachmentKind.PHOTO,
    )


@bp.route("/d/<link>/<int:dossier_id>", methods=["GET", "POST"])
@public
def dossier(link: str, dossier_id: int) -> ResponseReturnValue:
    """One dossier: its state, what it lacks, the team's answer; the record to correct."""
    found = dossiers.worker_dossier(db.session(), link, dossier_id)
    if request.method == "GET":
        return _dossier_page(link, found, form_of_record(found.initiative), {}, 200)
    registration, errors = _read(request.form)
    if registration is None:
        return _dossier_page(link, found, request.form, errors, 422)
    writing = db.write()
    dossiers.correct_record(
        writing, dossiers.worker_dossier(writing, link, dossier_id), registration
    )
    flash(_("Đã lưu phần sửa."), "info")
    return redirect(url_for("dossier_worker.dossier", link=link, dossier_id=dossier_id))


@bp.route("/d/<link>/<int:dossier_id>/submit", methods=["POST"])
@public
def submit(link: str, dossier_id: int) -> ResponseReturnValue:
    """Hand the dossier to the unit's support team."""
    writing = db.write()
    dossiers.submit_dossier(writing, dossiers.worker_dossier(writing, link, dossier_id))
    flash(_("Đã nộp hồ sơ. Tổ hỗ trợ sáng kiến của đơn vị sẽ xem và trả lời tại đây."), "info")
    return redirect(url_for("dossier_worker.dossier", link=link, dossier_id=dossier_id))


def sent_files() -> tuple[list[Photo], list[dossiers.Document]]:
    """The files of the form: PDFs by their first bytes, photos checked and resized off the
    event loop; empty file fields aside."""
    files = [f for f in request.files.getlist("files") if f.filename]
    if len(files) > MOST_FILES_AT_ONCE:
        message = _(
            "Mỗi lần gửi tối đa %(count)s tệp: hãy gửi các tệp còn lại ở lần sau.",
            count=MOST_FILES_AT_ONCE,
        )
        raise Invalid("too_many_files_at_once", message)
    photos, documents = [], []
    for sent in files:
        name, data = nfc(sent.filename or ""), sent.read()
        if data.startswith(b"%PDF-"):
            documents.append(dossiers.read_document(name, data))
            continue
        try:
            photos.append(read_photo(name, data))
        except Invalid as refusal:
            if refusal.code != "photo_unreadable":
                raise
            message = _(
                "Tệp “%(name)s” không phải tệp PDF, hay ảnh JPEG, PNG hoặc WebP đọc được.",
                name=name,
            )
            raise Invalid("file_unreadable", message) from None
    return photos, documents


@bp.route("/d/<link>/<int:dossier_id>/files", methods=["POST"])
@public
@limiter.limit(setting(FILES_LIMIT), key_func=by_address, on_breach=_too_many)
def add_files(link: str, dossier_id: int) -> ResponseReturnValue:
    """Photos and PDFs added to the dossier, a few at a time, a limited number of times per
    address: the page is open to anyone who types a link, and the files stay on the disk."""
    dossiers.worker_dossier(db.session(), link, dossier_id)
    try:
        photos, documents = sent_files()
        writing = db.write()
        found = dossiers.worker_dossier(writing, link, dossier_id)
        count = dossiers.add_files(writing, found, photos, documents, attachments_folder())
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
    else:
        flash(_("Đã thêm %(count)s tệp.", count=count), "info")
    return redirect(url_for("dossier_worker.dossier", link=link, dossier_id=dossier_id))


def _opens_the_dossier() -> bool:
    """Does the path's link open its dossier? Asked before the body is read: any other path
    keeps the usual 2 MB limit, refused from its length alone, so that no made-up link has the
    server hold a few files' worth of memory. The read transaction ends before the body comes."""
    args = request.view_args or {}
    link = str(args.get("link", ""))
    if WELL_FORMED_LINK.fullmatch(link) is None:
        return False
    try:
        dossiers.worker_dossier(db.session(), link, int(args.get("dossier_id", 0)))
    except NotFound:
        return False
    finally:
        db.rollback()
    return True


add_files.max_body = UPLOAD_LIMIT  # type: ignore[attr-defined]
add_files.max_body_for = _opens_the_dossier  # type: ignore[attr-defined]


@bp.route("/d/<link>/<int:dossier_id>/files/<int:attachment_id>")
@public
def file(link: str, dossier_id: int, attachment_id: int) -> ResponseReturnValue:
    """A photo (its thumbnail with ``?small=1``) or a PDF of the dossier, and of no other."""
    found = dossiers.worker_dossier(db.session(), link, dossier_id)
    return serve_attachment(found, attachment_id, small=request.args.get("small") == "1")


def serve_attachment(found: Dossier, attachment_id: int, *, small: bool) -> Response:
    """A file of the dossier's record; 404 for another's, or a file gone from the disk."""
    attachment = next((a for a in found.initiative.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    path = dossiers.attachment_file(attachment, small)
    kind = FILE_TYPES.get(path.rpartition(".")[2].lower())
    full = safe_join(str(attachments_folder()), path)
    if kind is None or full is None:
        abort(404)
    try:
        return send_file(full, mimetype=kind, conditional=True)
    except FileNotFoundError:
        abort(404)


def init_app(app: Flask) -> None:
    most_bytes = MOST_FILES_AT_ONCE * dossiers.MOST_DOCUMENT_BYTES + 1024 * 1024
    app.config.setdefault(UPLOAD_LIMIT, most_bytes)
    app.config.setdefault(START_LIMIT, "20 per hour")
    app.config.setdefault(FILES_LIMIT, "20 per hour")
    app.register_blueprint(bp)
