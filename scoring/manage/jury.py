"""The jury (Hội đồng chấm thi): its judges, their roles, units, cards and recusals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core import db, qr
from core.admin import unit_lines
from core.auth import can_manage
from core.errors import Conflict, Invalid, NotFound, status_of
from core.i18n import nfc, sort_key
from core.links import external_url
from core.manage import MenuItem, acting_organiser, event_page
from core.models import Event, EventRole, Round
from core.models.base import MAX_ID
from core.service import SEALED
from initiatives.models import Initiative
from scoring.cards import Card, cards_pdf
from scoring.models import COUNTED, Entry, Judge, JuryRole, Recusal
from scoring.progress import set_aside_sheets
from scoring.service import (
    IssuedCard,
    add_judge,
    edit_judge,
    mint_cards,
    read_judge_form,
    record_cards,
    recuse_by_hand,
    set_judge_active,
    take_back_recusal,
)

bp = Blueprint("scoring_jury", __name__, url_prefix="/manage/<slug>")


JURY_ROLE_NAMES = {
    JuryRole.UNION: lazy_gettext("Đại diện Công đoàn"),
    JuryRole.PROFESSIONAL: lazy_gettext("Đại diện chuyên môn"),
    JuryRole.EXPERT: lazy_gettext("Chuyên gia kỹ thuật"),
    JuryRole.MANAGER: lazy_gettext("Cán bộ quản lý"),
}


@dataclass(frozen=True)
class JuryMember:
    """A judge on the jury page: who they are, and the entries they do not score, each with
    its title and whether a sheet the judge sent for it is set aside."""

    judge: Judge
    recusals: list[tuple[Recusal, str, bool]]


def jury_members(session: Session, event: Event) -> list[JuryMember]:
    """The event's judges, active first, by name, each with their recusals in running order."""
    judges = session.scalars(
        select(Judge)
        .where(Judge.event_id == event.id)
        .options(joinedload(Judge.unit))
        .order_by(Judge.active.desc(), Judge.name)
    ).all()
    # A sheet sent before the recusal: it counts again if the recusal is taken back.
    set_aside = {
        (row.judge.id, row.entry_id)
        for row in set_aside_sheets(session, event)
        if row.status in COUNTED
    }
    recusals: dict[int, list[tuple[Recusal, str, bool]]] = {judge.id: [] for judge in judges}
    for recusal, title in session.execute(
        select(Recusal, Initiative.title)
        .join(Entry, Entry.id == Recusal.entry_id)
        .join(Round, Round.id == Entry.round_id)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(Round.event_id == event.id)
        .order_by(Round.position, Entry.running_order)
    ).tuples():
        key = (recusal.judge_id, recusal.entry_id)
        recusals[recusal.judge_id].append((recusal, title, key in set_aside))
    return [JuryMember(judge, recusals[judge.id]) for judge in judges]


def event_entries(session: Session, event: Event) -> list[tuple[int, str]]:
    """The event's entries, as the recusal form lists them: id and title, in running order."""
    rows = session.execute(
        select(Entry.id, Initiative.title)
        .join(Round, Round.id == Entry.round_id)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(Round.event_id == event.id)
        .order_by(Round.position, Entry.running_order)
    ).tuples()
    return list(rows)


def _jury_page(
    event: Event,
    *,
    status: int = 200,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    editing: int | None = None,
    problem: str = "",
) -> ResponseReturnValue:
    """The jury page; ``form`` and ``errors`` belong to the form of judge ``editing``, to the
    new judge's form (``editing`` None, ``form["form"] == "add"``) or to the recusal's form
    (``form["form"] == "recusal"``)."""
    session = db.session()
    page = render_template(
        "scoring/manage/jury.html",
        event=event,
        members=jury_members(session, event),
        entries=event_entries(session, event),
        units=unit_lines(session),
        roles=list(JuryRole),
        jury_role_names=JURY_ROLE_NAMES,
        may_edit=can_manage(event, EventRole.MANAGER),
        sealed=event.status in SEALED,
        form=form or {},
        errors=errors or {},
        editing=editing,
        problem=problem,
        section="jury",
    )
    return page, status


