"""Panels (Tiểu ban chấm): some judges of a round who score some of its entries, for partial
coverage such as an exhibit hall walked by several small panels. The rule they feed is in
``scoring.assignments``; the writes and their refusals in ``scoring.panel_service``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import db
from core.auth import can_manage
from core.errors import DomainError, status_of
from core.i18n import sort_key
from core.manage import MenuItem, acting_organiser, event_page, form_id
from core.models import Event, EventRole, Round, RoundStatus
from core.service import SEALED
from initiatives.models import Initiative
from scoring.models import Entry, EntryStatus, Judge, Panel
from scoring.panel_service import (
    assign_entries,
    create_panel,
    delete_panel,
    panel_of,
    rename_panel,
    set_members,
)

bp = Blueprint("scoring_panels", __name__, url_prefix="/manage/<slug>")


@dataclass(frozen=True)
class RoundPanels:
    """A round on the panels page: its panels with their judges' ids, and its entries in running
    order as (entry, title)."""

    round: Round
    panels: list[tuple[Panel, set[int]]]
    entries: list[tuple[Entry, str]]

    @property
    def open(self) -> bool:
        return self.round.status == RoundStatus.OPEN


def rounds_with_panels(session: Session, event: Event) -> list[RoundPanels]:
    """The event's rounds in order, each with its panels and entries."""
    rounds = session.scalars(
        select(Round).where(Round.event_id == event.id).order_by(Round.position)
    ).all()
    panels = session.scalars(
        select(Panel)
        .where(Panel.round_id.in_([r.id for r in rounds]))
        .options(selectinload(Panel.members))
        .order_by(Panel.position, Panel.id)
    ).all()
    entries = session.execute(
        select(Entry, Initiative.title)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(Entry.round_id.in_([r.id for r in rounds]))
        .order_by(Entry.running_order)
    ).tuples()
    by_round: dict[int, list[tuple[Entry, str]]] = {r.id: [] for r in rounds}
    for entry, title in entries:
        by_round[entry.round_id].append((entry, title))
    return [
        RoundPanels(
            found,
            [(p, {m.judge_id for m in p.members}) for p in panels if p.round_id == found.id],
            by_round[found.id],
        )
        for found in rounds
    ]


def _page(event: Event, *, status: int = 200, problem: str = "") -> ResponseReturnValue:
    session = db.session()
    judges = session.scalars(select(Judge).where(Judge.event_id == event.id)).all()
    page = render_template(
        "scoring/manage/panels.html",
        event=event,
        rounds=rounds_with_panels(session, event),
        judges=sorted(judges, key=lambda j: (not j.active, sort_key(j.name))),
        withdrawn=EntryStatus.WITHDRAWN,
        may_edit=can_manage(event, EventRole.MANAGER),
        sealed=event.status in SEALED,
        problem=problem,
        section="panels",
    )
    return page, status


def _refused(event: Event, error: DomainError) -> ResponseReturnValue:
    db.rollback()  # let go of the write lock before the page is drawn
    return _page(event, status=status_of(error), problem=error.message)


def _back(event: Event) -> ResponseReturnValue:
    return redirect(url_for("scoring_panels.panels", slug=event.slug))


@bp.route("/panels")
@event_page()
def panels(event: Event) -> ResponseReturnValue:
    """Each round's panels, their judges, and which panel scores each entry."""
    return _page(event)


@bp.route("/panels", methods=["POST"])
@event_page(EventRole.MANAGER)
def panel_add(event: Event) -> ResponseReturnValue:
    """A new, empty panel in a round."""
    try:
        panel = create_panel(
            db.write(),
            event,
            form_id(request.form.get("round")) or 0,
            request.form.get("name", ""),
            acting_organiser(),
        )
    except DomainError as error:
        return _refused(event, error)
    flash(
        _("Đã tạo tiểu ban “%(name)s”. Hãy chọn giám khảo cho tiểu ban.", name=panel.name), "info"
    )
    return _back(event)


@bp.route("/panels/<int:panel_id>", methods=["POST"])
@event_page(EventRole.MANAGER)
def panel_rename(event: Event, panel_id: int) -> ResponseReturnValue:
    """Rename a panel."""
    writing = db.write()
    try:
        panel = panel_of(writing, event, panel_id)
        rename_panel(writing, event, panel, request.form.get("name", ""), acting_organiser())
    except DomainError as error:
        return _refused(event, error)
    flash(_("Đã đổi tên tiểu ban thành “%(name)s”.", name=panel.name), "info")
    return _back(event)


@bp.route("/panels/<int:panel_id>/judges", methods=["POST"])
@event_page(EventRole.MANAGER)
def panel_judges(event: Event, panel_id: int) -> ResponseReturnValue:
    """The panel's judges become those ticked."""
    writing = db.write()
    chosen = {found for value in request.form.getlist("judge") if (found := form_id(value))}
    try:
        panel = panel_of(writing, event, panel_id)
        set_members(writing, event, panel, chosen, acting_organiser())
    except DomainError as error:
        return _refused(event, error)
    flash(_("Đã lưu giám khảo của tiểu ban “%(name)s”.", name=panel.name), "info")
    return _back(event)


@bp.route("/panels/<int:panel_id>/delete", methods=["POST"])
@event_page(EventRole.MANAGER)
def panel_delete(event: Event, panel_id: int) -> ResponseReturnValue:
    """Delete a panel; its entries go back to every judge."""
    writing = db.write()
    try:
        panel = panel_of(writing, event, panel_id)
        name = panel.name
        delete_panel(writing, event, panel, acting_organiser())
    except DomainError as error:
        return _refused(event, error)
    flash(_("Đã xóa tiểu ban “%(name)s”.", name=name), "info")
    return _back(event)


@bp.route("/panels/entries", methods=["POST"])
@event_page(EventRole.MANAGER)
def panel_entries(event: Event) -> ResponseReturnValue:
    """Which panel scores each entry of a round: a field ``entry-<id>`` per entry, holding a
    panel's id, or empty for every judge."""
    chosen: dict[int, int | None] = {}
    for key, value in request.form.items():
        if key.startswith("entry-"):
            entry_id = form_id(key.removeprefix("entry-"))
            if entry_id is not None:
                chosen[entry_id] = form_id(value)
    try:
        changed = assign_entries(
            db.write(), event, form_id(request.form.get("round")) or 0, chosen, acting_organiser()
        )
    except DomainError as error:
        return _refused(event, error)
    flash(_("Đã lưu phân công chấm cho %(count)s bài dự thi.", count=changed), "info")
    return _back(event)


def menu_item(_event: Event) -> MenuItem:
    return MenuItem("panels", lazy_gettext("Tiểu ban chấm"), "scoring_panels.panels", position=26)
