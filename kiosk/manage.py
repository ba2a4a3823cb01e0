"""The organiser's pages of the exhibition: the exhibits with their state, QR codes, posters and
visits; the registrations from the kiosk to approve (at a booth) or reject (with a reason); the
kiosk's PIN, and the button that turns this tablet into the kiosk."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from flask_login import logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from core import db, jobs
from core.api import job_file
from core.auth import can_manage, signed_in_organiser
from core.errors import Conflict, DomainError
from core.i18n import locale_code
from core.links import external_url, is_guessed, public_url
from core.manage import MenuItem, event_page
from core.models import Event, EventRole, Organiser
from initiatives.models import Initiative
from initiatives.record_form import SCOPES, SOLUTION_TYPES
from kiosk.auth import open_kiosk
from kiosk.ballots import votable_exhibits
from kiosk.models import Exhibit, ExhibitStatus, Visit
from kiosk.posters import SIZES, Poster, posters_pdf
from kiosk.qr import qr_text
from kiosk.service import approve_exhibit, photos, reject_exhibit, set_kiosk_pin
from kiosk.views import photo_response

bp = Blueprint("kiosk_manage", __name__, url_prefix="/manage/<slug>", template_folder="templates")


def visits_per_exhibit(event: Event) -> dict[int, int]:
    rows = db.session().execute(
        select(Visit.exhibit_id, func.count())
        .join(Exhibit, Exhibit.id == Visit.exhibit_id)
        .where(Exhibit.event_id == event.id)
        .group_by(Visit.exhibit_id)
    )
    return dict(rows.tuples().all())


def _me() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # event_page let only organisers in
    return organiser


def exhibits_page(
    event: Event, errors: Mapping[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    """The page; ``errors`` are keyed by the form at fault (``approve-<id>``, ``pin``...)."""
    rows = db.session().scalars(
        select(Exhibit)
        .where(Exhibit.event_id == event.id)
        .options(
            joinedload(Exhibit.initiative).joinedload(Initiative.unit),
            joinedload(Exhibit.initiative).selectinload(Initiative.authors),
            joinedload(Exhibit.initiative).selectinload(Initiative.attachments),
        )
        .order_by(Exhibit.booth, Exhibit.created_at)
    )
    exhibits = rows.unique().all()
    page = render_template(
        "kiosk/manage/exhibits.html",
        event=event,
        exhibits=[e for e in exhibits if e.status == ExhibitStatus.APPROVED],
        pending=[e for e in exhibits if e.status == ExhibitStatus.PENDING],
        rejected=[e for e in exhibits if e.status == ExhibitStatus.REJECTED],
        photos=photos,
        solution_types=SOLUTION_TYPES,
        scopes=SCOPES,
        visits=visits_per_exhibit(event),
        public_url=public_url(),
        guessed=is_guessed(),
        link=lambda e: external_url("kiosk.scan", token=e.qr_token),
        errors=errors or {},
        manager=can_manage(event, EventRole.MANAGER),
        sizes=list(SIZES),
        section="exhibits",
    )
    return page, status


@bp.route("/exhibits")
@event_page()
def exhibits(event: Event) -> ResponseReturnValue:
    """The exhibits of the event, the registrations waiting, the kiosk's settings."""
    return exhibits_page(event)


def exhibit_of(event: Event, exhibit_id: int) -> Exhibit:
    exhibit = db.session().scalar(
        select(Exhibit)
        .where(Exhibit.id == exhibit_id, Exhibit.event_id == event.id)
        .options(selectinload(Exhibit.initiative))
    )
    if exhibit is None:
        abort(404)
    return exhibit


@bp.route("/exhibits/<int:exhibit_id>/approve", methods=["POST"])
@event_page(EventRole.MANAGER)
def approve(event: Event, exhibit_id: int) -> ResponseReturnValue:
    """Approve a registration at a booth: visitors and screens see it from now on."""
    writing = db.write()
    exhibit = exhibit_of(event, exhibit_id)
    try:
        approve_exhibit(writing, exhibit, request.form.get("booth", ""), _me())
    except DomainError as error:
        db.rollback()
        return exhibits_page(event, {f"approve-{exhibit_id}": error.message}, 422)
    flash(
        _(
            "Đã duyệt “%(title)s” tại gian %(booth)s.",
            title=exhibit.initiative.title,
            booth=exhibit.booth,
        ),
        "info",
    )
    return redirect(url_for("kiosk_manage.exhibits", slug=event.slug))


@bp.route("/exhibits/<int:exhibit_id>/reject", methods=["POST"])
@event_page(EventRole.MANAGER)
def reject(event: Event, exhibit_id: int) -> ResponseReturnValue:
    """Reject a registration, saying why."""
    writing = db.write()
    exhibit = exhibit_of(event, exhibit_id)
    try:
        reject_exhibit(writing, exhibit, request.form.get("reason", ""), _me())
    except DomainError as error:
        db.rollback()
        return exhibits_page(event, {f"reject-{exhibit_id}": error.message}, 422)
    flash(_("Đã từ chối “%(title)s”.", title=exhibit.initiative.title), "info")
    return redirect(url_for("kiosk_manage.exhibits", slug=event.slug))


