"""Sealing a round: the canonical result file of a locked round, its SHA-256, and the lock itself.

Locking a round (``lock_round``) checks that it may lock (no draft, every outlier resolved; a
missing sheet is a warning to accept), then stores the canonical result file
(:func:`canonical_document`) in a ``Seal``. Reopening (``reopen_round``) needs a written reason;
it marks the seal reopened, and the next lock makes a new one: a changed result gives a changed
digest, the same result the same one (the file holds no time). The minutes, the certificates and
``/verify/<code>`` read the seal in force (:func:`seal_in_force`). docs/results.md gives the format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Invalid
from core.i18n import nfc
from core.models import Event, EventStatus, Round, RoundKind, RoundStatus, Unit, utcnow
from core.service import Blocked
from initiatives.models import Initiative
from scoring import results
from scoring.chair import round_blockers
from scoring.models import COUNTED, RECUSED, Entry, EntryStatus, Judge, ScoreSheet, Seal
from scoring.rubric import criteria
from scoring.standings import counted_sheets

FORMAT = "sangtao-seal/1"
MAX_REASON = 500  # Seal.reopen_reason
DIGITS = 6  # scores in the file: rounded, so that float noise never changes the digest


@dataclass(frozen=True)
class SealedEntry:
    """What the file says of an entry besides its standings: who, and the jury's consensus."""

    entry_id: int
    running_order: int
    title: str
    unit: str
    consensus: float | None
    consensus_reason: str


@dataclass(frozen=True)
class JudgeTotal:
    """One counted sheet: the judge's code (``#<id>`` when the card has none) and its total."""

    judge: str
    entry_id: int
    total: float


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def _standing(standing: results.Standing) -> dict[str, Any]:
    return {
        "rank": standing.rank,
        "score": _number(standing.score),
        "flags": list(standing.flags),
    }


