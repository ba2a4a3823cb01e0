"""The kiosk tablet's pages (``/kiosk/<slug>``): register an exhibit, see its QR code and edit
code once, correct it later, and leave kiosk mode with the organiser's PIN (see ``kiosk.auth``).

Photos are checked and resized before the write transaction begins, on the threads that keep
CPU work off the event loop (``core.auth.off_the_loop``): Pillow lets go of the GIL while it
resizes, and no judge's sheet waits behind a tablet's pictures.
"""

from __future__ import annotations

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
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core import db, qr
from core.admin import unit_lines
from core.auth import limiter, throttle_message
from core.errors import DomainError, Invalid
from core.i18n import nfc
from core.links import external_url, public_url
from core.lookup import event_or_404
from core.models import Event
from core.views import by_address, setting
from initiatives.models import Initiative, attachments_folder
from initiatives.photos import MOST_PHOTOS, Photo, read_photo
from initiatives.record_form import (
    MOST_AUTHORS,
    SCOPES,
    SOLUTION_TYPES,
    Registration,
    form_of_record,
    read_registration,
)
from initiatives.service import record_choices
from kiosk.auth import (
    EDITING_KEY,
    close_kiosk,
    edit_code_matches,
    kiosk_page,
    pin_matches,
)
from kiosk.models import Exhibit
from kiosk.qr import qr_text
from kiosk.service import correct_exhibit, photos, register_exhibit
from kiosk.views import photo_response

bp = Blueprint("kiosk_tablet", __name__, url_prefix="/kiosk/<slug>", template_folder="templates")

SHOWN_KEY = "kiosk_shown"
UPLOAD_LIMIT = "KIOSK_UPLOAD_LIMIT"


def takes_photos(view: Any) -> Any:
    """Let this view take a body of four photos (see ``core.db.read_body_first``)."""
    view.max_body = UPLOAD_LIMIT
    return view


def sent_photos() -> list[Photo]:
    """The photos of the form, checked and resized off the event loop; empty file fields aside."""
    files = [f for f in request.files.getlist("photos") if f.filename]
    if len(files) > MOST_PHOTOS:
        raise Invalid("too_many_photos", _("Tối đa %(count)s ảnh.", count=MOST_PHOTOS))
    return [read_photo(nfc(sent.filename or ""), sent.read()) for sent in files]


