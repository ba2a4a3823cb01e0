"""Writes of the rubric editor: save the criteria an organiser proposes, or restore the default
rubric. Each checks, changes, audits and flushes; the caller commits.

The rubric is locked once the first score exists: each sheet's total is computed with the
weights and maxima of the moment it is saved (``ScoreSheet.total``), so a later change would
leave the stored totals computed under another rubric than the one shown. It is locked too while
the event is being scored, or once its results are locked: a judge could be scoring with the
page open. Both writes take the event's row first (as a change of status does), so that the
rubric and the event's status never change at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Invalid
from core.models import Event, EventStatus
from core.models.event import DEFAULT_TIE_BREAK
from scoring.models import Criterion, Score
from scoring.rubric import (
    CriterionDraft,
    cascade_after,
    criteria,
    default_criteria,
    json_number,
    parse_number,
    rubric_problems,
)

# While judges may be scoring, or once the results are locked, the rubric stays as it is.
FROZEN = frozenset({EventStatus.SCORING, EventStatus.LOCKED, EventStatus.PUBLISHED})


def has_scores(session: Session, event: Event) -> bool:
    """Has any judge given a score (a value, not "chưa chấm") on any sheet of the event?"""
    given = exists().where(
        Score.criterion_id == Criterion.id,
        Criterion.event_id == event.id,
        Score.value.is_not(None),
    )
    return bool(session.scalar(select(given)))


def rubric_lock(session: Session, event: Event) -> str | None:
    """Why the rubric of ``event`` cannot change now, in words an organiser understands, with
    what to do instead; None while it can."""
    if has_scores(session, event):
        reason = _(
            "Thang điểm đã khóa vì giám khảo đã bắt đầu chấm: tổng điểm của mỗi phiếu được tính "
            "và lưu theo thang điểm lúc chấm, nên đổi thang điểm bây giờ sẽ làm các phiếu đã chấm "
            "không còn khớp. Các điểm đã chấm vẫn được giữ nguyên. Nếu thật sự cần thang điểm "
            "khác, người Phụ trách sự kiện hãy sao chép sự kiện (“Sao chép sự kiện này” ở trang "
            "Tổng quan) và sửa thang điểm ở bản sao: bản sao chưa có phiếu chấm nào, giám khảo "
            "chấm lại từ đầu ở sự kiện mới."
        )
    elif event.status == EventStatus.SCORING:
        reason = _(
            "Sự kiện đang ở giai đoạn chấm điểm: giám khảo có thể đang mở phiếu chấm theo thang "
            "điểm này. Chưa có điểm nào được chấm, nên vẫn sửa được: hãy bấm “Tạm dừng chấm "
            "điểm” ở trang Tổng quan, sửa thang điểm, rồi bắt đầu chấm điểm lại."
        )
    elif event.status in FROZEN:
        reason = _(
            "Kết quả của sự kiện đã khóa, nên thang điểm không đổi nữa. Nếu cần thang điểm khác "
            "cho lần sau, hãy sao chép sự kiện và sửa thang điểm ở bản sao."
        )
    else:
        return None
    return str(reason)


def _refuse_if_locked(session: Session, event: Event) -> Event:
    """The event's row, taken for this write; Conflict (409) if the rubric is locked."""
    locked = session.scalar(select(Event).where(Event.id == event.id).with_for_update())
    assert locked is not None  # events are never deleted while their page is open
    reason = rubric_lock(session, locked)
    if reason is not None:
        raise Conflict("rubric_locked", reason)
    return locked


def described(criterion: Criterion) -> dict[str, Any]:
    """What the audit log keeps of a criterion."""
    return {
        "key": criterion.key,
        "name_vi": criterion.name_vi,
        "name_en": criterion.name_en,
        "weight": json_number(Decimal(criterion.weight)),
        "max": json_number(Decimal(criterion.max_score)),
        "step": json_number(Decimal(criterion.step)),
        "levels": [dict(level) for level in criterion.levels],
    }


def _state(session: Session, event: Event) -> dict[str, Any]:
    return {
        "criteria": [described(row) for row in criteria(session, event.id)],
        "tie_break": list(event.tie_break),
    }


def _audit(session: Session, event: Event, actor: str, action: str, before: dict[str, Any]) -> None:
    audit.record(
        session,
        actor,
        action,
        f"event:{event.id}",
        event_id=event.id,
        before=before,
        after=_state(session, event),
    )


