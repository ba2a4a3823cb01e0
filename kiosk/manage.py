"""The organiser's pages of the exhibition."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core import db
from core.links import external_url, is_guessed, public_url
from core.manage import MenuItem, event_page
from core.models import Event
from initiatives.models import Initiative
from kiosk.models import Exhibit, Visit

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
        section="exhibits",
    )


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "exhibits", lazy_gettext("Sản phẩm trưng bày"), "kiosk_manage.exhibits", position=20
    )
