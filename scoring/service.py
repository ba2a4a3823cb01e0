"""Writes of the scoring room: validate, change, audit, flush. The caller commits.

Refusals are domain errors (``core.errors``) with a stable code and a message in the judge's
language. What the screens show follows by itself (``core.live``), but for a judge's sheet:
:func:`save_sheet` writes in Core, on the way from the tap to the big screens, so it moves the
event's version itself and says how the sheet moves the standings.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from itertools import count
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Connection, and_, bindparam, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from core import audit, db, live
from core.auth import hash_token, new_token
from core.errors import Conflict, Forbidden, Invalid, Malformed, NotFound, Unauthenticated
from core.i18n import locale_code, nfc
from core.models import Event, EventStatus, Round, RoundKind, RoundStatus, Unit, utcnow
from initiatives.models import Initiative
from scoring import results, standings
from scoring.assignments import COVERED, RECUSED_FROM
from scoring.auth import new_pin, pin_digest
from scoring.models import (
    COUNTED,
    Criterion,
    Entry,
    EntryStatus,
    Judge,
    JuryRole,
    Recusal,
    Score,
    ScoreSheet,
    SheetStatus,
)
from scoring.rubric import criteria, rubric

MAX_COMMENT = 4000
MAX_REASON = 300  # Recusal.reason's column
# Entry.id is PostgreSQL's 32-bit ``integer``: no entry has a larger id.
MAX_ENTRY_ID = 2**31 - 1


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
        raise Malformed("invalid_json", _("Nội dung gửi lên phải là một đối tượng JSON."))
    sheet_id = _parse_id(data.get("id"))
    entry_id = data.get("entry")
    if isinstance(entry_id, bool) or not isinstance(entry_id, int):
        raise Invalid("invalid_entry", _("Mã bài dự thi (entry) phải là một số nguyên."))
    if not 0 < entry_id <= MAX_ENTRY_ID:
        # PostgreSQL would refuse to even look for it.
        raise NotFound("entry_not_found", _("Không tìm thấy bài dự thi này trong sự kiện."))
    raw_scores = data.get("scores", {})
    if not isinstance(raw_scores, dict):
        raise Invalid("invalid_scores", _("Điểm (scores) phải là một đối tượng JSON."))
    scores = {str(key): _parse_value(str(key), value) for key, value in raw_scores.items()}
    comment = data.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise Invalid("invalid_comment", _("Nhận xét (comment) phải là văn bản."))
    # Measured as stored: NFC makes some letters longer (U+FB2C becomes three code points).
    comment = nfc(comment).strip()
    if len(comment) > MAX_COMMENT:
        raise Invalid(
            "invalid_comment",
            _("Nhận xét dài quá %(limit)s ký tự.", limit=MAX_COMMENT),
        )
    submit = data.get("submit", False)
    if not isinstance(submit, bool):
        raise Invalid("invalid_submit", _("Trường submit phải là true hoặc false."))
    return SheetInput(sheet_id, entry_id, scores, comment, submit)


def _parse_id(value: Any) -> str:
    """The UUID the tablet chose, in its usual form (any case; kept in lower case). Python reads
    braces, a URN, no hyphens or a number as a UUID too, but the sheet would then be stored under
    an id that the tablet never sent."""
    try:
        canonical = str(uuid.UUID(value)) if isinstance(value, str) else None
    except ValueError:
        canonical = None
    if canonical is None or canonical != value.lower():
        raise Invalid("invalid_id", _("Mã phiếu chấm (id) phải là một UUID."))
    return canonical


def _parse_value(key: str, value: Any) -> Decimal | None:
    if value is None:
        return None
    # JSON booleans are ints to Python, and Python's JSON reader lets NaN and Infinity through.
    # An int is taken exactly, however long (a float would overflow); a float by its shortest
    # repr, which is what the tablet sent.
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    raise Invalid(
        "invalid_score",
        _("Điểm của tiêu chí %(key)s phải là một số hoặc null.", key=key),
        criterion=key,
    )


@dataclass(frozen=True)
class SavedSheet:
    """A sheet as saved: what the tablet is answered."""

    id: str
    entry_id: int
    state: dict[str, Any]  # as sheet_state says it
    total: float | None
    updated_at: datetime
    outcome: Outcome


def round_locked(entry: Entry) -> bool:
    """Whether the entry's sheets are sealed: its round is locked, or the whole event is (locked,
    then published). A sheet that arrives afterwards, even one scored offline before the lock,
    is refused: the sealed result must not move."""
    return _sealed(entry.round.status, entry.round.event.status)


def _sealed(round_status: RoundStatus, event_status: EventStatus) -> bool:
    return round_status == RoundStatus.LOCKED or event_status in (
        EventStatus.LOCKED,
        EventStatus.PUBLISHED,
    )


# A judge's save is on the way from the tap to the big screens, and every statement costs
# SQLAlchemy several times what SQLite takes to run it: save_sheet reads and writes in Core, with
# statements built once (see scoring.standings), and says itself which event it changed
# (core.live.moved), as the ORM's flush would.

# The judge's row, locked: two saves from one tablet (a double tap, a retry racing its original)
# run one after the other and the second sees what the first wrote, on PostgreSQL as on SQLite.
# A statement of its own: on PostgreSQL, one that waited for the lock sees the rows the holder
# committed only in the statements after it (a recusal, a panel just recorded).
_LOCK_JUDGE = select(Judge.id).where(Judge.id == bindparam("judge_id")).with_for_update()
# The judge, the entry asked for, its round and event, and whether the judge may score it.
_TO_SCORE = (
    select(
        Judge.active,
        Judge.event_id,
        Entry.id.label("entry_id"),
        Entry.status.label("entry_status"),
        Entry.round_id,
        Round.kind.label("round_kind"),
        Round.status.label("round_status"),
        Round.event_id.label("round_event_id"),
        Event.status.label("event_status"),
        RECUSED_FROM.label("recused"),
        COVERED.label("covered"),
    )
    .select_from(Judge)
    .outerjoin(Entry, Entry.id == bindparam("entry_id"))
    .outerjoin(Round, Round.id == Entry.round_id)
    .outerjoin(Event, Event.id == Round.event_id)
    .where(Judge.id == bindparam("judge_id"))
)
# The sheet by its id, and the judge's sheet of the entry under any id, each with its scores.
_SHEETS = (
    select(
        ScoreSheet.id,
        ScoreSheet.judge_id,
        ScoreSheet.entry_id,
        ScoreSheet.status,
        ScoreSheet.comment,
        ScoreSheet.total,
        ScoreSheet.updated_at,
        ScoreSheet.submitted_at,
        Score.criterion_id,
        Score.value,
    )
    .outerjoin(Score, Score.sheet_id == ScoreSheet.id)
    .where(
        or_(
            ScoreSheet.id == bindparam("sheet_id"),
            and_(
                ScoreSheet.judge_id == bindparam("judge_id"),
                ScoreSheet.entry_id == bindparam("entry_id"),
            ),
        )
    )
)
# Run on the connection, not the session: Core statements, which no ORM event sees.
_NEW_SHEET = insert(ScoreSheet)
# The columns to set are those of the parameters it is run with.
_CHANGED_SHEET = update(ScoreSheet).where(ScoreSheet.id == bindparam("sheet"))
_NEW_SCORES = insert(Score)
_CHANGED_SCORE = update(Score).where(
    Score.sheet_id == bindparam("sheet"), Score.criterion_id == bindparam("criterion")
)


@dataclass
class _Stored:
    """A sheet as read before a save: its row and its scores by criterion id."""

    id: str
    judge_id: int
    entry_id: int
    status: SheetStatus
    comment: str
    total: float | None
    updated_at: datetime
    submitted_at: datetime | None
    scores: dict[int, Decimal | None]


def save_sheet(session: Session, judge: Judge, data: SheetInput) -> SavedSheet:
    """Create or update a judge's sheet; the same sheet sent twice is stored once.

    A sheet counts in the standings once submitted; the judge may change it, or take the
    submission back to a draft, until the round is locked.
    """
    connection = session.connection()
    # By the key the judge was loaded with: the write transaction expired what was read before.
    (judge_id,) = inspect(judge).identity or (None,)
    if not db.is_writing(session):
        raise RuntimeError("a write outside a write transaction: call core.db.write() first")
    connection.execute(_LOCK_JUDGE, {"judge_id": judge_id})
    found = connection.execute(
        _TO_SCORE, {"judge_id": judge_id, "entry_id": data.entry_id}
    ).one_or_none()
    if found is None or not found.active:
        raise Unauthenticated(
            "invalid_token", _("Mã đăng nhập của giám khảo không đúng hoặc đã bị thu hồi.")
        )
    if found.entry_id is None or found.round_event_id != found.event_id:
        raise NotFound("entry_not_found", _("Không tìm thấy bài dự thi này trong sự kiện."))
    if _sealed(found.round_status, found.event_status):
        raise Conflict("round_locked", _("Vòng thi đã khóa, không thể sửa phiếu chấm."))
    # A calibration round (Vòng hiệu chuẩn) comes before the contest: it may be scored once the
    # event is open.
    rehearsal = found.round_kind == RoundKind.CALIBRATION and found.event_status == EventStatus.OPEN
    if found.event_status != EventStatus.SCORING and not rehearsal:
        raise Conflict("scoring_closed", _("Hội đồng chưa mở hoặc đã đóng việc chấm điểm."))
    if found.entry_status == EntryStatus.WITHDRAWN:
        raise Conflict("entry_withdrawn", _("Bài dự thi này đã rút khỏi hội thi."))
    if found.recused:
        raise Forbidden("recused", _("Giám khảo không chấm bài dự thi này (đã rút khỏi chấm)."))
    if not found.covered:
        raise Forbidden(
            "not_assigned",
            _("Bài dự thi này do một tiểu ban khác chấm; giám khảo không thuộc tiểu ban đó."),
        )

    rows = criteria(session, found.event_id)
    values = _check_against_rubric(rows, data)
    status = SheetStatus.SUBMITTED if data.submit else SheetStatus.DRAFT
    stored = _stored(connection, data.id, judge_id, data.entry_id)
    sheet = next((one for one in stored if one.id == data.id), None)
    if sheet is None:
        if stored:
            raise Conflict(
                "sheet_exists",
                _("Giám khảo đã có phiếu chấm cho bài này; hãy tải lại trang."),
                sheet_id=stored[0].id,
            )
        before = None
        outcome = Outcome.CREATED
    else:
        if sheet.judge_id != judge_id or sheet.entry_id != data.entry_id:
            raise Conflict("sheet_id_taken", _("Mã phiếu chấm này đã dùng cho một phiếu khác."))
        if sheet.status == SheetStatus.VERIFIED:
            raise Conflict(
                "sheet_verified", _("Phiếu chấm đã được Ban Tổ chức xác nhận, không thể sửa.")
            )
        keys = {criterion.id: criterion.key for criterion in rows}
        scored = {keys[criterion]: value for criterion, value in sheet.scores.items()}
        before = _said(sheet.status, sheet.comment, scored)
        outcome = Outcome.UPDATED

    after = _said(status, data.comment, values)
    if sheet is not None and before == after:
        return SavedSheet(
            sheet.id, sheet.entry_id, after, sheet.total, sheet.updated_at, Outcome.UNCHANGED
        )

    now = utcnow()
    scores = {key: None if value is None else float(value) for key, value in values.items()}
    total = results.sheet_total(scores, rubric(rows))
    written = {
        "comment": data.comment,
        "total": total,
        "status": status,
        "updated_at": now,
        "submitted_at": _submitted_at(sheet, status, now),
    }
    if sheet is None:
        connection.execute(
            _NEW_SHEET,
            {"id": data.id, "judge_id": judge_id, "entry_id": data.entry_id, "created_at": now}
            | written,
        )
    else:
        connection.execute(_CHANGED_SHEET, {"sheet": sheet.id} | written)
    had = {} if sheet is None else sheet.scores
    new = [c for c in rows if c.id not in had]
    changed = [c for c in rows if c.id in had and had[c.id] != values[c.key]]
    if new:
        connection.execute(
            _NEW_SCORES,
            [{"sheet_id": data.id, "criterion_id": c.id, "value": values[c.key]} for c in new],
        )
    if changed:
        connection.execute(
            _CHANGED_SCORE,
            [{"sheet": data.id, "criterion": c.id, "value": values[c.key]} for c in changed],
        )
    audit.record(
        connection,
        f"judge:{judge_id}",
        f"sheet.{outcome.value}",
        f"score_sheet:{data.id}",
        event_id=found.event_id,
        before=before,
        after=after,
    )
    # A draft shows nowhere: the standings move when a sheet counts, now or before this change.
    counts = status in COUNTED or (sheet is not None and sheet.status in COUNTED)
    standing = None
    if status in COUNTED and total is not None and found.round_kind == RoundKind.CONTEST:
        standing = results.Sheet(judge_id, data.entry_id, total, scores, found.round_id)
    follow = {standings.FEED: standings.follow_sheet(data.id, standing)}
    live.moved(session, {found.event_id} if counts else set(), follow)
    return SavedSheet(data.id, data.entry_id, after, total, now, outcome)


def _stored(connection: Connection, sheet_id: str, judge_id: int, entry_id: int) -> list[_Stored]:
    """The sheet of that id, and the judge's sheet of the entry under any id."""
    stored: dict[str, _Stored] = {}
    for row in connection.execute(
        _SHEETS, {"sheet_id": sheet_id, "judge_id": judge_id, "entry_id": entry_id}
    ):
        sheet = stored.get(row.id)
        if sheet is None:
            sheet = stored[row.id] = _Stored(
                row.id,
                row.judge_id,
                row.entry_id,
                row.status,
                row.comment,
                row.total,
                row.updated_at,
                row.submitted_at,
                {},
            )
        if row.criterion_id is not None:
            sheet.scores[row.criterion_id] = row.value
    return list(stored.values())