def _remove(session: Session, rows: Sequence[Criterion]) -> None:
    """Delete criteria, with the empty scores ("chưa chấm") that draft sheets hold for them:
    the rubric is unlocked, so no score of theirs has a value."""
    if not rows:
        return
    ids = [row.id for row in rows]
    for score in session.scalars(select(Score).where(Score.criterion_id.in_(ids))):
        session.delete(score)
    for row in rows:
        session.delete(row)
    session.flush()


@dataclass(frozen=True)
class Saved:
    """What saving the rubric did: whether anything changed, and notes for the organiser."""

    changed: bool
    notes: list[str]


def _number(text: str) -> Decimal:
    value = parse_number(text)
    assert value is not None  # checked by rubric_problems
    return value


def save_rubric(
    session: Session, event: Event, drafts: Sequence[CriterionDraft], actor: str
) -> Saved:
    """Make the event's rubric what ``drafts`` say, in their order: a draft with the id of one
    of the event's criteria changes it, one without adds a criterion, and a criterion no draft
    names is removed.

    The tie-break cascade follows: a criterion whose key changed keeps its place in it under
    the new key; a removed criterion leaves it, and a note says so (the cascade may only name
    criteria of the rubric). Refused while the rubric is locked (:func:`rubric_lock`, Conflict)
    or if the drafts have problems (Invalid, with ``problems``).
    """
    event = _refuse_if_locked(session, event)
    problems = rubric_problems(drafts)
    if problems:
        raise Invalid(
            "invalid_rubric",
            _("Thang điểm còn %(count)s lỗi; hãy sửa các ô được đánh dấu.", count=len(problems)),
            problems=[{"field": p.field, "message": p.message} for p in problems],
        )
    before = _state(session, event)
    rows = {row.id: row for row in criteria(session, event.id)}
    named = {draft.id for draft in drafts if draft.id in rows}
    removed = [row for row in rows.values() if row.id not in named]
    notes = [
        _(
            "Tiêu chí “%(name)s” đã bị xóa nên không còn trong thứ tự xét khi bằng điểm.",
            name=row.name_vi,
        )
        for row in removed
        if row.key in event.tie_break
    ]
    _remove(session, removed)
    renamed = {rows[d.id].key: d.key for d in drafts if d.id in rows and rows[d.id].key != d.key}
    if renamed:
        # Keys that move from one criterion to another must be free first: (event, key) is
        # unique at every step of the flush.
        for row in rows.values():
            if row.key in renamed:
                row.key = f"~{row.id}"
        session.flush()
    for position, draft in enumerate(drafts, start=1):
        row = rows[draft.id] if draft.id in rows else Criterion(event_id=event.id)
        row.key = draft.key
        row.name_vi, row.name_en = draft.name_vi, draft.name_en
        row.weight = _number(draft.weight) / 100
        row.max_score = _number(draft.max_score)
        row.step = _number(draft.step)
        row.levels = [
            {
                "min": json_number(_number(band.min)),
                "max": json_number(_number(band.max)),
                "vi": band.vi,
                # An English description left empty shows the Vietnamese one.
                "en": band.en or band.vi,
            }
            for band in draft.bands
        ]
        row.position = position
        session.add(row)
    cascade = cascade_after(event.tie_break, renamed, {draft.key for draft in drafts})
    event.tie_break = cascade
    session.flush()
    after = _state(session, event)
    if after == before:
        return Saved(changed=False, notes=[])
    _audit(session, event, actor, "rubric.saved", before)
    session.flush()
    return Saved(changed=True, notes=notes)


def restore_default_rubric(session: Session, event: Event, actor: str) -> None:
    """Put back the default rubric of DOMAIN.md and its tie-break cascade (higher ``benefit``,
    then ``effectiveness``, then the untrimmed mean), in place of the event's criteria.
    Refused while the rubric is locked."""
    event = _refuse_if_locked(session, event)
    before = _state(session, event)
    _remove(session, criteria(session, event.id))
    session.add_all(default_criteria(event))
    event.tie_break = list(DEFAULT_TIE_BREAK)
    session.flush()
    _audit(session, event, actor, "rubric.restored", before)
    session.flush()
