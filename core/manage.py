"""The organiser's shell: their events, an event's overview, and the menu the packages fill.

An organiser page of an event is a view decorated with :func:`event_page`: it loads the event the
URL names, checks the organiser's role in it (``core.auth.can_manage``) and receives the event.
Its template extends ``core/manage/base.html``, which draws the event's menu: each package adds
its pages by connecting to ``signals.management_menu`` in its ``init_app`` (see
docs/architecture.md, "Adding an organiser page").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, abort, g, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from core import db, signals
from core.api import job_json, job_or_404
from core.auth import (
    View,
    audience,
    can_manage,
    event_audience,
    organiser_required,
    signed_in_organiser,
    unauthorized,
)
from core.errors import Forbidden
from core.lookup import event_or_404
from core.models import Event, EventMember, EventRole, EventStatus, Organiser

bp = Blueprint("manage", __name__, url_prefix="/manage")


@dataclass(frozen=True)
class MenuItem:
    """One line of an event's organiser menu: a page that takes the event's ``slug``."""

    section: str
    label: Any  # a lazy string, translated when the menu is drawn
    endpoint: str
    role: EventRole = EventRole.VIEWER
    position: int = 100


def menu(event: Event) -> list[MenuItem]:
    """The pages of ``event`` that the signed-in organiser may open, in order."""
    items: list[MenuItem] = []
    for _receiver, contributed in signals.management_menu.send(event):
        items.extend(contributed if isinstance(contributed, list) else [contributed])
    return sorted(
        (item for item in items if can_manage(event, item.role)), key=lambda i: i.position
    )


def event_page(role: EventRole = EventRole.VIEWER) -> Callable[[View], View]:
    """An organiser page of the event named by ``slug``, for ``role`` and above."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(slug: str, **kwargs: Any) -> ResponseReturnValue:
            if signed_in_organiser() is None:
                return unauthorized()
            event = event_or_404(slug)
            if not can_manage(event, role):
                message = _("Bạn không có quyền làm việc này trong sự kiện này.")
                raise Forbidden("forbidden", message)
            g.manage_event = event
            return view(event, **kwargs)

        return audience(event_audience(role))(wrapper)

    return decorate


def managed_events(organiser: Organiser) -> list[tuple[Event, EventRole | None]]:
    """The events an organiser may open, newest first, with their role (None: administrator)."""
    session = db.session()
    if organiser.is_admin:
        return [
            (event, None) for event in session.scalars(select(Event).order_by(Event.held_on.desc()))
        ]
    rows = session.execute(
        select(Event, EventMember.role)
        .join(EventMember, EventMember.event_id == Event.id)
        .where(EventMember.organiser_id == organiser.id)
        .order_by(Event.held_on.desc())
    ).tuples()
    return [(event, role) for event, role in rows]


def members(event: Event) -> list[tuple[Organiser, EventRole]]:
    rows = (
        db.session()
        .execute(
            select(Organiser, EventMember.role)
            .join(EventMember, EventMember.organiser_id == Organiser.id)
            .where(EventMember.event_id == event.id)
            .order_by(Organiser.name)
        )
        .tuples()
    )
    return list(rows)


@bp.route("/")
@organiser_required
def events() -> ResponseReturnValue:
    """The organiser's events."""
    organiser = signed_in_organiser()
    assert organiser is not None
    return render_template("core/manage/events.html", events=managed_events(organiser))


@bp.route("/<slug>/")
@event_page()
def overview(event: Event) -> ResponseReturnValue:
    """An event at a glance, and who runs it."""
    return render_template(
        "core/manage/overview.html", event=event, members=members(event), section="overview"
    )


@bp.route("/<slug>/jobs/<job_id>")
@event_page()
def job(event: Event, job_id: str) -> ResponseReturnValue:
    """Long work under way: its progress, live, then its result."""
    found = job_or_404(job_id)
    if found.event_id != event.id:
        abort(404)
    return render_template("core/manage/job.html", event=event, job=job_json(found), section="")


def _overview_item(_event: Event) -> MenuItem:
    return MenuItem("overview", lazy_gettext("Tổng quan"), "manage.overview", position=0)


ROLE_NAMES = {
    EventRole.OWNER: lazy_gettext("Phụ trách sự kiện"),
    EventRole.MANAGER: lazy_gettext("Điều hành"),
    EventRole.VIEWER: lazy_gettext("Theo dõi"),
}
STATUS_NAMES = {
    EventStatus.DRAFT: lazy_gettext("Đang chuẩn bị"),
    EventStatus.OPEN: lazy_gettext("Đang mở đăng ký"),
    EventStatus.SCORING: lazy_gettext("Đang chấm điểm"),
    EventStatus.LOCKED: lazy_gettext("Đã khóa kết quả"),
    EventStatus.PUBLISHED: lazy_gettext("Đã công bố kết quả"),
}


def _context() -> dict[str, Any]:
    found: dict[str, Any] = {"role_names": ROLE_NAMES, "status_names": STATUS_NAMES}
    event = g.get("manage_event")
    if event is not None:
        found["manage_menu"] = menu(event)
    return found


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(_context)
    signals.management_menu.connect(_overview_item, weak=False)
