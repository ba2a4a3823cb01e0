"""A worker asks to rewrite an initiative's record through their dossier's personal link: the
contest refuses once the initiative's pitch is being scored.

The jury scores what it read and heard: the title, the authors and their unit (which decides the
judges recused by default), the benefit. Changed after the first sheet, the standings, the
minutes and the certificates would name another record than the one scored. So once a round
holding the initiative (not withdrawn, not a calibration round) has a score sheet for it, or is
locked, or its event is scoring or past it, the worker's correction is refused and the organisers
correct what must be corrected. Added photos and PDFs change nothing the jury scores: they pass.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.errors import Conflict
from core.models import Event, EventStatus, Round, RoundKind, RoundStatus
from initiatives.dossiers import CORRECTED
from initiatives.models import Dossier
from scoring.models import Entry, EntryStatus, ScoreSheet

SCORED = (EventStatus.SCORING, EventStatus.LOCKED, EventStatus.PUBLISHED)


def refuse_correction_in_scoring(dossier: Dossier, session: Session, change: str) -> None:
    """Refuse a worker's correction of a record whose pitch is being scored (a ``Conflict``)."""
    if change != CORRECTED:
        return
    scored = session.execute(
        select(Event.name, Round.name)
        .select_from(Entry)
        .join(Round, Round.id == Entry.round_id)
        .join(Event, Event.id == Round.event_id)
        .where(
            Entry.initiative_id == dossier.initiative_id,
            Entry.status != EntryStatus.WITHDRAWN,
            Round.kind == RoundKind.CONTEST,
            (Round.status == RoundStatus.LOCKED)
            | Event.status.in_(SCORED)
            | exists().where(ScoreSheet.entry_id == Entry.id),
        )
        .order_by(Event.held_on, Round.position)
        .limit(1)
    ).first()
    if scored is not None:
        event, round_name = scored
        message = _(
            "Sáng kiến đang dự thi thuyết trình (%(event)s, %(round)s) và Hội đồng chấm thi đã "
            "bắt đầu chấm: hồ sơ không sửa được qua đường dẫn cá nhân nữa. Nếu cần sửa, hãy liên "
            "hệ Ban Tổ chức.",
            event=event,
            round=round_name,
        )
        raise Conflict("in_contest", message)
