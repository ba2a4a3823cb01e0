"""The jury's side: the rubric, the judges, their score sheets and the audit trail."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from core.models.base import Base, TextEnum, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from core.models.event import Event
    from core.models.initiative import Entry
    from core.models.organisation import Unit


class JuryRole(TextEnum):
    UNION = "union"
    PROFESSIONAL = "professional"
    EXPERT = "expert"
    MANAGER = "manager"


class SheetStatus(TextEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"


class Criterion(Base):
    """Tiêu chí: a line of the rubric. Locked once the first score exists.

    ``levels`` holds the bands the judge picks from:
    ``[{"min": 18, "max": 20, "vi": "...", "en": "..."}, ...]``.
    """

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    max_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    step: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("0.5"))
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=1)

    event: Mapped[Event] = relationship(back_populates="criteria")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


class Judge(Base):
    """Giám khảo. Logs in with a magic link whose token is stored only as a SHA-256 digest."""

    __tablename__ = "judge"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[JuryRole] = mapped_column(enum_column(JuryRole))
    is_chair: Mapped[bool] = mapped_column(default=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="judges")
    unit: Mapped[Unit | None] = relationship()


class Recusal(Base):
    """A judge who must not score an entry. An empty reason is the default one: the entry comes
    from the judge's own unit (the pages say so in the reader's language)."""

    __tablename__ = "recusal"
    __table_args__ = (UniqueConstraint("judge_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")


class ScoreSheet(Base):
    """Phiếu chấm điểm: one judge's scores for one entry. Its id is chosen by the tablet."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("judge_id", "entry_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SheetStatus] = mapped_column(enum_column(SheetStatus), default=SheetStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    judge: Mapped[Judge] = relationship()
    entry: Mapped[Entry] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="sheet", cascade="all, delete-orphan")


class Score(Base):
    """One criterion on one sheet. ``value`` None means "chưa chấm" (not scored), never zero;
    ``comment`` is the judge's optional Nhận xét on this criterion."""

    __tablename__ = "score"

    sheet_id: Mapped[str] = mapped_column(
        ForeignKey("score_sheet.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), primary_key=True)
    value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    comment: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class AuditLog(Base):
    """Append-only record of every change: who, what, before, after and why."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500), default="")


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _refuse_rewrite(_mapper: Mapper[AuditLog], _connection: Connection, _row: AuditLog) -> None:
    raise PermissionError("the audit log is append-only")