@bp.route("/exhibits/<int:exhibit_id>/photos/<int:photo_id>")
@event_page()
def photo(event: Event, exhibit_id: int, photo_id: int) -> ResponseReturnValue:
    """A photo of any exhibit of the event, pending ones too, for the organiser to look at."""
    return photo_response(exhibit_of(event, exhibit_id), photo_id, small=True)


@bp.route("/kiosk/pin", methods=["POST"])
@event_page(EventRole.MANAGER)
def kiosk_pin(event: Event) -> ResponseReturnValue:
    """Set the PIN that takes a tablet out of kiosk mode."""
    try:
        set_kiosk_pin(db.write(), event, request.form.get("pin", ""), _me())
    except DomainError as error:
        db.rollback()
        return exhibits_page(event, {"pin": error.message}, 422)
    flash(_("Đã đặt PIN kiosk."), "info")
    return redirect(url_for("kiosk_manage.exhibits", slug=event.slug))


@bp.route("/kiosk/open", methods=["POST"])
@event_page(EventRole.MANAGER)
def kiosk_open(event: Event) -> ResponseReturnValue:
    """Turn this tablet into the event's kiosk: the organiser is signed out of it first."""
    if not event.kiosk_pin_hash:
        raise Conflict("kiosk_pin_unset", _("Hãy đặt PIN kiosk trước khi mở chế độ kiosk."))
    logout_user()
    open_kiosk(event)
    return redirect(url_for("kiosk_tablet.register", slug=event.slug))


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "exhibits", lazy_gettext("Sản phẩm trưng bày"), "kiosk_manage.exhibits", position=20
    )


POSTERS = "posters"


def _size() -> str:
    size = request.values.get("size", "A4")
    return size if size in SIZES else "A4"


def posters_of(exhibits: list[Exhibit], base_url: str) -> list[Poster]:
    """The posters of ``exhibits``, worded in the current language."""
    call = _("Quét mã QR để xem chi tiết và bình chọn")
    return [
        Poster(
            event=exhibit.event.name,
            booth=_("Gian %(booth)s", booth=exhibit.booth) if exhibit.booth else "",
            title=exhibit.initiative.title,
            unit=exhibit.initiative.unit.name if exhibit.initiative.unit else "",
            code=exhibit.qr_token,
            link=qr_text(base_url, exhibit.qr_token),
            call=call,
        )
        for exhibit in exhibits
    ]


def _pdf_response(data: bytes | Path, name: str) -> ResponseReturnValue:
    body = data if isinstance(data, Path) else io.BytesIO(data)
    return send_file(body, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.route("/exhibits/<int:exhibit_id>/poster.pdf")
@event_page()
def poster(event: Event, exhibit_id: int) -> ResponseReturnValue:
    """One exhibit's poster, drawn at once (a page is quick)."""
    session = db.session()
    found = [e for e in votable_exhibits(session, event) if e.id == exhibit_id]
    if not found:
        abort(404)
    data = posters_pdf(posters_of(found, public_url()), _size())
    return _pdf_response(data, f"ap-phich-{found[0].booth or found[0].qr_token}.pdf")


@bp.route("/exhibits/posters", methods=["POST"])
@event_page(EventRole.MANAGER)
def all_posters(event: Event) -> ResponseReturnValue:
    """Every exhibit's poster, drawn by a job with its progress (300 take a few seconds)."""
    organiser = signed_in_organiser()
    job = jobs.start(
        db.write(),
        POSTERS,
        event_id=event.id,
        organiser_id=organiser.id if organiser else None,
        event=event.id,
        size=_size(),
        public_url=public_url(),
        locale=locale_code(),
    )
    return redirect(url_for("manage.job", slug=event.slug, job_id=job.id))


def _exhibits_of(session: Session, event_id: int) -> tuple[Event, list[Exhibit]]:
    event = session.get_one(Event, event_id)
    return event, votable_exhibits(session, event)


@jobs.task(POSTERS, lazy_gettext("In áp phích sản phẩm trưng bày"))
def make_posters(progress: jobs.Progress, params: dict[str, Any]) -> dict[str, Any]:
    with db.unit_of_work() as session, force_locale(params.get("locale", "vi")):
        event, exhibits = _exhibits_of(session, params["event"])
        posters = posters_of(exhibits, params["public_url"])
        slug = event.slug
        label = _("Tải tệp PDF áp phích")
    progress.expect(len(posters))
    jobs.keep_file(progress.job_id, posters_pdf(posters, params["size"], progress.step))
    return {"url": f"/manage/{slug}/exhibits/posters/{progress.job_id}", "label": label}


@bp.route("/exhibits/posters/<job_id>")
@event_page()
def posters_file(event: Event, job_id: str) -> ResponseReturnValue:
    return job_file(job_id, POSTERS, event, f"ap-phich-{event.slug}.pdf")
