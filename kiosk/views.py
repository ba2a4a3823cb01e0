"""Exhibits: the visitor's phone page behind each QR code, the codes, the organiser's list."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core import db
from core.links import external_url, is_guessed, public_url
from core.models import Event, Exhibit, Initiative, Visit
from kiosk import qr
from kiosk.service import record_visit

bp = Blueprint("kiosk", __name__, template_folder="templates")


def _exhibit(token: str) -> Exhibit:
    exhibit = db.session().scalar(
        select(Exhibit)
        .where(Exhibit.qr_token == token.upper())
        .options(
            joinedload(Exhibit.initiative).selectinload(Initiative.authors),
            joinedload(Exhibit.initiative).joinedload(Initiative.unit),
            joinedload(Exhibit.event),
        )
    )
    if exhibit is None:
        abort(404)
    return exhibit


@bp.route("/E/<token>", endpoint="scan")
@bp.route("/e/<token>")
def exhibit(token: str) -> ResponseReturnValue:
    """The visitor's page: small and fast on a cheap phone over crowded Wi-Fi.

    Printed QR codes open ``/E/`` (the ``scan`` endpoint); links inside the app use ``/e/``.
    """
    shown = _exhibit(token)
    with db.new_session(write=True) as session:
        record_visit(session, shown, via_qr=request.endpoint == "kiosk.scan")
        session.commit()
    return render_template("kiosk/exhibit.html", exhibit=shown, initiative=shown.initiative)


@bp.route("/e/<token>/qr.png")
def qr_png(token: str) -> ResponseReturnValue:
    shown = _exhibit(token)
    return Response(qr.png(qr.qr_text(public_url(), shown.qr_token)), mimetype="image/png")


@bp.route("/e/<token>/qr.svg")
def qr_svg(token: str) -> ResponseReturnValue:
    shown = _exhibit(token)
    return Response(qr.svg(qr.qr_text(public_url(), shown.qr_token)), mimetype="image/svg+xml")


@bp.route("/events/<slug>/exhibits")
@login_required
def exhibits(slug: str) -> ResponseReturnValue:
    """The organiser's list of exhibits, with their QR codes and visit counts."""
    session = db.session()
    event = session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    rows = session.scalars(
        select(Exhibit)
        .where(Exhibit.event_id == event.id)
        .options(joinedload(Exhibit.initiative).joinedload(Initiative.unit))
        .order_by(Exhibit.booth)
    ).all()
    visits = dict(
        session.execute(
            select(Visit.exhibit_id, func.count())
            .join(Exhibit)
            .where(Exhibit.event_id == event.id)
            .group_by(Visit.exhibit_id)
        )
        .tuples()
        .all()
    )
    return render_template(
        "kiosk/exhibits.html",
        event=event,
        exhibits=rows,
        visits=visits,
        public_url=public_url(),
        guessed=is_guessed(),
        link=lambda e: external_url("kiosk.scan", token=e.qr_token),
    )
