"""Writes of the scoring room: validate, change, audit, flush. The caller commits.

After a commit that changed what the standings show, :data:`results_changed` is sent once per
event, with the app as sender: ``display`` subscribes to it in the factory.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from blinker import Namespace
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from core.errors import ApiError
from core.i18n import locale_code, nfc
from core.models import (
    AuditLog,
    Entry,
    EntryStatus,
    Event,
    EventStatus,
    Judge,
    Recusal,
    RoundStatus,
    Score,
    ScoreSheet,
    SheetStatus,
    utcnow,
)

results_changed = Namespace().signal("results-changed")
_PENDING = "results_changed"
MAX_COMMENT = 4000


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SheetInput:
    """A score sheet as the tablet sends it (``POST /api/v1/scoresheets``)."""

    id: str
    entry_id: int
    scores: dict[str, Decimal | None]
    comment: str
    submit: bool


def parse_sheet(data: Any) -> SheetInput:
    """Check the shape of a sheet; the rubric itself is checked by :func:`save_sheet`."""
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", _("Nội dung gửi lên phải là một đối tượng JSON."))
    try:
        sheet_id = str(uuid.UUID(str(data.get("id", ""))))
    except ValueError:
        raise ApiError(422, "invalid_id", _("Mã phiếu chấm (id) phải là một UUID.")) from None
    entry_id = data.get("entry")
    if isinstance(entry_id, bool) or not isinstance(entry_id, int):
        raise ApiError(422, "invalid_entry", _("Mã bài dự thi (entry) phải là một số nguyên."))
    raw_scores = data.get("scores", {})
    if not isinstance(raw_scores, dict):
        raise ApiError(422, "invalid_scores", _("Điểm (scores) phải là một đối tượng JSON."))
    scores = {str(key): _parse_value(str(key), value) for key, value in raw_scores.items()}
    comment = data.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise ApiError(422, "invalid_comment", _("Nhận xét (comment) phải là văn bản."))
    if len(comment) > MAX_COMMENT:
        raise ApiError(
            422,
            "invalid_comment",
            _("Nhận xét dài quá %(limit)s ký tự.", limit=MAX_COMMENT),
        )
    submit = data.get("submit", False)
    if not isinstance(submit, bool):
        raise ApiError(422, "invalid_submit", _("Trường submit phải là true hoặc false."))
    return SheetInput(sheet_id, entry_id, scores, nfc(comment).strip(), submit)


def _parse_value(key: str, value: Any) -> Decimal | None:
    if value is None:
        return None
    # JSON booleans are ints to Python, and Python's JSON reader lets NaN and Infinity through.
    number = None if isinstance(value, bool) or not isinstance(value, int | float) else value
    if number is None or not math.isfinite(number):
        raise ApiError(
            422,
            "invalid_score",
            _("Điểm của tiêu chí %(key)s phải là một số hoặc null.", key=key),
            criterion=key,
        )
    return Decimal(str(number))


@dataclass(frozen=True)
class SavedSheet:
    sheet: ScoreSheet
    outcome: Outcome


def save_sheet(session: Session, judge: Judge, data: SheetInput) -> SavedSheet:
    """Create or update a judge's sheet; the same sheet sent twice is stored once.

    A sheet counts in the standings once submitted; the judge may change it, or take the
    submission back to a draft, until the round is locked.
    """
    event = judge.event
    entry = session.get(Entry, data.entry_id)
    if entry is None or entry.round.event_id != event.id:
        raise ApiError(404, "entry_not_found", _("Không tìm thấy bài dự thi này trong sự kiện."))
    if event.status != EventStatus.SCORING:
        raise ApiError(409, "scoring_closed", _("Hội đồng chưa mở hoặc đã đóng việc chấm điểm."))
    if entry.round.status == RoundStatus.LOCKED:
        raise ApiError(409, "round_locked", _("Vòng thi đã khóa, không thể sửa phiếu chấm."))
    if entry.status == EntryStatus.WITHDRAWN:
        raise ApiError(409, "entry_withdrawn", _("Bài dự thi này đã rút khỏi hội thi."))
    recused = session.scalar(
        select(Recusal.id).where(Recusal.judge_id == judge.id, Recusal.entry_id == entry.id)
    )
    if recused is not None:
        raise ApiError(403, "recused", _("Giám khảo không chấm bài dự thi này (đã rút khỏi chấm)."))

    values = _check_against_rubric(event, data)
    status = SheetStatus.SUBMITTED if data.submit else SheetStatus.DRAFT
    # One statement, so that both rows are read as of the same moment: under READ COMMITTED a
    # copy of this sheet committed between two look-ups would pass for another judge's sheet.
    # FOR UPDATE makes a concurrent save of the same sheet wait and then read the committed row,
    # as SQLite's BEGIN IMMEDIATE does; without it the later save would rest on a stale "before".
    found = session.scalars(
        select(ScoreSheet)
        .where(
            or_(
                ScoreSheet.id == data.id,
                and_(ScoreSheet.judge_id == judge.id, ScoreSheet.entry_id == entry.id),
            )
        )
        .with_for_update()
    ).all()
    sheet = next((row for row in found if row.id == data.id), None)
    if sheet is None:
        if found:
            raise ApiError(
                409,
                "sheet_exists",
                _("Giám khảo đã có phiếu chấm cho bài này; hãy tải lại trang."),
                sheet_id=found[0].id,
            )
        sheet = ScoreSheet(id=data.id, judge_id=judge.id, entry_id=entry.id)
        session.add(sheet)
        before = None
        outcome = Outcome.CREATED
    else:
        if sheet.judge_id != judge.id or sheet.entry_id != entry.id:
            raise ApiError(
                409, "sheet_id_taken", _("Mã phiếu chấm này đã dùng cho một phiếu khác.")
            )
        if sheet.status == SheetStatus.VERIFIED:
            raise ApiError(
                409, "sheet_verified", _("Phiếu chấm đã được Ban Tổ chức xác nhận, không thể sửa.")
            )
        before = sheet_state(sheet)
        outcome = Outcome.UPDATED

    after = {
        "status": status.value,
        "comment": data.comment,
        "scores": {key: _plain(value) for key, value in values.items()},
    }
    if before == after:
        return SavedSheet(sheet, Outcome.UNCHANGED)

    now = utcnow()
    by_criterion = {score.criterion_id: score for score in sheet.scores}
    for criterion in event.criteria:
        value = values[criterion.key]
        if criterion.id in by_criterion:
            by_criterion[criterion.id].value = value
        else:
            sheet.scores.append(Score(criterion_id=criterion.id, value=value))
    sheet.comment = data.comment
    if status == SheetStatus.SUBMITTED and sheet.status != SheetStatus.SUBMITTED:
        sheet.submitted_at = now
    sheet.status = status
    sheet.updated_at = now
    session.add(
        AuditLog(
            event_id=event.id,
            actor=f"judge:{judge.id}",
            action=f"sheet.{outcome.value}",
            subject=f"score_sheet:{sheet.id}",
            before=before,
            after=after,
        )
    )
    counted_before = before is not None and before["status"] == SheetStatus.SUBMITTED.value
    if counted_before or status == SheetStatus.SUBMITTED:
        bump_standings(session, event)
    session.flush()
    return SavedSheet(sheet, outcome)


def _check_against_rubric(event: Event, data: SheetInput) -> dict[str, Decimal | None]:
    criteria = {criterion.key: criterion for criterion in event.criteria}
    unknown = sorted(set(data.scores) - set(criteria))
    if unknown:
        raise ApiError(
            422,
            "unknown_criterion",
            _("Tiêu chí không có trong thang điểm: %(keys)s.", keys=", ".join(unknown)),
            criteria=unknown,
        )
    values: dict[str, Decimal | None] = {}
    for key, criterion in criteria.items():
        value = data.scores.get(key)
        if value is not None:
            if not 0 <= value <= criterion.max_score:
                raise ApiError(
                    422,
                    "out_of_range",
                    _(
                        "Điểm tiêu chí “%(name)s” phải từ 0 đến %(max)s.",
                        name=criterion.name(locale_code()),
                        max=_plain(criterion.max_score),
                    ),
                    criterion=key,
                )
            if value % criterion.step != 0:
                raise ApiError(
                    422,
                    "invalid_step",
                    _(
                        "Điểm tiêu chí “%(name)s” chỉ chấm theo bước %(step)s điểm.",
                        name=criterion.name(locale_code()),
                        step=_plain(criterion.step),
                    ),
                    criterion=key,
                )
        values[key] = value
    missing = [key for key, value in values.items() if value is None]
    if data.submit and missing:
        raise ApiError(
            422,
            "incomplete",
            _("Còn %(count)s tiêu chí chưa chấm; hãy chấm đủ trước khi gửi.", count=len(missing)),
            criteria=missing,
        )
    return values


def _plain(value: Decimal | None) -> float | int | None:
    """A Decimal as JSON shows it: 18 rather than 18.00, 17.5 as it is."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def sheet_state(sheet: ScoreSheet) -> dict[str, Any]:
    """What a sheet says, keyed by criterion: what the audit log and the API show."""
    return {
        "status": sheet.status.value,
        "comment": sheet.comment,
        "scores": {score.criterion.key: _plain(score.value) for score in sheet.scores},
    }


def bump_standings(session: Session, event: Event) -> None:
    """Mark the event's standings as changed, in this transaction; announced after commit."""
    session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values(standings_version=Event.standings_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.info.setdefault(_PENDING, set()).add(event.id)


@sa_event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    changed = session.info.pop(_PENDING, None)
    if changed and has_app_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        for event_id in sorted(changed):
            results_changed.send(app, event_id=event_id)


@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
