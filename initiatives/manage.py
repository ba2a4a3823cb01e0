"""The administrators' page of the initiatives' reference lists: themes (chuyên đề) and fields
(lĩnh vực), at ``/manage/themes`` (the rules are in ``initiatives.service``); and an event's
list of initiatives (Sáng kiến), at ``/manage/<slug>/initiatives``."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from core import db, signals
from core.admin import AdminLink
from core.auth import admin_required, can_manage, signed_in_organiser
from core.errors import Invalid
from core.i18n import sort_key
from core.manage import MenuItem, event_page
from core.models import Event, EventRole, Organiser
from initiatives.models import EventInitiative, Initiative, TermKind
from initiatives.service import (
    KIND_NAMES,
    add_term,
    move_term,
    parse_kind,
    remove_term,
    rename_term,
    term_or_404,
    terms,
)

bp = Blueprint(
    "initiatives_manage", __name__, url_prefix="/manage/themes", template_folder="templates"
)

event_bp = Blueprint(
    "initiatives_event", __name__, url_prefix="/manage/<slug>", template_folder="templates"
)

STEPS = {"up": -1, "down": 1}


def _me() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only administrators in
    return organiser


def _lists_page(
    errors: Mapping[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """Both lists; ``errors`` and ``form`` are keyed by the form at fault: ``add-<kind>`` or
    ``term-<id>``."""
    session = db.session()
    lists = [(kind, KIND_NAMES[kind], terms(session, kind)) for kind in TermKind]
    page = render_template(
        "initiatives/manage/themes.html", lists=lists, errors=errors or {}, form=form or {}
    )
    return page, status


@bp.route("")
@admin_required
def themes() -> ResponseReturnValue:
    """The lists of themes and fields, in their order."""
    return _lists_page()


@bp.route("/<kind>/add", methods=["POST"])
@admin_required
def add(kind: str) -> ResponseReturnValue:
    """Add a name at the end of a list."""
    chosen = parse_kind(kind)
    name = request.form.get("name", "")
    try:
        term = add_term(db.write(), chosen, name, _me())
    except Invalid as error:
        db.rollback()
        key = f"add-{chosen.value}"
        return _lists_page({key: error.message}, {key: name}, 422)
    flash(_("Đã thêm “%(name)s” vào danh sách.", name=term.name), "info")
    return redirect(url_for("initiatives_manage.themes"))


@bp.route("/<int:term_id>/rename", methods=["POST"])
@admin_required
def rename(term_id: int) -> ResponseReturnValue:
    """Rename a name of a list, and the initiatives that have it."""
    name = request.form.get("name", "")
    writing = db.write()
    term = term_or_404(writing, term_id)
    old = term.name
    try:
        followed = rename_term(writing, term, name, _me())
    except Invalid as error:
        db.rollback()
        key = f"term-{term_id}"
        return _lists_page({key: error.message}, {key: name}, 422)
    flash(
        _(
            "Đã đổi “%(old)s” thành “%(new)s”; %(count)s sáng kiến đổi theo.",
            old=old,
            new=term.name,
            count=followed,
        ),
        "info",
    )
    return redirect(url_for("initiatives_manage.themes"))


@bp.route("/<int:term_id>/move", methods=["POST"])
@admin_required
def move(term_id: int) -> ResponseReturnValue:
    """Move a name one place up or down its list."""
    step = STEPS.get(request.form.get("direction", ""))
    if step is None:
        raise Invalid("invalid_direction", _("Hãy chọn lên hoặc xuống."))
    writing = db.write()
    move_term(writing, term_or_404(writing, term_id), step, _me())
    # Back to the line moved, so that the keyboard goes on from there.
    return redirect(url_for("initiatives_manage.themes", _anchor=f"term-{term_id}"))


@bp.route("/<int:term_id>/remove", methods=["POST"])
@admin_required
def remove(term_id: int) -> ResponseReturnValue:
    """Take a name off its list; the initiatives that have it keep it."""
    writing = db.write()
    term = term_or_404(writing, term_id)
    name = term.name
    kept = remove_term(writing, term, _me())
    if kept:
        message = _(
            "Đã bỏ “%(name)s” khỏi danh sách. %(count)s sáng kiến vẫn giữ tên này.",
            name=name,
            count=kept,
        )
    else:
        message = _("Đã bỏ “%(name)s” khỏi danh sách.", name=name)
    flash(message, "info")
    return redirect(url_for("initiatives_manage.themes"))


def event_initiatives(session: Session, event: Event) -> list[Initiative]:
    """The initiatives on the event's list, by title in Vietnamese order, with their unit and
    authors loaded."""
    found = session.scalars(
        select(Initiative)
        .join(EventInitiative, EventInitiative.initiative_id == Initiative.id)
        .where(EventInitiative.event_id == event.id)
        .options(joinedload(Initiative.unit), selectinload(Initiative.authors))
    ).all()
    return sorted(found, key=lambda initiative: sort_key(initiative.title))


@event_bp.route("/initiatives")
@event_page()
def initiatives(event: Event) -> ResponseReturnValue:
    """The event's list of initiatives: imported, registered at its kiosk or taken from the
    library; its entries and exhibits are drawn from it."""
    found = event_initiatives(db.session(), event)
    return render_template(
        "initiatives/manage/initiatives.html",
        event=event,
        initiatives=found,
        may_import=can_manage(event, EventRole.MANAGER),
        section="initiatives",
    )


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "initiatives", lazy_gettext("Sáng kiến"), "initiatives_event.initiatives", position=15
    )


def admin_link(_sender: None) -> AdminLink:
    return AdminLink(lazy_gettext("Chuyên đề, lĩnh vực"), "initiatives_manage.themes", position=30)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(event_bp)
    signals.admin_menu.connect(admin_link, weak=False)
    signals.management_menu.connect(menu_item, weak=False)
