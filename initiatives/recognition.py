"""Writes on the library's records: recognition and benefit, and the novelty decisions.

Recognition (Cấp công nhận: cơ sở, Tổng công ty, Tập đoàn, tỉnh/ngành, toàn quốc, with the
decision's number and date) and benefit come in two figures: ``benefit_vnd`` is the projected
benefit (dự kiến, as registered or imported), ``benefit_actual_vnd`` the actual one (thực tế,
measured once applied). Their history is the audit log of the initiative (subject
``initiative:<id>``), one row per change with the values before and after: no table of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Invalid, NotFound
from core.i18n import day, money, nfc
from core.imports import Unreadable, parse_date, parse_money
from core.models import AuditLog, Organiser
from core.models.base import MAX_ID, utcnow
from initiatives.models import (
    Initiative,
    RecognitionLevel,
    Similarity,
    SimilarityDecision,
    SimilarityKind,
)

MAX_DECISION_NUMBER = 100
MAX_BENEFIT = 10**15
LEVEL_NAMES = {
    RecognitionLevel.BASE: lazy_gettext("Cấp cơ sở"),
    RecognitionLevel.CORPORATION: lazy_gettext("Cấp Tổng công ty"),
    RecognitionLevel.GROUP: lazy_gettext("Cấp Tập đoàn"),
    RecognitionLevel.PROVINCE: lazy_gettext("Cấp tỉnh/ngành"),
    RecognitionLevel.NATIONAL: lazy_gettext("Cấp toàn quốc"),
}
DECISION_NAMES = {
    SimilarityDecision.DISTINCT: lazy_gettext("Khác biệt"),
    SimilarityDecision.DUPLICATE: lazy_gettext("Trùng lặp"),
}
FIELDS = (
    "recognition_level",
    "decision_number",
    "decision_date",
    "benefit_vnd",
    "benefit_actual_vnd",
)


def initiative_or_404(session: Session, initiative_id: int) -> Initiative:
    initiative = session.get(Initiative, initiative_id) if 0 < initiative_id <= MAX_ID else None
    if initiative is None:
        raise NotFound("initiative_not_found", _("Không tìm thấy sáng kiến này."))
    return initiative


def similarity_or_404(session: Session, similarity_id: int) -> Similarity:
    found = session.get(Similarity, similarity_id) if 0 < similarity_id <= MAX_ID else None
    if found is None or found.kind != SimilarityKind.NOVELTY:
        raise NotFound("similarity_not_found", _("Không tìm thấy cặp sáng kiến giống nhau này."))
    return found


@dataclass(frozen=True)
class Recognition:
    level: RecognitionLevel | None
    decision_number: str
    decision_date: date | None
    benefit_vnd: int | None
    benefit_actual_vnd: int | None


def _money(value: str, field: str) -> int | None:
    try:
        amount = parse_money(value)
    except Unreadable as error:
        raise Invalid("invalid_money", str(error), field=field) from None
    if amount is not None and amount >= MAX_BENEFIT:
        raise Invalid("too_much", _("Giá trị làm lợi lớn quá mức có thể."), field=field)
    return amount


def decision_date_problem(decided_on: date | None) -> str | None:
    """Why a decision's date cannot be, if it cannot: one after today is a slip (no decision
    is dated ahead, and the programme would count the initiative in no year yet)."""
    if decided_on is not None and decided_on > date.today():
        return str(_("Ngày quyết định không thể sau hôm nay."))
    return None


def read_recognition(form: Mapping[str, str]) -> Recognition:
    """The organiser's form, checked: a level from the list (or none), a decision number and a
    dd/mm/yyyy date that go with a level, benefits in whole đồng (empty: not quantified)."""
    chosen = form.get("recognition_level", "")
    try:
        level = RecognitionLevel(chosen) if chosen else None
    except ValueError:
        raise Invalid(
            "invalid_level", _("Hãy chọn một cấp công nhận."), field="recognition_level"
        ) from None
    number = nfc(form.get("decision_number", "")).strip()
    if len(number) > MAX_DECISION_NUMBER:
        message = _("Số quyết định dài quá %(limit)s ký tự.", limit=MAX_DECISION_NUMBER)
        raise Invalid("long_number", message, field="decision_number")
    try:
        decided_on = parse_date(form.get("decision_date", "").strip())
    except Unreadable as error:
        raise Invalid("invalid_date", str(error), field="decision_date") from None
    if problem := decision_date_problem(decided_on):
        raise Invalid("future_date", problem, field="decision_date")
    if level is None and (number or decided_on):
        message = _("Hãy chọn cấp công nhận của quyết định này.")
        raise Invalid("level_missing", message, field="recognition_level")
    return Recognition(
        level,
        number,
        decided_on,
        _money(form.get("benefit_vnd", ""), "benefit_vnd"),
        _money(form.get("benefit_actual_vnd", ""), "benefit_actual_vnd"),
    )


def _values(initiative: Initiative) -> dict[str, Any]:
    level = initiative.recognition_level
    return {
        "recognition_level": level.value if level else None,
        "decision_number": initiative.decision_number,
        "decision_date": initiative.decision_date.isoformat() if initiative.decision_date else None,
        "benefit_vnd": initiative.benefit_vnd,
        "benefit_actual_vnd": initiative.benefit_actual_vnd,
    }


def update_recognition(
    session: Session, initiative: Initiative, recognition: Recognition, actor: Organiser | str
) -> bool:
    """Give ``initiative`` its recognition and benefits; audit what changed (``actor``: an
    organiser, or one already named, as an import's job names it). Did anything?"""
    before = _values(initiative)
    initiative.recognition_level = recognition.level
    initiative.decision_number = recognition.decision_number
    initiative.decision_date = recognition.decision_date
    initiative.benefit_vnd = recognition.benefit_vnd
    initiative.benefit_actual_vnd = recognition.benefit_actual_vnd
    after = _values(initiative)
    if after == before:
        return False
    changed = [key for key in FIELDS if before[key] != after[key]]
    audit.record(
        session,
        actor,
        "initiative.recognition",
        f"initiative:{initiative.id}",
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    session.flush()
    return True


def decide(
    session: Session, found: Similarity, decision: SimilarityDecision, actor: Organiser
) -> None:
    """An organiser's ruling on a novelty problem: "khác biệt" or "trùng lặp"."""
    before = {"decision": found.decision.value if found.decision else None}
    found.decision = decision
    found.decided_by = audit.actor(actor)
    found.decided_at = utcnow()
    audit.record(
        session,
        actor,
        "initiative.novelty_decided",
        f"initiative:{found.initiative_id}",
        before=before,
        after={"decision": decision.value, "other": found.other_id, "score": str(found.score)},
    )
    session.flush()


def parse_decision(value: str) -> SimilarityDecision:
    try:
        return SimilarityDecision(value)
    except ValueError:
        raise Invalid("invalid_decision", _("Hãy chọn “Khác biệt” hoặc “Trùng lặp”.")) from None


def history(session: Session, initiative: Initiative) -> list[AuditLog]:
    """The changes of the initiative's recognition and benefit, and its novelty rulings, newest
    first."""
    return list(
        session.scalars(
            select(AuditLog)
            .where(
                AuditLog.subject == f"initiative:{initiative.id}",
                AuditLog.action.in_(("initiative.recognition", "initiative.novelty_decided")),
            )
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        )
    )


FIELD_LABELS = {
    "recognition_level": lazy_gettext("Cấp công nhận"),
    "decision_number": lazy_gettext("Số quyết định"),
    "decision_date": lazy_gettext("Ngày quyết định"),
    "benefit_vnd": lazy_gettext("Giá trị làm lợi dự kiến"),
    "benefit_actual_vnd": lazy_gettext("Giá trị làm lợi thực tế"),
    "decision": lazy_gettext("Kết luận"),
}


def _shown(key: str, value: Any) -> str:
    """A value of the audit log as the reader reads it."""
    if value is None or value == "":
        return "–"
    if key == "recognition_level":
        return str(LEVEL_NAMES[RecognitionLevel(value)])
    if key == "decision":
        return str(DECISION_NAMES[SimilarityDecision(value)])
    if key == "decision_date":
        return day(date.fromisoformat(value))
    if key.startswith("benefit"):
        return money(int(value))
    return str(value)


def change_lines(change: AuditLog) -> list[tuple[str, str, str]]:
    """One change of the history as (what, before, after) lines, in the reader's language."""
    before, after = change.before or {}, change.after or {}
    return [
        (str(FIELD_LABELS[key]), _shown(key, before.get(key)), _shown(key, after.get(key)))
        for key in after
        if key in FIELD_LABELS
    ]
