"""The visitor's phone page behind each exhibit's QR code, its photos, and the codes themselves.

Only an approved exhibit is public: a registration waiting for the organiser, or refused, is not
found (404), its QR code and photos neither.
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_file, session
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import safe_join

from core import db, live, qr
from core.assets import ONE_YEAR
from core.auth import public
from core.headers import csp_nonce, reuse_nonce
from core.i18n import locale_code
from core.links import public_url
from initiatives.models import AttachmentKind, Initiative, attachments_folder
from initiatives.photos import small_path
from kiosk.models import Exhibit, ExhibitStatus
from kiosk.pages import Key, Page, pages
from kiosk.qr import qr_text
from kiosk.visits import count_visit, remember_device

bp = Blueprint("kiosk", __name__, template_folder="templates")

PHOTO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def exhibit_or_404(token: str) -> Exhibit:
    exhibit = db.session().scalar(
        select(Exhibit)
        .where(Exhibit.qr_token == token.upper(), Exhibit.status == ExhibitStatus.APPROVED)
        .options(
            joinedload(Exhibit.initiative).selectinload(Initiative.authors),
            joinedload(Exhibit.initiative).selectinload(Initiative.attachments),
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
    It only reads, and mostly not even that: the page is kept drawn while the event's version
    stands (``kiosk.pages``). The visit is counted in memory (``kiosk.visits``), once per device.
    """
    key = _key(token)
    kept = pages().get(key) if key is not None else None
    if kept is not None:
        # Served kept or drawn again, the page has the nonce it was first drawn with: drawn again
        # after a change it does not show (a judge's sheet), it is the same bytes, and a phone's
        # copy stays valid (304) and tells nothing of the change.
        reuse_nonce(kept.nonce)
    page = kept if kept is not None and _current(kept) else _draw(token)
    if key is not None and page is not kept:
        pages().keep(key, page)
    device = count_visit(page.exhibit_id, via_qr=request.endpoint == "kiosk.scan")
    unchanged = page.etag in request.if_none_match
    answer = Response(status=304) if unchanged else Response(page.body, mimetype="text/html")
    answer.set_etag(page.etag)
    answer.cache_control.no_cache = True
    answer.cache_control.private = True
    return remember_device(answer, device)


def _key(token: str) -> Key | None:
    """Where this request's page is kept, or None if it carries something of its visitor."""
    if request.query_string or token != token.upper() or "_flashes" in session:
        return None
    return request.path, locale_code()


def _current(page: Page) -> bool:
    """Whether the event's version a kept page was drawn at is still the current one."""
    return live.versions().current(page.event_id) == page.version


def _draw(token: str) -> Page:
    """Read the exhibit, with its event's version in the same statement, and draw its page."""
    began = time.monotonic()
    shown = exhibit_or_404(token)
    version = shown.event.live_version
    live.versions().read({shown.event_id: version}, began)
    photos = sorted(
        (a for a in shown.initiative.attachments if a.kind == AttachmentKind.PHOTO),
        key=lambda a: a.id,
    )
    body = render_template(
        "kiosk/exhibit.html", exhibit=shown, initiative=shown.initiative, photos=photos
    )
    return Page(shown.id, shown.event_id, version, body.encode(), csp_nonce())


def photo_response(exhibit: Exhibit, photo_id: int, *, small: bool) -> Response:
    """A photo of ``exhibit``'s initiative (never another kind of attachment), cached for a
    year: a photo's file never changes (a new photo is a new file). A photo without its
    thumbnail (brought by a backup, which carries the large file) is served large."""
    found = next(
        (
            a
            for a in exhibit.initiative.attachments
            if a.id == photo_id and a.kind == AttachmentKind.PHOTO
        ),
        None,
    )
    kind = PHOTO_TYPES.get(found.path.rpartition(".")[2].lower()) if found is not None else None
    if found is None or kind is None:
        abort(404)
    folder = str(attachments_folder())
    paths = [small_path(found.path), found.path] if small else [found.path]
    for path in paths:
        full = safe_join(folder, path)
        if full is not None and Path(full).is_file():
            answer = send_file(full, mimetype=kind, max_age=ONE_YEAR, conditional=True)
            answer.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
            return answer
    abort(404)


@bp.route("/e/<token>/photos/<int:photo_id>.jpg")
@public
def photo(token: str, photo_id: int) -> ResponseReturnValue:
    return photo_response(exhibit_or_404(token), photo_id, small=False)


@bp.route("/e/<token>/photos/<int:photo_id>-small.jpg")
@public
def photo_small(token: str, photo_id: int) -> ResponseReturnValue:
    return photo_response(exhibit_or_404(token), photo_id, small=True)


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
