"""What the pitch contest adds to an event's life: its defaults when the event is created, its
rubric and jury when the event is copied, and what stops the event from moving on (no rubric, no
jury, sheets still in draft). Receivers of the signals of ``core.service``, connected in
``scoring.init_app``."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.auth import hash_token, new_token
from core.models import Event, EventStatus, Round
from core.service import Blocker
from scoring.models import Criterion, Entry, EntryStatus, Judge
from scoring.progress import judging_progress
from scoring.rubric import criteria, default_criteria

# Stored as data, like the rubric's names: the organiser renames it on the rounds' page.
FINAL_ROUND = "Vòng chung khảo"


def add_defaults(event: Event, *, session: Session, **_kwargs: Any) -> None:
    """A new event starts with the default rubric of DOMAIN.md and one round, the final."""
    session.add_all(default_criteria(event))
    session.add(Round(event=event, name=FINAL_ROUND, position=1))
    session.flush()


def copy_setup(
    source: Event, *, copy: Event, session: Session, judges: bool, **_kwargs: Any
) -> list[str]:
    """The copy gets the source's rubric (criteria and their bands) and, if asked, its active
    judges. A judge's card opens one event: the copied judges get new tokens that nobody knows
    yet, and need new cards."""
    session.add_all(
        Criterion(
            event=copy,
            key=row.key,
            name_vi=row.name_vi,
            name_en=row.name_en,
            weight=row.weight,
            max_score=row.max_score,
            step=row.step,
            levels=[dict(level) for level in row.levels],
            position=row.position,
        )
        for row in criteria(session, source.id)
    )
    notes: list[str] = []
    if judges:
        jury = session.scalars(
            select(Judge).where(Judge.event_id == source.id, Judge.active).order_by(Judge.id)
        ).all()
        session.add_all(
            Judge(
                event=copy,
                name=judge.name,
                role=judge.role,
                is_chair=judge.is_chair,
                unit_id=judge.unit_id,
                token_hash=hash_token(new_token()),
            )
            for judge in jury
        )
        if jury:
            notes.append(
                _(
                    "Đã sao chép %(count)s giám khảo. Thẻ cũ không mở được sự kiện mới: hãy cấp "
                    "thẻ mới cho từng người ở trang Tiến độ chấm điểm.",
                    count=len(jury),
                )
            )
    session.flush()
    return notes


def transition_blockers(
    event: Event, *, target: EventStatus, session: Session, **_kwargs: Any
) -> list[Blocker]:
    """Scoring needs a rubric, a jury and entries; the results lock only once no sheet is left
    in draft (a missing sheet is a warning the owner may accept: a judge who fell ill)."""
    if target == EventStatus.SCORING:
        return _before_scoring(session, event)
    if target == EventStatus.LOCKED and event.status == EventStatus.SCORING:
        return _before_lock(session, event)
    return []


def _before_scoring(session: Session, event: Event) -> list[Blocker]:
    found: list[Blocker] = []
    if not session.scalar(select(exists().where(Criterion.event_id == event.id))):
        found.append(Blocker(_("Chưa có tiêu chí chấm điểm.")))
    if not session.scalar(select(exists().where(Judge.event_id == event.id, Judge.active))):
        found.append(Blocker(_("Chưa có giám khảo.")))
    entries = (
        exists()
        .where(Entry.round_id == Round.id, Entry.status != EntryStatus.WITHDRAWN)
        .where(Round.event_id == event.id)
    )
    if not session.scalar(select(entries)):
        found.append(Blocker(_("Chưa có bài dự thi.")))
    return found


def _before_lock(session: Session, event: Event) -> list[Blocker]:
    active = [row for row in judging_progress(session, event) if row.judge.active]
    drafts = sum(row.drafts for row in active)
    missing = sum(max(0, row.expected - row.submitted - row.drafts) for row in active)
    found: list[Blocker] = []
    if drafts:
        found.append(Blocker(_("%(count)s phiếu chấm còn ở dạng nháp.", count=drafts)))
    if missing:
        found.append(
            Blocker(
                _("%(count)s phiếu chấm chưa có: giám khảo chưa chấm bài.", count=missing),
                overridable=True,
            )
        )
    return found
