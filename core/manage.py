"""The organiser's shell: their events, an event's overview, and the menu the packages fill.

An organiser page of an event is a view decorated with :func:`event_page`: it loads the event the
URL names, checks the organiser's role in it (``core.auth.can_manage``) and receives the event.
Its template extends ``core/manage/base.html``, which draws the event's menu: each package adds
its pages by connecting to ``signals.management_menu`` in its ``init_app`` (see
docs/architecture.md, "Adding an organiser page").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, db, signals
from core.admin import unit_lines
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
from core.errors import Forbidden, Invalid
from core.lookup import event_or_404
from core.models import Event, EventMember, EventRole, EventStatus, Organiser
from core.models.base import MAX_ID
from core.service import (
    NEXT_STATUS,
    PREVIOUS_STATUS,
    Blocked,
    Blocker,
    change_status,
    copy_event,
    create_event,
    read_event_form,
    role_to_move,
    transition_blockers,
)

bp = Blueprint("manage", __name__, url_prefix="/manage")


@dataclass(frozen=True)
class MenuItem:
    """One line of an event's organiser menu: a page that takes the event's ``slug``."""

    section: str
    label: Any  # a lazy string, translated when the menu is drawn
    endpoint: str
    role: EventRole = EventRole.VIEWER
    position: int = 100


@dataclass(frozen=True)
class Figure:
    """A count on an event's dashboard from a package the dashboard does not import (see
    ``signals.dashboard_figures``), with its breakdown (label, count) drawn as a bar chart when
    ``chart`` names the chart's title."""

    key: str
    label: Any  # a lazy string, translated when the dashboard is drawn
    total: int
    bars: list[tuple[str, int]] = field(default_factory=list)
    chart: Any = None


def figures(event: Event, session: Session) -> list[Figure]:
    """What the packages count for the event's dashboard, in the order they answered."""
    found: list[Figure] = []
    for _receiver, contributed in signals.dashboard_figures.send(event, session=session):
        found.extend(contributed if isinstance(contributed, list) else [contributed])
    return found


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


def form_id(text: str | None) -> int | None:
    """A row's id as a form sends it, or None for anything else (ids beyond MAX_ID name nothing:
    the databases would refuse to compare them)."""
    if not text or not text.isascii() or not text.isdecimal():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def acting_organiser() -> str:
    """The signed-in organiser as the audit log names them, for a view behind ``event_page``."""
    organiser = signed_in_organiser()
    assert organiser is not None  # the page's decorator let only organisers in
    return audit.actor(organiser)


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


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def new_event() -> ResponseReturnValue:
    """Create an event: any organiser may, and becomes its owner."""
    organiser = signed_in_organiser()
    assert organiser is not None
    if request.method == "GET":
        return _event_form("core/manage/new_event.html", {})
    try:
        data = read_event_form(db.session(), request.form)
    except Invalid as error:
        return _event_form("core/manage/new_event.html", error.details.get("fields", {}), 422)
    event = create_event(db.write(), organiser, data)
    flash(_("Đã tạo sự kiện “%(name)s”.", name=event.name), "info")
    return redirect(url_for("manage.overview", slug=event.slug))


@bp.route("/<slug>/copy", methods=["GET", "POST"])
@event_page(EventRole.OWNER)
def copy(event: Event) -> ResponseReturnValue:
    """A new event set up like this one: settings, rounds, rubric, and the jury if asked."""
    organiser = signed_in_organiser()
    assert organiser is not None
    template = "core/manage/copy_event.html"
    if request.method == "GET":
        form = {"name": event.name, "venue": event.venue, "unit": str(event.unit_id or "")}
        return _event_form(template, {}, event=event, form=form)
    try:
        data = read_event_form(db.session(), request.form)
    except Invalid as error:
        return _event_form(template, error.details.get("fields", {}), 422, event=event)
    judges = request.form.get("judges") == "1"
    made, notes = copy_event(db.write(), event, organiser, data, judges=judges)
    flash(
        _("Đã tạo sự kiện “%(name)s” từ “%(source)s”.", name=made.name, source=event.name), "info"
    )
    for note in notes:
        flash(note, "info")
    return redirect(url_for("manage.overview", slug=made.slug))