def form_page(
    event: Event,
    form: Mapping[str, str],
    errors: Mapping[str, str],
    exhibit: Exhibit | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template(
        "kiosk/tablet/register.html",
        event=event,
        form=form,
        errors=errors,
        exhibit=exhibit,
        photos=photos(exhibit.initiative) if exhibit is not None else [],
        unit_lines=unit_lines(db.session()),
        lists=record_choices(db.session()),
        solution_types=SOLUTION_TYPES,
        scopes=SCOPES,
        authors=MOST_AUTHORS,
        most_photos=MOST_PHOTOS,
    )
    return page, status


def read_form(form: Mapping[str, str]) -> tuple[Registration | None, list[Photo], dict[str, str]]:
    """The registration and its photos, or the problems by field."""
    registration, errors = read_registration(form, record_choices(db.session()))
    try:
        sent = sent_photos()
    except Invalid as problem:
        return None, [], {**errors, "photos": problem.message}
    if registration is None and sent:
        errors = {**errors, "photos": _("Vui lòng chọn lại ảnh.")}
    return registration, sent, errors


@bp.route("", methods=["GET", "POST"])
@kiosk_page
def register(event: Event) -> ResponseReturnValue:
    """The registration form, one step a screen; it ends on the confirmation."""
    if request.method == "GET":
        return form_page(event, {}, {})
    registration, sent, errors = read_form(request.form)
    if registration is None:
        return form_page(event, request.form, errors, None, 422)
    writing = db.write()
    exhibit, code, link = register_exhibit(writing, event, registration, sent, attachments_folder())
    session[SHOWN_KEY] = {"token": exhibit.qr_token, "code": code, "link": link}
    return redirect(url_for("kiosk_tablet.done", slug=event.slug))


takes_photos(register)


@bp.route("/done")
@kiosk_page
def done(event: Event) -> ResponseReturnValue:
    """The confirmation: the exhibit's QR code and its edit code, and the personal link of the
    initiative's dossier of recognition, shown this once."""
    shown = session.pop(SHOWN_KEY, None)
    if not isinstance(shown, dict):
        return redirect(url_for("kiosk_tablet.register", slug=event.slug))
    exhibit = db.session().scalar(select(Exhibit).where(Exhibit.qr_token == shown.get("token")))
    if exhibit is None:
        return redirect(url_for("kiosk_tablet.register", slug=event.slug))
    qr_image = qr.svg_data_uri(qr_text(public_url(), exhibit.qr_token))
    link = shown.get("link")
    dossier = external_url("dossier_worker.mine", link=link) if isinstance(link, str) else None
    return render_template(
        "kiosk/tablet/done.html",
        event=event,
        exhibit=exhibit,
        code=shown.get("code"),
        qr_image=qr_image,
        dossier=dossier,
        dossier_qr=qr.svg_data_uri(dossier) if dossier else None,
    )


def _edit_failed(response: Response) -> bool:
    return response.status_code == 422


def _typed_token() -> str:
    return "".join(request.form.get("token", "").split()).upper()[:16]


def by_exhibit_code() -> str:
    """Wrong edit codes are counted per exhibit code and address: every exhibitor uses the one
    kiosk, and one exhibitor's typos must not lock the others out. The codes are long enough
    that trying many exhibits' gets nowhere either."""
    return f"{by_address()}:exhibit:{_typed_token()}"


@bp.route("/edit", methods=["GET", "POST"])
@kiosk_page
@limiter.limit(
    setting("KIOSK_EDIT_LIMIT_PER_CODE"),
    key_func=by_exhibit_code,
    methods=["POST"],
    deduct_when=_edit_failed,
    on_breach=lambda _limit: _kiosk_refused("kiosk/tablet/edit.html"),
)
def edit(event: Event) -> ResponseReturnValue:
    """The exhibitor types the exhibit's code and the edit code to correct the registration."""
    if request.method == "GET":
        return render_template("kiosk/tablet/edit.html", event=event, token="", problem="")
    token = _typed_token()
    exhibit = db.session().scalar(
        select(Exhibit).where(Exhibit.event_id == event.id, Exhibit.qr_token == token)
    )
    stored = exhibit.edit_code_hash if exhibit is not None else ""
    if exhibit is None or not edit_code_matches(exhibit.id, stored, request.form.get("code", "")):
        message = _("Mã sản phẩm hoặc mã sửa không đúng.")
        page = render_template("kiosk/tablet/edit.html", event=event, token=token, problem=message)
        return page, 422
    session[EDITING_KEY] = exhibit.id
    return redirect(url_for("kiosk_tablet.correct", slug=event.slug))


def _kiosk_refused(template: str) -> Response:
    """Too many tries: said on the kiosk's own page, which keeps the kiosk's frame (no way out
    of it, and back to the first screen when left alone)."""
    event = event_or_404(str((request.view_args or {}).get("slug", "")))
    page = render_template(template, event=event, token="", problem=throttle_message())
    return Response(page, status=429, mimetype="text/html")


def editing(event: Event) -> Exhibit | None:
    exhibit_id = session.get(EDITING_KEY)
    if not isinstance(exhibit_id, int):
        return None
    return db.session().scalar(
        select(Exhibit)
        .where(Exhibit.id == exhibit_id, Exhibit.event_id == event.id)
        .options(
            selectinload(Exhibit.initiative).selectinload(Initiative.authors),
            selectinload(Exhibit.initiative).selectinload(Initiative.attachments),
        )
    )


@bp.route("/edit/form", methods=["GET", "POST"])
@kiosk_page
def correct(event: Event) -> ResponseReturnValue:
    """The registration's form, filled in, for the exhibitor who gave the edit code."""
    exhibit = editing(event)
    if exhibit is None:
        return redirect(url_for("kiosk_tablet.edit", slug=event.slug))
    if request.method == "GET":
        return form_page(event, form_of_record(exhibit.initiative), {}, exhibit)
    registration, sent, errors = read_form(request.form)
    if registration is None:
        return form_page(event, request.form, errors, exhibit, 422)
    removed = {int(v) for v in request.form.getlist("remove_photo") if v.isdigit()}
    writing = db.write()
    exhibit = editing(event)
    assert exhibit is not None  # read again in the write transaction: still there
    try:
        correct_exhibit(writing, exhibit, registration, sent, removed, attachments_folder())
    except DomainError as error:
        db.rollback()
        return form_page(event, request.form, {"photos": error.message}, editing(event), 422)
    session.pop(EDITING_KEY, None)
    session[SHOWN_KEY] = {"token": exhibit.qr_token, "code": None}
    flash(_("Đã lưu phần sửa. Ban Tổ chức sẽ duyệt lại sản phẩm."), "info")
    return redirect(url_for("kiosk_tablet.done", slug=event.slug))


takes_photos(correct)


@bp.route("/edit/photos/<int:photo_id>")
@kiosk_page
def photo(event: Event, photo_id: int) -> ResponseReturnValue:
    """A photo of the registration being corrected, and of no other."""
    exhibit = editing(event)
    if exhibit is None:
        abort(404)
    return photo_response(exhibit, photo_id, small=True)


@bp.route("/exit", methods=["GET", "POST"])
@kiosk_page
@limiter.limit(
    setting("KIOSK_PIN_LIMIT_PER_ADDRESS"),
    key_func=by_address,
    methods=["POST"],
    on_breach=lambda _limit: _kiosk_refused("kiosk/tablet/exit.html"),
)
def leave(event: Event) -> ResponseReturnValue:
    """Leave kiosk mode: only with the organiser's kiosk PIN."""
    if request.method == "GET":
        return render_template("kiosk/tablet/exit.html", event=event, problem="")
    pin = "".join(request.form.get("pin", "").split())[:16]
    if not pin_matches(event, pin):
        message = _("PIN không đúng.")
        return render_template("kiosk/tablet/exit.html", event=event, problem=message), 422
    close_kiosk()
    flash(_("Đã thoát chế độ kiosk."), "info")
    return redirect(url_for("core.login"))


def init_app(app: Flask) -> None:
    app.config.setdefault(UPLOAD_LIMIT, MOST_PHOTOS * 8 * 1024 * 1024 + 1024 * 1024)
    app.config.setdefault("KIOSK_PIN_LIMIT_PER_ADDRESS", "10 per 15 minutes")
    app.config.setdefault("KIOSK_EDIT_LIMIT_PER_CODE", "10 per 15 minutes")
    app.register_blueprint(bp)