def _submitted_at(sheet: _Stored | None, status: SheetStatus, now: datetime) -> datetime | None:
    """When the sheet was (last) submitted: now, when this save submits it."""
    if status == SheetStatus.SUBMITTED and (sheet is None or sheet.status != SheetStatus.SUBMITTED):
        return now
    return None if sheet is None else sheet.submitted_at


def recuse(session: Session, judge: Judge, entry_id: int, reason: str, actor: str) -> Recusal:
    """Take a judge off an entry (Giám khảo không chấm bài này), with the reason the organiser
    gives (empty: the default one, same unit as the authors).

    A sheet the judge already sent for it is kept and stops counting at once (see
    ``scoring.models.RECUSED``); the audit log records what it held.
    """
    entry = session.get(Entry, entry_id)
    if entry is None or entry.round.event_id != judge.event_id:
        raise NotFound("entry_not_found", _("Không tìm thấy bài dự thi này trong sự kiện."))
    if entry.round.status == RoundStatus.LOCKED:
        raise Conflict("round_locked", _("Vòng thi đã khóa, không thể thay đổi."))
    reason = nfc(reason).strip()
    if len(reason) > MAX_REASON:
        raise Invalid("invalid_reason", _("Lý do dài quá %(limit)s ký tự.", limit=MAX_REASON))
    found = session.scalar(
        select(Recusal).where(Recusal.judge_id == judge.id, Recusal.entry_id == entry.id)
    )
    if found is not None:
        raise Conflict("already_recused", _("Giám khảo này đã không chấm bài dự thi này."))
    sheet = session.scalar(
        select(ScoreSheet).where(ScoreSheet.judge_id == judge.id, ScoreSheet.entry_id == entry.id)
    )
    recusal = Recusal(judge_id=judge.id, entry_id=entry.id, reason=reason)
    session.add(recusal)
    audit.record(
        session,
        actor,
        "recusal.created",
        f"judge:{judge.id}",
        event_id=judge.event_id,
        after={
            "entry": entry.id,
            "reason": reason,
            "set_aside": None if sheet is None else {"id": sheet.id, **sheet_state(sheet)},
        },
    )
    session.flush()
    return recusal