def _event_form(
    template: str, errors: dict[str, str], status: int = 200, **context: Any
) -> ResponseReturnValue:
    """An event's form, with what was typed and a message beside each field at fault."""
    context.setdefault("form", request.form)
    units = unit_lines(db.session())
    return render_template(template, errors=errors, units=units, **context), status


@dataclass(frozen=True)
class Step:
    """A change of status the overview offers: whether the organiser may make it, and what
    stops it."""

    target: EventStatus
    backwards: bool
    role: EventRole
    allowed: bool
    blockers: list[Blocker]

    @property
    def overridable(self) -> bool:
        """Only warnings stand in the way: the owner may tick them and go on."""
        return bool(self.blockers) and all(blocker.overridable for blocker in self.blockers)


def lifecycle(event: Event) -> list[Step]:
    """The next step of the event's lifecycle, and the step back where there is one."""
    found = []
    for target, backwards in (
        (NEXT_STATUS.get(event.status), False),
        (PREVIOUS_STATUS.get(event.status), True),
    ):
        if target is not None:
            role = role_to_move(event.status, target)
            blockers = transition_blockers(db.session(), event, target)
            found.append(Step(target, backwards, role, can_manage(event, role), blockers))
    return found


@bp.route("/<slug>/")
@event_page()
def overview(event: Event) -> ResponseReturnValue:
    """An event at a glance: its status and the next step, and who runs it."""
    return _overview(event)


def _overview(event: Event, refused: Blocked | None = None) -> ResponseReturnValue:
    page = render_template(
        "core/manage/overview.html",
        event=event,
        members=members(event),
        steps=lifecycle(event),
        refused=refused,
        may_copy=can_manage(event, EventRole.OWNER),
        section="overview",
    )
    return page, 200 if refused is None else 409


@bp.route("/<slug>/status", methods=["POST"])
@event_page(EventRole.MANAGER)
def status(event: Event) -> ResponseReturnValue:
    """Move the event one step on, or back; refused, with what stops it, if something does."""
    organiser = signed_in_organiser()
    assert organiser is not None
    try:
        target = EventStatus(request.form.get("to", ""))
    except ValueError:
        raise Invalid("invalid_status", _("Trạng thái này không tồn tại.")) from None
    writing = db.write()
    if not can_manage(event, role_to_move(event.status, target)):
        message = _("Chỉ người phụ trách sự kiện được khóa, công bố hoặc mở lại kết quả.")
        raise Forbidden("forbidden", message)
    override = request.form.get("override") == "1"
    try:
        change_status(writing, event, target, audit.actor(organiser), override=override)
    except Blocked as refused:
        db.rollback()  # let go of the write lock before the page is drawn
        return _overview(event, refused)
    flash(_("Sự kiện đã chuyển sang “%(status)s”.", status=STATUS_NAMES[target]), "info")
    return redirect(url_for("manage.overview", slug=event.slug))


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
# The overview's buttons: (from, to).
STEP_NAMES = {
    (EventStatus.DRAFT, EventStatus.OPEN): lazy_gettext("Mở đăng ký"),
    (EventStatus.OPEN, EventStatus.SCORING): lazy_gettext("Bắt đầu chấm điểm"),
    (EventStatus.SCORING, EventStatus.LOCKED): lazy_gettext("Khóa kết quả"),
    (EventStatus.LOCKED, EventStatus.PUBLISHED): lazy_gettext("Công bố kết quả"),
    (EventStatus.SCORING, EventStatus.OPEN): lazy_gettext("Tạm dừng chấm điểm"),
    (EventStatus.LOCKED, EventStatus.SCORING): lazy_gettext("Mở lại việc chấm điểm"),
}


def _context() -> dict[str, Any]:
    found: dict[str, Any] = {
        "role_names": ROLE_NAMES,
        "status_names": STATUS_NAMES,
        "step_names": STEP_NAMES,
        "statuses": list(EventStatus),
    }
    event = g.get("manage_event")
    if event is not None:
        found["manage_menu"] = menu(event)
    return found


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(_context)
    signals.management_menu.connect(_overview_item, weak=False)
