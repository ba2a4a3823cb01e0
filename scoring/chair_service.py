"""The jury chair's writes: verify a sheet, resolve an outlier, agree a consensus score.

Each is refused once the sheet's round is locked (the seal must not move), audited with who,
before, after and why, and flushed; the caller commits. Locking and reopening are in
``scoring.seal``.
"""

from __future__ import annotations

import math

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Invalid
from core.i18n import nfc, number
from scoring.models import COUNTED, RECUSED, Entry, Judge, ScoreSheet, SheetStatus
from scoring.service import round_locked

MAX_NOTE = 500  # ScoreSheet.outlier_note, Entry.consensus_reason


def _open(entry: Entry) -> None:
    if round_locked(entry):
        raise Conflict("round_locked", _("Vòng thi đã khóa, không thể sửa phiếu chấm."))


def _text(text: str, code: str, missing: str) -> str:
    found = nfc(text).strip()
    if not found:
        raise Invalid(code, missing)
    if len(found) > MAX_NOTE:
        raise Invalid(code, _("Nội dung dài quá %(limit)s ký tự.", limit=MAX_NOTE))
    return found


def verify_sheet(session: Session, sheet: ScoreSheet, actor: str) -> None:
    """Xác nhận phiếu: a submitted sheet becomes VERIFIED; the judge can no longer change it."""
    _open(sheet.entry)
    if sheet.status == SheetStatus.VERIFIED:
        return
    if sheet.status != SheetStatus.SUBMITTED:
        raise Conflict("sheet_draft", _("Phiếu chấm còn ở dạng nháp: giám khảo chưa gửi."))
    sheet.status = SheetStatus.VERIFIED
    audit.record(
        session,
        actor,
        "sheet.verified",
        f"score_sheet:{sheet.id}",
        event_id=sheet.judge.event_id,
        before={"status": SheetStatus.SUBMITTED.value},
        after={"status": SheetStatus.VERIFIED.value},
    )
    session.flush()


def resolve_outlier(session: Session, sheet: ScoreSheet, note: str, actor: str) -> None:
    """Ghi nhận điểm lệch: the chair has looked at a sheet far from its panel and says why it
    stands (the judge explained, a mistake corrected)."""
    _open(sheet.entry)
    text = _text(note, "note_required", _("Hãy ghi nhận xét về phiếu chấm lệch."))
    audit.record(
        session,
        actor,
        "sheet.outlier_resolved",
        f"score_sheet:{sheet.id}",
        event_id=sheet.judge.event_id,
        before={"outlier_note": sheet.outlier_note},
        after={"outlier_note": text, "total": sheet.total},
    )
    sheet.outlier_note = text
    session.flush()


def panel_range(session: Session, entry: Entry) -> tuple[float, float] | None:
    """The lowest and highest counted total of the entry, or None before the first."""
    totals = [
        total
        for total in session.scalars(
            select(ScoreSheet.total)
            .join(Judge, Judge.id == ScoreSheet.judge_id)
            .where(
                ScoreSheet.entry_id == entry.id,
                Judge.active.is_(True),
                ScoreSheet.status.in_(COUNTED),
                ScoreSheet.total.is_not(None),
                ~RECUSED,
            )
        )
        if total is not None
    ]
    return (min(totals), max(totals)) if totals else None


def read_score(text: str) -> float | None:
    """A score as typed, with a decimal comma or point; empty clears the consensus."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise Invalid("invalid_score", _("Điểm thống nhất phải là một số.")) from None
    if not math.isfinite(value):
        raise Invalid("invalid_score", _("Điểm thống nhất phải là một số."))
    return value


def set_consensus(
    session: Session, entry: Entry, score: float | None, reason: str, actor: str
) -> None:
    """Điểm thống nhất: the jury's agreed score for the entry, within its panel's lowest and
    highest total, with a reason; None takes it back. It replaces the computed score under every
    method (``scoring.results.agreed``)."""
    _open(entry)
    text = _text(reason, "reason_required", _("Hãy ghi lý do của điểm thống nhất."))
    if score is not None:
        bounds = panel_range(session, entry)
        if bounds is None:
            raise Invalid("no_sheets", _("Bài dự thi chưa có phiếu chấm nào được tính."))
        low, high = bounds
        if not round(low, 6) <= round(score, 6) <= round(high, 6):
            raise Invalid(
                "out_of_range",
                _(
                    "Điểm thống nhất phải nằm giữa điểm thấp nhất (%(low)s) và cao nhất "
                    "(%(high)s) của các phiếu chấm.",
                    low=number(low, 2),
                    high=number(high, 2),
                ),
            )
    audit.record(
        session,
        actor,
        "entry.consensus",
        f"entry:{entry.id}",
        event_id=entry.round.event_id,
        before={"consensus_score": entry.consensus_score, "reason": entry.consensus_reason},
        after={"consensus_score": score, "reason": text},
        reason=text,
    )
    entry.consensus_score = score
    entry.consensus_reason = text if score is not None else ""
    session.flush()
