"""Judging progress: each judge's sheets out of those expected, and a new card for a judge."""

from __future__ import annotations

import base64

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from core import audit, db, qr
from core.auth import can_manage, signed_in_organiser
from core.errors import NotFound
from core.links import external_url
from core.manage import MenuItem, event_page
from core.models import Event, EventRole
from scoring.manage.jury import printed_cards
from scoring.models import Judge
from scoring.progress import judging_progress, set_aside_sheets
from scoring.service import mint_card, record_cards

bp = Blueprint("scoring_judging", __name__, url_prefix="/manage/<slug>")


@bp.route("/judging")
@event_page()
def judging(event: Event) -> ResponseReturnValue:
    """Judging progress: each judge's sheets, submitted and in draft, out of those expected;
    and the sheets that a recusal took out of the count."""
    return render_template(
        "scoring/manage/judging.html",
        event=event,
        progress=judging_progress(db.session(), event),
        set_aside=set_aside_sheets(db.session(), event),
        may_reissue=can_manage(event, EventRole.MANAGER),
        section="judging",
    )


@bp.route("/judges/<int:judge_id>/card", methods=["POST"])
@event_page(EventRole.MANAGER)
def new_card(event: Event, judge_id: int) -> ResponseReturnValue:
    """A new card for a judge whose card was lost or seen by others. The new link, PIN and
    one-card PDF are given once, on this answer, which no browser keeps."""
    organiser = signed_in_organiser()
    assert organiser is not None
    reading = db.session()
    judge = reading.get(Judge, judge_id)
    if judge is None or judge.event_id != event.id:
        raise NotFound("judge_not_found", _("Không tìm thấy giám khảo này."))
    card = mint_card(reading, judge)
    # Printed before the card is written: judges' saves never wait for the PDF.
    pdf = base64.b64encode(printed_cards(event, [card])).decode()
    record_cards(db.write(), [card], audit.actor(organiser), reissued=True)
    link = external_url("scoring.magic_link", token=card.token)
    page = render_template(
        "scoring/manage/card.html",
        event=event,
        judge=judge,
        link=link,
        qr=qr.svg_data_uri(link),
        pin=card.pin,
        pin_page=external_url("scoring.pin_events"),
        pdf=f"data:application/pdf;base64,{pdf}",
    )
    return page, 200, {"Cache-Control": "no-store"}


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "judging", lazy_gettext("Tiến độ chấm điểm"), "scoring_judging.judging", position=30
    )