def _check_against_rubric(rows: list[Criterion], data: SheetInput) -> dict[str, Decimal | None]:
    by_key = {criterion.key: criterion for criterion in rows}
    unknown = sorted(set(data.scores) - set(by_key))
    if unknown:
        raise Invalid(
            "unknown_criterion",
            _("Tiêu chí không có trong thang điểm: %(keys)s.", keys=", ".join(unknown)),
            criteria=unknown,
        )
    values: dict[str, Decimal | None] = {}
    for key, criterion in by_key.items():
        value = data.scores.get(key)
        if value is not None:
            if not 0 <= value <= criterion.max_score:
                raise Invalid(
                    "out_of_range",
                    _(
                        "Điểm tiêu chí “%(name)s” phải từ 0 đến %(max)s.",
                        name=criterion.name(locale_code()),
                        max=_plain(criterion.max_score),
                    ),
                    criterion=key,
                )
            if value % criterion.step != 0:
                raise Invalid(
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
        raise Invalid(
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
    return _said(
        sheet.status, sheet.comment, {score.criterion.key: score.value for score in sheet.scores}
    )


def _said(
    status: SheetStatus, comment: str, scores: Mapping[str, Decimal | None]
) -> dict[str, Any]:
    return {
        "status": status.value,
        "comment": comment,
        "scores": {key: _plain(value) for key, value in scores.items()},
    }


@dataclass(frozen=True)
class IssuedCard:
    """A card just issued: its token and PIN exist only here (the judge keeps their digests),
    so they are printed or shown once."""

    judge: Judge
    judge_id: int
    code: str
    token: str
    pin: str
    # The digest of the token of the card it replaces: another card given meanwhile refuses it.
    replaces: str


def _card(judge: Judge, code: str) -> IssuedCard:
    return IssuedCard(judge, judge.id, code, new_token(), new_pin(), judge.token_hash)


def _give(session: Session, judge: Judge, card: IssuedCard, actor: str, action: str) -> None:
    """Make ``card`` the judge's card: from now on only its token and PIN open their pages."""
    judge.code = card.code
    judge.token_hash = hash_token(card.token)
    judge.pin_hash = pin_digest(judge.id, card.pin)
    audit.record(
        session,
        actor,
        action,
        f"judge:{judge.id}",
        event_id=judge.event_id,
        after={"code": card.code},
    )


def mint_cards(session: Session, event: Event, judges: Sequence[Judge]) -> list[IssuedCard]:
    """New cards for ``judges`` of ``event``, in memory only: the organiser prints them first and
    :func:`record_cards` makes them the judges' cards afterwards, so printing never holds the
    database's write lock. A judge added before codes existed gets the next free one, since the
    card prints it. Refused for a judge who has stopped judging: their card would not open
    anything."""
    if not judges:
        raise Invalid("no_judges", _("Sự kiện chưa có giám khảo nào đang chấm để in thẻ."))
    for judge in judges:
        if judge.event_id != event.id:
            raise NotFound("judge_not_found", _("Không tìm thấy giám khảo này."))
        if not judge.active:
            raise Conflict(
                "judge_inactive",
                _(
                    "%(name)s đã ngừng chấm: hãy cho chấm trở lại trước khi in thẻ.",
                    name=judge.name,
                ),
            )
    taken = set(session.scalars(select(Judge.code).where(Judge.event_id == event.id)))
    free = (code for n in count(1) if (code := f"GK{n:02d}") not in taken)
    return [_card(judge, judge.code or next(free)) for judge in judges]


def mint_card(session: Session, judge: Judge) -> IssuedCard:
    """A new card for ``judge``, whose card was lost or seen by others, in memory only, as
    :func:`mint_cards` makes them; a judge who has stopped judging may be given one too."""
    return _card(judge, judge.code or next_judge_code(session, judge.event_id))


def record_cards(
    session: Session, cards: Sequence[IssuedCard], actor: str, *, reissued: bool = False
) -> None:
    """Make the printed ``cards`` the judges' cards, in the write transaction: each judge's old
    card (link, QR code and PIN), and every tablet signed in with it, stop working at once
    (``scoring.auth.signed_in_judge``). A judge removed, given another code or another card, or
    stopped while the cards printed refuses them all (two managers reissuing one card at once: the
    second is refused, rather than handing out a card that no longer opens anything); ``reissued``
    cards (:func:`mint_card`) are taken for a stopped judge too."""
    action = "judge.card_reissued" if reissued else "judge.card_issued"
    for card in cards:
        judge = session.get(Judge, card.judge_id)
        if (
            judge is None
            or not (judge.active or reissued)
            or judge.code not in (None, card.code)
            or judge.token_hash != card.replaces
        ):
            raise Conflict(
                "cards_changed",
                _("Hội đồng vừa thay đổi trong lúc in thẻ: hãy in lại."),
            )
        if judge.code is None:
            _free_code(session, judge.event_id, card.code, judge.id)
        _give(session, judge, card, actor, action)
    session.flush()


# --- The jury (Hội đồng chấm thi): judges and their recusals, from the organiser's console ------

MAX_JUDGE_NAME = 200  # Judge.name's column
UNIT_ID = re.compile(r"\d{1,9}")  # within PostgreSQL's 32-bit integer


@dataclass(frozen=True)
class JudgeInput:
    """A judge's form, read and checked (:func:`read_judge_form`)."""

    name: str
    role: JuryRole
    unit_id: int | None
    is_chair: bool
    # Mã giám khảo; None: the next free one ("GK01", "GK02", ...).
    code: str | None = None


@dataclass(frozen=True)
class NewJudge:
    """A judge just added: their token, shown once, and how many entries of their own unit they
    do not score."""

    judge: Judge
    token: str
    recused: int


def read_judge_form(session: Session, form: Mapping[str, str]) -> JudgeInput:
    """The name, jury role, unit, chair flag and code of a judge's form, or ``Invalid`` with a
    message per field in ``details["fields"]``."""
    name = nfc(form.get("name", "")).strip()
    unit = form.get("unit", "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Hãy nhập họ và tên giám khảo.")
    elif len(name) > MAX_JUDGE_NAME:
        errors["name"] = _("Họ và tên dài quá %(count)s ký tự.", count=MAX_JUDGE_NAME)
    role = next((role for role in JuryRole if role.value == form.get("role")), None)
    if role is None:
        errors["role"] = _("Hãy chọn vai trò trong Hội đồng.")
    unit_id = int(unit) if UNIT_ID.fullmatch(unit) else None
    if unit and (unit_id is None or session.get(Unit, unit_id) is None):
        errors["unit"] = _("Đơn vị này không có trong danh sách.")
    code = None
    try:
        code = read_judge_code(form.get("code", ""))
    except Invalid as error:
        errors["code"] = error.message
    if errors or role is None:
        raise Invalid("invalid_judge", _("Hãy sửa các ô được đánh dấu."), fields=errors)
    return JudgeInput(name, role, unit_id, form.get("chair") == "1", code)


JUDGE_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")


def read_judge_code(value: str) -> str | None:
    """A judge's code as typed (spaces dropped, upper case), None when empty; ``Invalid`` when it
    is not 1 to 20 letters, digits or dashes."""
    code = nfc(value).strip().replace(" ", "").upper()
    if not code:
        return None
    if not JUDGE_CODE.fullmatch(code):
        raise Invalid(
            "invalid_judge_code",
            _("Mã giám khảo chỉ gồm chữ cái không dấu, chữ số và dấu gạch ngang, tối đa 20 ký tự."),
            field="code",
        )
    return code


def next_judge_code(session: Session, event_id: int) -> str:
    """The first free code of the form GK01, GK02, ... in the event."""
    taken = set(session.scalars(select(Judge.code).where(Judge.event_id == event_id)))
    return next(code for n in count(1) if (code := f"GK{n:02d}") not in taken)


def _free_code(session: Session, event_id: int, code: str, judge_id: int | None) -> None:
    holder = session.scalar(
        select(Judge).where(Judge.event_id == event_id, Judge.code == code, Judge.id != judge_id)
    )
    if holder is not None:
        raise Invalid(
            "judge_code_taken",
            _("Mã %(code)s đã là của %(name)s.", code=code, name=holder.name),
            fields={"code": _("Mã %(code)s đã là của %(name)s.", code=code, name=holder.name)},
        )


def _open_jury(session: Session, event_id: int) -> Event:
    """The event, its row locked so that two changes of the jury run one after the other (one
    chair at most); refused once its results are locked or published: the jury that judged is
    then part of the record."""
    event = session.scalar(select(Event).where(Event.id == event_id).with_for_update())
    assert event is not None  # events are never deleted while their page is open
    if event.status == EventStatus.PUBLISHED:
        raise Conflict(
            "jury_sealed",
            _("Kết quả của sự kiện đã công bố: Hội đồng chấm thi không thay đổi được nữa."),
        )
    if event.status == EventStatus.LOCKED:
        raise Conflict(
            "jury_sealed",
            _(
                "Kết quả của sự kiện đã khóa: Hội đồng chấm thi không thay đổi được nữa. Muốn "
                "sửa, người phụ trách sự kiện cần mở lại việc chấm điểm ở trang Tổng quan."
            ),
        )
    return event


def _one_chair(session: Session, event_id: int, judge_id: int | None) -> None:
    chair = session.scalar(
        select(Judge).where(Judge.event_id == event_id, Judge.is_chair, Judge.id != judge_id)
    )
    if chair is not None:
        raise Invalid(
            "chair_taken",
            _(
                "Hội đồng chỉ có một Chủ tịch, và đó là %(name)s. Hãy bỏ đánh dấu Chủ tịch của "
                "người đó trước.",
                name=chair.name,
            ),
            fields={"chair": _("Hội đồng đã có Chủ tịch: %(name)s.", name=chair.name)},
        )


def _described_judge(judge: Judge) -> dict[str, Any]:
    """What the audit log keeps of a judge (never the token, nor its digest)."""
    return {
        "code": judge.code,
        "name": judge.name,
        "role": judge.role.value,
        "unit": judge.unit_id,
        "chair": judge.is_chair,
        "active": judge.active,
    }


def _recuse_from_own_unit(session: Session, judge: Judge, actor: str) -> int:
    """Recuse ``judge`` from every entry of the event, in a round still open, whose initiative
    comes from the judge's unit (the default reason: empty). Returns how many were added."""
    if judge.unit_id is None:
        return 0
    entries = session.scalars(
        select(Entry.id)
        .join(Round, Round.id == Entry.round_id)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(
            Round.event_id == judge.event_id,
            Round.status != RoundStatus.LOCKED,
            Initiative.unit_id == judge.unit_id,
        )
        .where(
            ~select(Recusal.id)
            .where(Recusal.judge_id == judge.id, Recusal.entry_id == Entry.id)
            .exists()
        )
        .order_by(Round.position, Entry.running_order)
    ).all()
    for entry_id in entries:
        recuse(session, judge, entry_id, "", actor)
    return len(entries)


def add_judge(session: Session, event: Event, data: JudgeInput, actor: str) -> NewJudge:
    """A new member of the jury with a new card (its token is returned: only its digest is
    kept), recused at once from the entries of their own unit."""
    _open_jury(session, event.id)
    if data.is_chair:
        _one_chair(session, event.id, None)
    if data.code is not None:
        _free_code(session, event.id, data.code, None)
    token = new_token()
    judge = Judge(
        event_id=event.id,
        code=data.code or next_judge_code(session, event.id),
        name=data.name,
        role=data.role,
        unit_id=data.unit_id,
        is_chair=data.is_chair,
        token_hash=hash_token(token),
        active=True,
    )
    session.add(judge)
    session.flush()
    audit.record(
        session,
        actor,
        "judge.added",
        f"judge:{judge.id}",
        event_id=event.id,
        after=_described_judge(judge),
    )
    recused = _recuse_from_own_unit(session, judge, actor)
    session.flush()
    return NewJudge(judge, token, recused)


def edit_judge(session: Session, judge: Judge, data: JudgeInput, actor: str) -> int:
    """Change a judge's name, jury role, unit or chair flag. A new unit recuses the judge from
    its entries; the recusals of the former unit stay (the organiser takes back those that no
    longer hold). Returns how many recusals the new unit added."""
    _open_jury(session, judge.event_id)
    if data.is_chair and not judge.is_chair:
        _one_chair(session, judge.event_id, judge.id)
    if data.code is not None:
        _free_code(session, judge.event_id, data.code, judge.id)
    before = _described_judge(judge)
    unit_changed = data.unit_id != judge.unit_id
    judge.name, judge.role, judge.unit_id, judge.is_chair = (
        data.name,
        data.role,
        data.unit_id,
        data.is_chair,
    )
    judge.code = data.code or judge.code
    after = _described_judge(judge)
    if before == after:
        return 0
    audit.record(
        session,
        actor,
        "judge.changed",
        f"judge:{judge.id}",
        event_id=judge.event_id,
        before=before,
        after=after,
    )
    session.flush()
    recused = _recuse_from_own_unit(session, judge, actor) if unit_changed else 0
    session.flush()
    return recused


def set_judge_active(session: Session, judge: Judge, active: bool, actor: str) -> None:
    """Stop a judge (their sheets stop counting; their card and every tablet signed in with it
    stop working at once: ``scoring.auth``, ``scoring.standings``) or restart one."""
    _open_jury(session, judge.event_id)
    if judge.active == active:
        return
    judge.active = active
    audit.record(
        session,
        actor,
        "judge.restarted" if active else "judge.stopped",
        f"judge:{judge.id}",
        event_id=judge.event_id,
        before={"active": not active},
        after={"active": active},
    )
    session.flush()


def recuse_by_hand(
    session: Session, judge: Judge, entry_id: int, reason: str, actor: str
) -> Recusal:
    """:func:`recuse`, from the jury page: refused once the results are locked or published. The
    reason may be left empty only where the default one is true: the judge is of the unit of
    the entry's authors."""
    _open_jury(session, judge.event_id)
    entry = session.get(Entry, entry_id)
    if (
        entry is not None
        and entry.round.event_id == judge.event_id
        and not nfc(reason).strip()
        and entry.initiative.unit_id != judge.unit_id
    ):
        message = _("Giám khảo không cùng đơn vị với tác giả: hãy ghi lý do không chấm bài này.")
        raise Invalid("reason_required", message, field="reason")
    return recuse(session, judge, entry_id, reason, actor)


def take_back_recusal(session: Session, judge: Judge, entry_id: int, actor: str) -> None:
    """The judge scores the entry again. A sheet they sent before the recusal counts again at
    once; the audit log records it, with the recusal's reason."""
    _open_jury(session, judge.event_id)
    recusal = session.scalar(
        select(Recusal).where(Recusal.judge_id == judge.id, Recusal.entry_id == entry_id)
    )
    if recusal is None:
        raise NotFound("recusal_not_found", _("Giám khảo này không có lượt không chấm bài này."))
    entry = session.get(Entry, entry_id)
    assert entry is not None  # a recusal goes with its entry
    if entry.round.status == RoundStatus.LOCKED:
        raise Conflict("round_locked", _("Vòng thi đã khóa, không thể thay đổi."))
    sheet = session.scalar(
        select(ScoreSheet).where(ScoreSheet.judge_id == judge.id, ScoreSheet.entry_id == entry_id)
    )
    audit.record(
        session,
        actor,
        "recusal.removed",
        f"judge:{judge.id}",
        event_id=judge.event_id,
        before={"entry": entry_id, "reason": recusal.reason},
        after={
            "entry": entry_id,
            "counted_again": None if sheet is None else {"id": sheet.id, **sheet_state(sheet)},
        },
    )
    session.delete(recusal)
    session.flush()
