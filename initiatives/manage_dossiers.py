"""The support team's pages of the dossiers (Tổ hỗ trợ sáng kiến), at ``/manage/dossiers``.

A member of a unit's support team sees the dossiers of that unit and of its sub-units; a site
administrator sees every dossier. The queue filters by state and unit, and says how long the
dossiers now in each state have waited there (median and longest); a dossier's page shows the
record, the checklist of recognition, the assignment, the team's private comments, the moves
the dossier may make, its history with the time spent in each state, and its audit trail.

The teams themselves are kept by the site administrators only (every unit's, ``/manage/dossiers/
team``): a member reads every dossier of the unit and its sub-units, confidential information and
private notes included, and any organiser may create an event for any unit, so an event's owner
is no one to vouch for a unit's team.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy.orm import Session

from core import db, signals
from core.admin import AdminLink, unit_lines, unit_or_404
from core.auth import (
    View,
    admin_required,
    audience,
    signed_in_organiser,
    unauthorized,
)
from core.errors import STATUS, Conflict, DomainError, Forbidden, Invalid
from core.imports import Unreadable, parse_date
from core.manage import form_id
from core.models import Organiser
from core.models.base import utcnow
from initiatives import dossiers
from initiatives.checklist import WARNING, complete
from initiatives.models import AttachmentKind, Dossier, RecognitionLevel
from initiatives.recognition import LEVEL_NAMES, decision_date_problem
from initiatives.record_form import clean
from initiatives.worker import serve_attachment

bp = Blueprint("dossiers", __name__, url_prefix="/manage/dossiers", template_folder="templates")

# Who may open the support team's pages: the members of a unit's team, and the administrators.
SUPPORT = "support team"


def _me() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only organisers in
    return organiser


def support_required(view: View) -> View:
    """A page of the support teams: their members and the site administrators."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        organiser = signed_in_organiser()
        if organiser is None:
            return unauthorized()
        if not organiser.is_admin and not dossiers.is_support_member(db.session(), organiser):
            message = _("Chỉ thành viên Tổ hỗ trợ sáng kiến mới mở được trang này.")
            raise Forbidden("forbidden", message)
        return view(*args, **kwargs)

    return audience(SUPPORT)(wrapper)


@bp.route("")
@support_required
def queue() -> ResponseReturnValue:
    """The dossiers the member handles, filtered, with how long each state's dossiers wait."""
    session = db.session()
    me = _me()
    handled = dossiers.queue(session, me)
    filters = dossiers.parse_filters(request.args)
    return render_template(
        "initiatives/manage/dossiers.html",
        dossiers=dossiers.queue(session, me, filters),
        waits=dossiers.waits(handled, dossiers.history_of(session, handled)),
        filters=filters,
        units=_units(session, me),
        state_names=dossiers.STATE_NAMES,
        states=dossiers.STATES,
        duration=dossiers.duration,
        now=utcnow(),
    )


def _units(session: Session, organiser: Organiser) -> list[tuple[Any, int]]:
    """The units the queue's filter offers, as a tree: those whose dossiers the member handles."""
    handled = dossiers.support_units(session, organiser)
    return [
        (unit, depth)
        for unit, depth in unit_lines(session)
        if handled is None or unit.id in handled
    ]


def _dossier_page(dossier_id: int, status: int = 200, **errors: str) -> ResponseReturnValue:
    session = db.session()
    dossier = dossiers.loaded(session, dossiers.dossier_or_404(session, dossier_id, _me()))
    lines = dossiers.lines(session, dossier)
    stays = dossiers.stays(dossiers.steps(session, dossier))
    trail = dossiers.trail(session, dossier)
    actors = dossiers.actor_names(session, [s.actor for s in stays] + [t.actor for t in trail])
    page = render_template(
        "initiatives/manage/dossier.html",
        dossier=dossier,
        lines=lines,
        ready=complete(lines),
        warning=WARNING,
        team=dossiers.team_of(session, dossier),
        comments=dossiers.comments(session, dossier),
        stays=stays,
        trail=trail,
        actor_name=lambda actor: actors.get(actor, actor),
        action_name=lambda action: dossiers.ACTION_NAMES.get(action, action),
        change_lines=dossiers.change_lines,
        duration=dossiers.duration,
        moves={name: dossier.state in move.sources for name, move in dossiers.MOVES.items()},
        state_names=dossiers.STATE_NAMES,
        levels=LEVEL_NAMES,
        photo=AttachmentKind.PHOTO,
        errors=errors,
        form=request.form,
    )
    return page, status


@bp.route("/<int:dossier_id>")
@support_required
def dossier(dossier_id: int) -> ResponseReturnValue:
    """One dossier: record, checklist, assignment, comments, moves, history and audit."""
    return _dossier_page(dossier_id)


def _act(
    dossier_id: int, act: Callable[[Session, Dossier, Organiser], None], done: str
) -> ResponseReturnValue:
    """Do one thing to the dossier in the write transaction; a refusal is shown on its page."""
    writing = db.write()
    try:
        act(writing, dossiers.dossier_or_404(writing, dossier_id, _me()), _me())
    except (Invalid, Conflict) as error:
        db.rollback()
        field = str(error.details.get("field", "action"))
        return _dossier_page(dossier_id, STATUS.get(type(error), 422), **{field: error.message})
    flash(done, "info")
    return redirect(url_for("dossiers.dossier", dossier_id=dossier_id))


