"""The organiser's pages of the exhibition: exhibits, their QR codes and posters."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
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
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from core import db, jobs
from core.api import job_or_404
from core.auth import can_manage, signed_in_organiser
from core.i18n import locale_code
from core.links import external_url, is_guessed, public_url
from core.manage import MenuItem, event_page
from core.models import Event, EventRole
from initiatives.models import Initiative
from kiosk.ballots import votable_exhibits
from kiosk.models import Exhibit, Visit
from kiosk.posters import SIZES, Poster, posters_pdf
from kiosk.qr import qr_text

bp = Blueprint("kiosk_manage", __name__, url_prefix="/manage/<slug>", template_folder="templates")


def visits_per_exhibit(event: Event) -> dict[int, int]:
    rows = db.session().execute(
        select(Visit.exhibit_id, func.count())
        .join(Exhibit, Exhibit.id == Visit.exhibit_id)
        .where(Exhibit.event_id == event.id)
        .group_by(Visit.exhibit_id)
    )
    return dict(rows.tuples().all())


@bp.route("/exhibits")
@event_page()
def exhibits(event: Event) -> ResponseReturnValue:
    """The exhibits of the event, with their QR codes and visit counts."""
    rows = db.session().scalars(
        select(Exhibit)
        .where(Exhibit.event_id == event.id)
        .options(joinedload(Exhibit.initiative).joinedload(Initiative.unit))
        .order_by(Exhibit.booth)
    )
    return render_template(
        "kiosk/manage/exhibits.html",
        event=event,
        exhibits=rows.all(),
        visits=visits_per_exhibit(event),
        public_url=public_url(),
        guessed=is_guessed(),
        link=lambda e: external_url("kiosk.scan", token=e.qr_token),
        sizes=list(SIZES),
        can_print=can_manage(event, EventRole.MANAGER),
        section="exhibits",
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


def posters_folder() -> Path:
    return Path(current_app.instance_path) / "posters"


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
    data = posters_pdf(posters, params["size"], progress.step)
    folder = posters_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    (folder / f"{progress.job_id}.pdf").write_bytes(data)
    return {"url": f"/manage/{slug}/exhibits/posters/{progress.job_id}", "label": label}


@bp.route("/exhibits/posters/<job_id>")
@event_page()
def posters_file(event: Event, job_id: str) -> ResponseReturnValue:
    found = job_or_404(job_id)
    path = posters_folder() / f"{found.id}.pdf"
    if found.event_id != event.id or found.kind != POSTERS or not path.is_file():
        abort(404)
    return _pdf_response(path, f"ap-phich-{event.slug}.pdf")


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "exhibits", lazy_gettext("Sản phẩm trưng bày"), "kiosk_manage.exhibits", position=20
    )
