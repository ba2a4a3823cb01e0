"""The visitor's phone page behind each exhibit's QR code, and the codes themselves."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, send_from_directory
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import db, qr
from core.auth import public
from core.links import public_url
from initiatives.models import Attachment, AttachmentKind, Initiative, attachments_folder
from kiosk.models import Exhibit
from kiosk.qr import qr_text
from kiosk.visits import count_visit

bp = Blueprint("kiosk", __name__, template_folder="templates")


def exhibit_or_404(token: str) -> Exhibit:
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
@public
def exhibit(token: str) -> ResponseReturnValue:
    """The visitor's page: small and fast on a cheap phone over crowded Wi-Fi.

    Printed QR codes open ``/E/`` (the ``scan`` endpoint); links inside the app use ``/e/``.
    It only reads: the visit is counted in memory (``kiosk.visits``).
    """
    shown = exhibit_or_404(token)
    count_visit(shown.id, via_qr=request.endpoint == "kiosk.scan")
    return render_template("kiosk/exhibit.html", exhibit=shown, initiative=shown.initiative)


@bp.route("/e/<token>/qr.png")
@public
def qr_png(token: str) -> ResponseReturnValue:
    shown = exhibit_or_404(token)
    return Response(qr.png(qr_text(public_url(), shown.qr_token)), mimetype="image/png")


@bp.route("/e/<token>/qr.svg")
@public
def qr_svg(token: str) -> ResponseReturnValue:
    shown = exhibit_or_404(token)
    return Response(qr.svg(qr_text(public_url(), shown.qr_token)), mimetype="image/svg+xml")


@bp.route("/e/<token>/photo")
@public
def photo(token: str) -> ResponseReturnValue:
    """The exhibit's first photo, as the big screens' exhibit wall shows it."""
    shown = exhibit_or_404(token)
    found = db.session().scalar(
        select(Attachment.path)
        .where(
            Attachment.initiative_id == shown.initiative_id,
            Attachment.kind == AttachmentKind.PHOTO,
        )
        .order_by(Attachment.id)
        .limit(1)
    )
    if found is None:
        abort(404)
    return send_from_directory(attachments_folder(), found, max_age=3600)
