"""The organiser's pages of an import (Nhập dữ liệu): the upload form with its XLSX template,
the preview of a checked file, its confirmation and its result. The flow is in
``core.importing``; the imports of an event are at ``/manage/<slug>/import``, and the functions
below serve the administrators' import of units (``core.admin_imports``) too."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from core import audit, db, jobs, signals
from core.auth import signed_in_organiser
from core.errors import Conflict, Invalid
from core.i18n import nfc
from core.importing import (
    Importer,
    Upload,
    accepted_file,
    importer_or_404,
    importers,
    store,
    upload_or_404,
)
from core.imports import write_template
from core.manage import MenuItem, event_page
from core.models import Event, EventRole

bp = Blueprint("imports", __name__, url_prefix="/manage/<slug>/import")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_limit() -> int:
    """The largest file accepted: the largest request body the server takes."""
    return int(current_app.config["MAX_CONTENT_LENGTH"])


def imports_page(
    template: str,
    shown: list[Importer[Any]],
    event: Event | None,
    action: Callable[[str], str],
    template_url: Callable[[str], str],
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The upload forms of ``shown``; ``errors`` by import kind."""
    forms = [(importer, action(importer.kind), template_url(importer.kind)) for importer in shown]
    page = render_template(
        template,
        event=event,
        forms=forms,
        errors=errors or {},
        limit=upload_limit() // (1024 * 1024),
        section="imports",
    )
    return page, status


def template_file(importer: Importer[Any]) -> Response:
    """The importer's XLSX template, its guide listing today's allowed values."""
    data = write_template(importer.columns, importer.allowed(db.session()))
    return Response(
        data,
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": f"attachment; filename={importer.template_name}"},
    )


def start_check(
    importer: Importer[Any],
    event: Event | None,
    preview_url: Callable[[str], str],
    job_url: Callable[[str], str],
) -> str:
    """Store the uploaded file and start its check; the address of the job's page. ``Invalid``
    when there is no file, or not one that can be imported."""
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only organisers in
    sent = request.files.get("file")
    filename = nfc(sent.filename or "") if sent is not None else ""
    if sent is None or not filename:
        raise Invalid("no_file", _("Hãy chọn tệp cần nhập."))
    data = sent.read()
    accepted_file(filename, data, upload_limit())
    event_id = event.id if event is not None else None
    upload = store(data, filename, importer.kind, event_id, organiser.id)
    job = jobs.start(
        db.write(),
        "import-check",
        event_id=event_id,
        organiser_id=organiser.id,
        importer=importer.kind,
        upload=upload.id,
        event=event_id,
        locale=str(get_locale()),
        next=preview_url(upload.id),
    )
    return job_url(job.id)


def preview_page(
    template: str, importer: Importer[Any], event: Event | None, upload: Upload, apply_url: str
) -> ResponseReturnValue:
    """What the check found: counts, problems, a sample; the confirmation, or the result."""
    return render_template(
        template,
        event=event,
        importer=importer,
        upload=upload,
        preview=upload.preview,
        apply_url=apply_url,
        section="imports",
    )


def start_apply(
    importer: Importer[Any],
    event: Event | None,
    upload: Upload,
    preview_url: str,
    job_url: Callable[[str], str],
) -> str:
    """Start writing a checked upload; refused while its check found problems."""
    preview = upload.preview
    if preview is None or preview["problems"] or preview["outcome"] is not None:
        raise Conflict(
            "import_not_ready",
            _("Tệp này chưa sẵn sàng để ghi: sửa các dòng có lỗi trong tệp rồi tải lên lại."),
        )
    organiser = signed_in_organiser()
    assert organiser is not None
    event_id = event.id if event is not None else None
    job = jobs.start(
        db.write(),
        "import-apply",
        event_id=event_id,
        organiser_id=organiser.id,
        importer=importer.kind,
        upload=upload.id,
        event=event_id,
        locale=str(get_locale()),
        actor=audit.actor(organiser),
        next=preview_url,
    )
    return job_url(job.id)


# --- An event's imports -------------------------------------------------------------------------


def _action(slug: str) -> Callable[[str], str]:
    return lambda kind: url_for("imports.upload", slug=slug, kind=kind)


def _template_url(slug: str) -> Callable[[str], str]:
    return lambda kind: url_for("imports.template", slug=slug, kind=kind)


def _page(
    event: Event, errors: Mapping[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    return imports_page(
        "core/manage/imports.html",
        importers(site=False),
        event,
        _action(event.slug),
        _template_url(event.slug),
        errors,
        status,
    )


@bp.route("")
@event_page(EventRole.MANAGER)
def imports(event: Event) -> ResponseReturnValue:
    """The event's imports: initiatives with their authors, judges."""
    return _page(event)


@bp.route("/<kind>/template.xlsx")
@event_page(EventRole.MANAGER)
def template(event: Event, kind: str) -> ResponseReturnValue:
    """The XLSX template of an import, with its guide."""
    return template_file(importer_or_404(kind, site=False))


@bp.route("/<kind>", methods=["POST"])
@event_page(EventRole.MANAGER)
def upload(event: Event, kind: str) -> ResponseReturnValue:
    """Upload a file: it is checked off the request, then previewed."""
    importer = importer_or_404(kind, site=False)
    try:
        job_page = start_check(
            importer,
            event,
            lambda upload_id: url_for(
                "imports.preview", slug=event.slug, kind=kind, upload_id=upload_id
            ),
            lambda job_id: url_for("manage.job", slug=event.slug, job_id=job_id),
        )
    except Invalid as error:
        db.rollback()
        return _page(event, {kind: error.message}, 422)
    return redirect(job_page)


@bp.route("/<kind>/<upload_id>")
@event_page(EventRole.MANAGER)
def preview(event: Event, kind: str, upload_id: str) -> ResponseReturnValue:
    """A checked file: what would be written and what is wrong; or, once written, the result."""
    importer = importer_or_404(kind, site=False)
    upload = upload_or_404(upload_id, kind, event.id)
    apply_url = url_for("imports.apply", slug=event.slug, kind=kind, upload_id=upload_id)
    return preview_page("core/manage/import_preview.html", importer, event, upload, apply_url)


@bp.route("/<kind>/<upload_id>/apply", methods=["POST"])
@event_page(EventRole.MANAGER)
def apply(event: Event, kind: str, upload_id: str) -> ResponseReturnValue:
    """Write a checked file, off the request."""
    importer = importer_or_404(kind, site=False)
    upload = upload_or_404(upload_id, kind, event.id)
    preview_url = url_for("imports.preview", slug=event.slug, kind=kind, upload_id=upload_id)
    job_page = start_apply(
        importer,
        event,
        upload,
        preview_url,
        lambda job_id: url_for("manage.job", slug=event.slug, job_id=job_id),
    )
    return redirect(job_page)


def too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A file over the limit is refused before the view runs (and before it checks who asks):
    say so plainly."""
    db.rollback()
    message = _(
        "Tệp lớn quá %(size)s MB. Hãy chia thành nhiều tệp nhỏ hơn.",
        size=upload_limit() // (1024 * 1024),
    )
    return render_template("core/error.html", status=413, message=message), 413


bp.register_error_handler(RequestEntityTooLarge, too_large)


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "imports", lazy_gettext("Nhập dữ liệu"), "imports.imports", EventRole.MANAGER, position=60
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    signals.management_menu.connect(menu_item, weak=False)
