"""The organiser's pages of the big screens."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext
from sqlalchemy import select

from core import db
from core.links import external_url
from core.manage import MenuItem, event_page
from core.models import Event
from display.models import Screen

bp = Blueprint("display_manage", __name__, url_prefix="/manage/<slug>", template_folder="templates")


@bp.route("/screens")
@event_page()
def screens(event: Event) -> ResponseReturnValue:
    """The event's big screens and the address each one opens."""
    rows = db.session().scalars(
        select(Screen).where(Screen.event_id == event.id).order_by(Screen.name)
    )
    return render_template(
        "display/manage/screens.html",
        event=event,
        screens=rows.all(),
        link=lambda name: external_url("display.screen", slug=event.slug, screen=name),
        section="screens",
    )


def menu_item(_event: Event) -> MenuItem:
    return MenuItem("screens", lazy_gettext("Màn hình lớn"), "display_manage.screens", position=40)