def _judge_or_404(session: Session, event: Event, judge_id: int) -> Judge:
    judge = session.get(Judge, judge_id) if 0 < judge_id <= MAX_ID else None
    if judge is None or judge.event_id != event.id:
        raise NotFound("judge_not_found", _("Không tìm thấy giám khảo này."))
    return judge


def _typed(*keys: str) -> dict[str, str]:
    return {key: nfc(request.form.get(key, "")).strip() for key in keys}


@bp.route("/jury")
@event_page()
def jury(event: Event) -> ResponseReturnValue:
    """The Hội đồng chấm thi: each judge, their role, unit and recusals; managers change it."""
    return _jury_page(event)


@bp.route("/jury/judges", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_add(event: Event) -> ResponseReturnValue:
    """Add a judge; their card's link and QR code are shown once, on this answer, which no
    browser keeps."""
    form = _typed("code", "name", "role", "unit", "chair") | {"form": "add"}
    try:
        data = read_judge_form(db.session(), form)
        added = add_judge(db.write(), event, data, acting_organiser())
    except (Invalid, Conflict) as error:
        db.rollback()
        errors = error.details.get("fields", {})
        return _jury_page(
            event, status=status_of(error), form=form, errors=errors, problem=error.message
        )
    link = external_url("scoring.magic_link", token=added.token)
    page = render_template(
        "scoring/manage/card.html",
        event=event,
        judge=added.judge,
        link=link,
        qr=qr.svg_data_uri(link),
        added=True,
        recused=added.recused,
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/jury/judges/<int:judge_id>", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_edit(event: Event, judge_id: int) -> ResponseReturnValue:
    """Change a judge's name, role, unit or chair flag."""
    form = _typed("code", "name", "role", "unit", "chair")
    writing = db.write()
    judge = _judge_or_404(writing, event, judge_id)
    try:
        data = read_judge_form(writing, form)
        recused = edit_judge(writing, judge, data, acting_organiser())
    except (Invalid, Conflict) as error:
        db.rollback()
        errors = error.details.get("fields", {})
        return _jury_page(
            event,
            status=status_of(error),
            form=form,
            errors=errors,
            editing=judge_id,
            problem=error.message,
        )
    flash(_("Đã lưu thông tin của %(name)s.", name=judge.name), "info")
    if recused:
        flash(
            _(
                "%(name)s không chấm %(count)s bài của đơn vị mới. Các bài của đơn vị cũ vẫn "
                "được ghi là không chấm: bỏ từng lượt bên dưới nếu không còn đúng.",
                name=judge.name,
                count=recused,
            ),
            "info",
        )
    return redirect(url_for("scoring_jury.jury", slug=event.slug))


@bp.route("/jury/judges/<int:judge_id>/active", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_active(event: Event, judge_id: int) -> ResponseReturnValue:
    """Stop a judge (``active=0``) or restart one (``active=1``)."""
    writing = db.write()
    judge = _judge_or_404(writing, event, judge_id)
    active = request.form.get("active") == "1"
    try:
        set_judge_active(writing, judge, active, acting_organiser())
    except Conflict as error:
        db.rollback()
        return _jury_page(event, status=status_of(error), problem=error.message)
    if active:
        flash(
            _("%(name)s đã trở lại Hội đồng; phiếu của họ lại được tính.", name=judge.name), "info"
        )
    else:
        flash(
            _(
                "%(name)s đã ngừng chấm: phiếu của họ không còn được tính, thẻ và máy tính bảng "
                "của họ đã ngừng hoạt động.",
                name=judge.name,
            ),
            "info",
        )
    return redirect(url_for("scoring_jury.jury", slug=event.slug))


@bp.route("/jury/recusals", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_recuse(event: Event) -> ResponseReturnValue:
    """A judge will not score an entry, for the reason given (empty: same unit as the
    authors); a sheet they sent for it stops counting."""
    form = _typed("judge", "entry", "reason") | {"form": "recusal"}
    writing = db.write()
    judge_id, entry_id = (
        int(form[key]) if form[key].isdecimal() else 0 for key in ("judge", "entry")
    )
    try:
        judge = _judge_or_404(writing, event, judge_id)
        if not 0 < entry_id <= MAX_ID:
            raise NotFound("entry_not_found", _("Hãy chọn một bài dự thi."), field="entry")
        recuse_by_hand(writing, judge, entry_id, form["reason"], acting_organiser())
    except (Invalid, Conflict, NotFound) as error:
        db.rollback()
        field = error.details.get("field") or {
            "judge_not_found": "judge",
            "entry_not_found": "entry",
            "invalid_reason": "reason",
            "already_recused": "entry",
        }.get(error.code, "")
        errors = {field: error.message} if field else {}
        return _jury_page(
            event,
            status=status_of(error),
            form=form,
            errors=errors,
            problem="" if field else error.message,
        )
    flash(
        _(
            "Đã ghi: %(name)s không chấm bài này; phiếu chấm đã gửi cho bài này, nếu có, "
            "không còn được tính.",
            name=judge.name,
        ),
        "info",
    )
    return redirect(url_for("scoring_jury.jury", slug=event.slug))


@bp.route("/jury/judges/<int:judge_id>/recusals/<int:entry_id>/remove", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_unrecuse(event: Event, judge_id: int, entry_id: int) -> ResponseReturnValue:
    """The judge scores the entry again; a sheet they sent before the recusal counts again."""
    writing = db.write()
    judge = _judge_or_404(writing, event, judge_id)
    if not 0 < entry_id <= MAX_ID:
        raise NotFound("recusal_not_found", _("Giám khảo này không có lượt không chấm bài này."))
    try:
        take_back_recusal(writing, judge, entry_id, acting_organiser())
    except Conflict as error:
        db.rollback()
        return _jury_page(event, status=status_of(error), problem=error.message)
    flash(_("%(name)s lại chấm bài này.", name=judge.name), "info")
    return redirect(url_for("scoring_jury.jury", slug=event.slug))


def printed_cards(event: Event, issued: Sequence[IssuedCard]) -> bytes:
    """The PDF of cards just issued, in the order of their codes (the stack handed out)."""
    pin_page = external_url("scoring.pin_events")
    cards = [
        Card(
            event=event.name,
            name=card.judge.name,
            role=str(JURY_ROLE_NAMES[card.judge.role]),
            chair=card.judge.is_chair,
            unit=card.judge.unit.name if card.judge.unit else "",
            code=card.code,
            link=external_url("scoring.magic_link", token=card.token),
            pin=card.pin,
            pin_page=pin_page,
        )
        for card in sorted(issued, key=lambda card: sort_key(card.code))
    ]
    return cards_pdf(cards)


def cards_download(event: Event, issued: Sequence[IssuedCard], pdf: bytes) -> Response:
    """The cards' PDF to save or print; never kept by a browser's cache or a proxy: it holds
    working links and PINs."""
    suffix = f"-{issued[0].code}" if len(issued) == 1 else ""
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="the-giam-khao-{event.slug}{suffix}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def _judges_to_print(session: Session, event: Event, chosen: str) -> list[Judge]:
    """The judge chosen (``judge``: an id), else every active judge of the event."""
    if chosen:
        return [_judge_or_404(session, event, int(chosen) if chosen.isdecimal() else 0)]
    return list(
        session.scalars(
            select(Judge)
            .where(Judge.event_id == event.id, Judge.active)
            .options(joinedload(Judge.unit))
        )
    )


@bp.route("/jury/cards", methods=["POST"])
@event_page(EventRole.MANAGER)
def jury_cards(event: Event) -> ResponseReturnValue:
    """Print judge cards: new ones, for every active judge or the one chosen, since tokens and
    PINs are kept only as digests. The PDF is built before the cards are written, outside the
    write transaction: if it cannot be, no card changes, and judges' saves never wait for it."""
    reading = db.session()
    try:
        judges = _judges_to_print(reading, event, request.form.get("judge", "").strip())
        issued = mint_cards(reading, event, judges)
        pdf = printed_cards(event, issued)
        record_cards(db.write(), issued, acting_organiser())
    except (Invalid, Conflict) as error:
        db.rollback()
        return _jury_page(event, status=status_of(error), problem=error.message)
    return cards_download(event, issued, pdf)


def menu_item(_event: Event) -> MenuItem:
    return MenuItem("jury", lazy_gettext("Hội đồng chấm thi"), "scoring_jury.jury", position=25)
