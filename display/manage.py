"""The organiser's control page of the big screens (Điều khiển màn hình lớn): create, rename and
delete screens, switch each one's mode and settings, start a pitch's countdown; each screen's
live miniature and whether it is on. The writes and their refusals are in ``display.service``."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from core import db
from core.auth import can_manage
from core.errors import DomainError, status_of
from core.i18n import sort_key
from core.links import external_url
from core.manage import MenuItem, acting_organiser, event_page
from core.models import Event, EventRole
from display import service
from display.models import Screen
from display.modes import modes

bp = Blueprint("display_manage", __name__, url_prefix="/manage/<slug>", template_folder="templates")


def _page(event: Event, *, status: int = 200, problem: str = "") -> ResponseReturnValue:
    rows = db.session().scalars(select(Screen).where(Screen.event_id == event.id)).all()
    page = render_template(
        "display/manage/screens.html",
        event=event,
        screens=sorted(rows, key=lambda s: sort_key(s.name)),
        modes=modes(),
        link=lambda key: external_url("display.named_screen", slug=event.slug, key=key),
        may_edit=can_manage(event, EventRole.MANAGER),
        problem=problem,
        section="screens",
    )
    return page, status


def _refused(event: Event, error: DomainError) -> ResponseReturnValue:
    db.rollback()  # let go of the write lock before the page is drawn
    return _page(event, status=status_of(error), problem=error.message)


def _back(event: Event) -> ResponseReturnValue:
    return redirect(url_for("display_manage.screens", slug=event.slug))


@bp.route("/screens")
@event_page()
def screens(event: Event) -> ResponseReturnValue:
    """Every screen of the event: what it shows now, whether it is on, and its address."""
    return _page(event)


@bp.route("/screens", methods=["POST"])
@event_page(EventRole.MANAGER)
def screen_add(event: Event) -> ResponseReturnValue:
    """A new screen, showing the standings until told otherwise."""
    try:
        screen = service.create_screen(
            db.write(), event, request.form.get("name", ""), acting_organiser()
        )
    except DomainError as error:
        return _refused(event, error)
    flash(
        _(
            "Đã thêm màn hình “%(name)s”. Hãy mở địa chỉ của nó trên máy nối với màn hình.",
            name=screen.name,
        ),
        "info",
    )
    return _back(event)


@bp.route("/screens/<int:screen_id>/mode", methods=["POST"])
@event_page(EventRole.MANAGER)
def screen_mode(event: Event, screen_id: int) -> ResponseReturnValue:
    """Switch a screen's mode and settings; the open screen changes at once, without reloading."""
    writing = db.write()
    try:
        screen = service.screen_of(writing, event, screen_id)
        fields = {key: value for key, value in request.form.items() if key != "csrf_token"}
        service.set_mode(
            writing, event, screen, request.form.get("mode", ""), fields, acting_organiser()
        )
    except DomainError as error:
        return _refused(event, error)
    flash(_("Màn hình “%(name)s” đã chuyển nội dung.", name=screen.name), "info")
    return _back(event)


@bp.route("/screens/<int:screen_id>/timer", methods=["POST"])
@event_page(EventRole.MANAGER)
def screen_timer(event: Event, screen_id: int) -> ResponseReturnValue:
    """Start the pitch's countdown on a screen, or stop it."""
    writing = db.write()
    try:
        screen = service.screen_of(writing, event, screen_id)
        running = request.form.get("run") == "start"
        service.set_timer(writing, event, screen, running, acting_organiser())
    except DomainError as error:
        return _refused(event, error)
    return _back(event)


@bp.route("/screens/<int:screen_id>/rename", methods=["POST"])
@event_page(EventRole.MANAGER)
def screen_rename(event: Event, screen_id: int) -> ResponseReturnValue:
    """A new name; the screen keeps its address."""
    writing = db.write()
    try:
        screen = service.screen_of(writing, event, screen_id)
        service.rename_screen(
            writing, event, screen, request.form.get("name", ""), acting_organiser()
        )
    except DomainError as error:
        return _refused(event, error)
    flash(_("Đã đổi tên màn hình thành “%(name)s”.", name=screen.name), "info")
    return _back(event)


@bp.route("/screens/<int:screen_id>/delete", methods=["POST"])
@event_page(EventRole.MANAGER)
def screen_delete(event: Event, screen_id: int) -> ResponseReturnValue:
    """Forget a screen."""
    writing = db.write()
    try:
        screen = service.screen_of(writing, event, screen_id)
        name = screen.name
        service.delete_screen(writing, event, screen, acting_organiser())
    except DomainError as error:
        return _refused(event, error)
    flash(_("Đã xóa màn hình “%(name)s”.", name=name), "info")
    return _back(event)


def menu_item(_event: Event) -> MenuItem:
    return MenuItem("screens", lazy_gettext("Màn hình lớn"), "display_manage.screens", position=40)