@bp.route("/<int:dossier_id>/support", methods=["POST"])
@support_required
def support(dossier_id: int) -> ResponseReturnValue:
    """Take the submitted dossier in hand ("đang hỗ trợ")."""
    return _act(dossier_id, dossiers.take_into_support, _("Đã nhận hỗ trợ hồ sơ."))


@bp.route("/<int:dossier_id>/return", methods=["POST"])
@support_required
def give_back(dossier_id: int) -> ResponseReturnValue:
    """Return the dossier to the worker, saying what to add or correct."""
    reason = request.form.get("reason", "")
    return _act(
        dossier_id,
        lambda session, found, me: dossiers.return_dossier(session, found, reason, me),
        _("Đã trả lại hồ sơ cho người lao động."),
    )


@bp.route("/<int:dossier_id>/complete", methods=["POST"])
@support_required
def mark_complete(dossier_id: int) -> ResponseReturnValue:
    """ "Đủ hồ sơ": every condition of recognition is proved."""
    return _act(dossier_id, dossiers.mark_complete, _("Đã xác nhận đủ hồ sơ."))


def _recognition(session: Session, found: Dossier, me: Organiser) -> None:
    form = request.form
    try:
        level = RecognitionLevel(form.get("recognition_level", ""))
    except ValueError:
        level = None
    try:
        decided_on = parse_date(form.get("decision_date", "").strip())
    except Unreadable as error:
        raise Invalid("invalid_date", str(error), field="decision_date") from None
    if problem := decision_date_problem(decided_on):
        raise Invalid("future_date", problem, field="decision_date")
    number = clean(form.get("decision_number", ""), 100)
    dossiers.recognise(session, found, level, number, decided_on, me)


@bp.route("/<int:dossier_id>/recognise", methods=["POST"])
@support_required
def recognise(dossier_id: int) -> ResponseReturnValue:
    """ "Đã công nhận", with the decision's level, number and date."""
    return _act(dossier_id, _recognition, _("Đã ghi quyết định công nhận sáng kiến."))


@bp.route("/<int:dossier_id>/assign", methods=["POST"])
@support_required
def assign(dossier_id: int) -> ResponseReturnValue:
    """Give the dossier to a member of its unit's team, or to nobody (an empty choice: the
    form's "Chưa phân công"); anything else that names no organiser is refused, never read as
    nobody."""
    sent = request.form.get("assignee", "").strip()
    chosen = form_id(sent)

    def act(session: Session, found: Dossier, me: Organiser) -> None:
        assignee = session.get(Organiser, chosen) if chosen is not None else None
        if sent and assignee is None:
            message = _("Người này không ở trong Tổ hỗ trợ sáng kiến của đơn vị.")
            raise Invalid("not_a_member", message, field="assignee")
        dossiers.assign(session, found, assignee, me)

    return _act(dossier_id, act, _("Đã phân công hồ sơ."))


@bp.route("/<int:dossier_id>/comments", methods=["POST"])
@support_required
def add_comment(dossier_id: int) -> ResponseReturnValue:
    """A private note of the team; the worker never reads it."""
    body = request.form.get("body", "")

    def act(session: Session, found: Dossier, me: Organiser) -> None:
        dossiers.comment(session, found, body, me)

    return _act(dossier_id, act, _("Đã thêm ghi chú."))


@bp.route("/<int:dossier_id>/files/<int:attachment_id>")
@support_required
def file(dossier_id: int, attachment_id: int) -> ResponseReturnValue:
    """A photo or PDF of the dossier."""
    found = dossiers.dossier_or_404(db.session(), dossier_id, _me())
    return serve_attachment(found, attachment_id, small=request.args.get("small") == "1")


# --- The teams ----------------------------------------------------------------------------------


def _team_page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template(template, form=request.form, **context), status


@bp.route("/team", methods=["GET", "POST"])
@admin_required
def team() -> ResponseReturnValue:
    """Every unit's support team; add a member by their account's email."""
    session = db.session()
    template = "initiatives/manage/support_team.html"
    context: dict[str, Any] = {"units": unit_lines(session)}
    if request.method == "POST":
        unit_id = form_id(request.form.get("unit"))
        writing = db.write()
        try:
            unit = unit_or_404(writing, unit_id or 0)
            dossiers.add_member(writing, unit, request.form.get("email", ""), _me())
        except DomainError as error:
            db.rollback()
            members = dossiers.members(db.session())
            return _team_page(template, 422, members=members, problem=error.message, **context)
        flash(_("Đã thêm thành viên Tổ hỗ trợ sáng kiến."), "info")
        return redirect(url_for("dossiers.team"))
    return _team_page(template, members=dossiers.members(session), problem="", **context)


@bp.route("/team/<int:support_member_id>/remove", methods=["POST"])
@admin_required
def remove_member(support_member_id: int) -> ResponseReturnValue:
    writing = db.write()
    dossiers.remove_member(writing, dossiers.member_or_404(writing, support_member_id), _me())
    flash(_("Đã bỏ thành viên khỏi Tổ hỗ trợ sáng kiến."), "info")
    return redirect(url_for("dossiers.team"))


def _links(organiser: Organiser) -> list[AdminLink]:
    """The queue for the support teams' members and the administrators; the teams for the
    administrators."""
    links = []
    if organiser.is_admin or dossiers.is_support_member(db.session(), organiser):
        links.append(AdminLink(lazy_gettext("Hồ sơ sáng kiến"), "dossiers.queue", position=10))
    if organiser.is_admin:
        links.append(AdminLink(lazy_gettext("Tổ hỗ trợ sáng kiến"), "dossiers.team", position=11))
    return links


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    signals.organiser_links.connect(_links, weak=False)