def canonical_document(
    event: Mapping[str, Any],
    round_: Mapping[str, Any],
    rubric: Sequence[Mapping[str, Any]],
    entries: Sequence[SealedEntry],
    sheets: Sequence[results.Sheet],
    judge_totals: Sequence[JudgeTotal],
    method: str,
    tie_break: Sequence[str],
) -> str:
    """The round's canonical result file: UTF-8 JSON with sorted keys and no spaces.

    ``event`` and ``round_`` are plain facts (slug, name, date; id, name, position); ``rubric``
    the criteria (key, names, weight, max); ``sheets`` the counted sheets of the round's entries
    as the standings read them. Every entry carries its standing under the method in force and
    under every method, n, low, high, sd, flags, the consensus score, and each judge's total.
    Pure: the same result gives the same bytes, hence the same SHA-256.
    """
    ids = [entry.entry_id for entry in entries]
    consensus = {e.entry_id: e.consensus for e in entries if e.consensus is not None}
    by_method = results.side_by_side(ids, sheets, tie_break, consensus)
    placed = {name: {s.entry_id: s for s in ranked} for name, ranked in by_method.items()}
    shown = {entry.entry_id: entry for entry in entries}
    totals: dict[int, dict[str, float | None]] = {entry_id: {} for entry_id in ids}
    for row in judge_totals:
        if row.entry_id in totals:
            totals[row.entry_id][row.judge] = _number(row.total)
    rows = []
    for standing in by_method[method]:
        entry = shown[standing.entry_id]
        rows.append(
            {
                "entry_id": entry.entry_id,
                "running_order": entry.running_order,
                "title": entry.title,
                "unit": entry.unit,
                "standing": _standing(standing),
                "methods": {
                    name: _standing(found[entry.entry_id]) for name, found in placed.items()
                },
                "n": standing.sheets,
                "low": _number(standing.low),
                "high": _number(standing.high),
                "sd": _number(standing.sd),
                "consensus": None
                if entry.consensus is None
                else {"score": _number(entry.consensus), "reason": entry.consensus_reason},
                "judges": totals[entry.entry_id],
            }
        )
    document = {
        "format": FORMAT,
        "event": dict(event),
        "round": dict(round_),
        "method": method,
        "tie_break": list(tie_break),
        "rubric": [dict(criterion) for criterion in rubric],
        "entries": rows,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def seal_in_force(session: Session, round_: Round) -> Seal | None:
    """The round's newest seal that was not reopened; None while the round is open."""
    return session.scalar(
        select(Seal)
        .where(Seal.round_id == round_.id, Seal.reopened_at.is_(None))
        .order_by(Seal.id.desc())
        .limit(1)
    )


def seals_of(session: Session, round_: Round) -> list[Seal]:
    """Every seal of the round, newest first: the one in force and those reopened."""
    return list(
        session.scalars(select(Seal).where(Seal.round_id == round_.id).order_by(Seal.id.desc()))
    )


def round_document(session: Session, round_: Round) -> str:
    """The canonical file of the round as its sheets stand now."""
    event = round_.event
    rows = session.execute(
        select(
            Entry.id,
            Entry.running_order,
            Initiative.title,
            Unit.name,
            Entry.consensus_score,
            Entry.consensus_reason,
        )
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .outerjoin(Unit, Unit.id == Initiative.unit_id)
        .where(Entry.round_id == round_.id, Entry.status != EntryStatus.WITHDRAWN)
        .order_by(Entry.running_order)
    ).tuples()
    entries = [
        SealedEntry(entry_id, order, title, unit or "", score, reason)
        for entry_id, order, title, unit, score, reason in rows
    ]
    sheets = [sheet for sheet in counted_sheets(session, event) if sheet.round_id == round_.id]
    totals = session.execute(
        select(Judge.id, Judge.code, ScoreSheet.entry_id, ScoreSheet.total)
        .join(Judge, Judge.id == ScoreSheet.judge_id)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .where(
            Entry.round_id == round_.id,
            Judge.active.is_(True),
            ScoreSheet.status.in_(COUNTED),
            ScoreSheet.total.is_not(None),
            ~RECUSED,
        )
    ).tuples()
    judge_totals = [
        JudgeTotal(code or f"#{judge_id}", entry_id, total)
        for judge_id, code, entry_id, total in totals
        if total is not None
    ]
    rubric = [
        {
            "key": c.key,
            "name_vi": c.name_vi,
            "name_en": c.name_en,
            "weight": str(c.weight),
            "max": str(c.max_score),
        }
        for c in criteria(session, event.id)
    ]
    return canonical_document(
        {"slug": event.slug, "name": event.name, "held_on": event.held_on.isoformat()},
        {"id": round_.id, "name": round_.name, "position": round_.position},
        rubric,
        entries,
        sheets,
        judge_totals,
        event.aggregation.value,
        event.tie_break,
    )


def seal_round(session: Session, round_: Round, actor: str) -> Seal | None:
    """Lock the round and, for a contest round, store its seal; no check (see ``lock_round``).
    A calibration round locks without a seal: it has no result."""
    round_.status, round_.locked_at = RoundStatus.LOCKED, utcnow()
    if round_.kind == RoundKind.CALIBRATION:
        return None
    document = round_document(session, round_)
    seal = Seal(round_id=round_.id, document=document, sha256=digest(document), sealed_by=actor)
    session.add(seal)
    return seal


def lock_round(session: Session, round_: Round, actor: str, *, override: bool = False) -> Seal:
    """Khóa vòng thi: refuse while a sheet is in draft or an outlier is unresolved
    (:class:`Blocked`); a missing sheet is a warning that ``override`` accepts. Audited."""
    locked = session.scalar(select(Round).where(Round.id == round_.id).with_for_update())
    assert locked is not None
    if locked.status == RoundStatus.LOCKED:
        raise Conflict("round_locked", _("Vòng thi đã khóa."))
    if locked.event.status != EventStatus.SCORING:
        raise Conflict("scoring_closed", _("Chỉ khóa được vòng thi khi sự kiện đang chấm điểm."))
    blockers = round_blockers(session, locked)
    if any(not (override and blocker.overridable) for blocker in blockers):
        raise Blocked(blockers)
    seal = seal_round(session, locked, actor)
    if seal is None:
        raise Invalid("calibration", _("Vòng hiệu chuẩn không có kết quả để niêm phong."))
    session.flush()
    audit.record(
        session,
        actor,
        "round.locked",
        f"round:{locked.id}",
        event_id=locked.event_id,
        after={"status": RoundStatus.LOCKED.value, "seal": seal.id, "sha256": seal.sha256},
        reason=" ".join(blocker.message for blocker in blockers)[:MAX_REASON],
    )
    session.flush()
    return seal


def read_reason(text: str) -> str:
    reason = nfc(text).strip()
    if not reason:
        raise Invalid("reason_required", _("Hãy ghi lý do mở lại vòng thi."))
    if len(reason) > MAX_REASON:
        raise Invalid("invalid_reason", _("Lý do dài quá %(limit)s ký tự.", limit=MAX_REASON))
    return reason


def reopen_round(session: Session, round_: Round, reason: str, actor: str) -> None:
    """Mở lại vòng thi, only with a written reason: the seal in force is marked reopened (kept,
    never deleted), the sheets may change again. Refused while the whole event is locked: the
    event's owner reopens the scoring first. Audited."""
    reason = read_reason(reason)
    locked = session.scalar(select(Round).where(Round.id == round_.id).with_for_update())
    assert locked is not None
    if locked.status != RoundStatus.LOCKED:
        raise Conflict("round_open", _("Vòng thi đang mở."))
    if locked.event.status != EventStatus.SCORING:
        raise Conflict(
            "event_locked",
            _("Kết quả của sự kiện đã khóa: chủ sự kiện cần mở lại việc chấm điểm trước."),
        )
    seal = seal_in_force(session, locked)
    if seal is not None:
        seal.reopened_at, seal.reopened_by, seal.reopen_reason = utcnow(), actor, reason
    locked.status, locked.locked_at = RoundStatus.OPEN, None
    audit.record(
        session,
        actor,
        "round.reopened",
        f"round:{locked.id}",
        event_id=locked.event_id,
        before={
            "status": RoundStatus.LOCKED.value,
            "sha256": seal.sha256 if seal is not None else None,
        },
        after={"status": RoundStatus.OPEN.value},
        reason=reason,
    )
    session.flush()


def seal_open_rounds(
    event: Event, *, session: Session, before: EventStatus, actor: str, **_kwargs: Any
) -> None:
    """The event's results lock (``signals.event_status_changed``): every round still open locks
    and its seal is made, as if the chair had locked it, the owner having accepted the event's
    own warnings. Reopening the event's scoring leaves the rounds locked, their seals in force:
    each is reopened on the chair's console, with its reason."""
    if event.status != EventStatus.LOCKED or before != EventStatus.SCORING:
        return
    rounds = session.scalars(
        select(Round).where(Round.event_id == event.id, Round.status == RoundStatus.OPEN)
    )
    for round_ in rounds:
        seal = seal_round(session, round_, actor)
        session.flush()
        audit.record(
            session,
            actor,
            "round.locked",
            f"round:{round_.id}",
            event_id=event.id,
            after={
                "status": RoundStatus.LOCKED.value,
                "seal": seal.id if seal is not None else None,
                "sha256": seal.sha256 if seal is not None else None,
            },
            reason=_("Khóa cùng kết quả của sự kiện."),
        )
    session.flush()
