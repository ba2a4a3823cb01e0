"""One Ngày hội: its settings, its rounds of pitches and its big screens."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, TextEnum, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from core.models.initiative import Entry, Exhibit
    from core.models.organisation import Unit
    from core.models.scoring import Criterion, Judge


class EventStatus(TextEnum):
    DRAFT = "draft"
    OPEN = "open"
    SCORING = "scoring"
    LOCKED = "locked"
    PUBLISHED = "published"


class Aggregation(TextEnum):
    """How a panel's totals become one score per entry (see scoring/results.py)."""

    MEAN = "mean"
    TRIMMED = "trimmed"
    ZSCORE = "zscore"
    JUDGE_EFFECT = "judge_effect"


class RoundStatus(TextEnum):
    OPEN = "open"
    LOCKED = "locked"


class ScreenMode(TextEnum):
    LEADERBOARD = "leaderboard"
    PITCHING = "pitching"
    PEOPLES_CHOICE = "peoples_choice"
    EXHIBIT_WALL = "exhibit_wall"
    REVEAL = "reveal"
    ANNOUNCEMENT = "announcement"


DEFAULT_TIE_BREAK = ["benefit", "effectiveness", "untrimmed_mean"]


class Event(Base):
    """A Ngày hội Lao động sáng tạo: draft -> open -> scoring -> locked -> published."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date]
    venue: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus), default=EventStatus.DRAFT)
    aggregation: Mapped[Aggregation] = mapped_column(
        enum_column(Aggregation), default=Aggregation.MEAN
    )
    # Criterion keys, then "untrimmed_mean": the published cascade that breaks ties in order.
    tie_break: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_TIE_BREAK))
    min_prize_score: Mapped[float] = mapped_column(Numeric(5, 2), default=50)
    vote_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Grows by one in the same transaction as every change to scores: snapshots carry it.
    standings_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()
    rounds: Mapped[list[Round]] = relationship(
        back_populates="event", order_by="Round.position", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="event", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    judges: Mapped[list[Judge]] = relationship(back_populates="event", cascade="all, delete-orphan")
    exhibits: Mapped[list[Exhibit]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    screens: Mapped[list[Screen]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class Round(Base):
    """A round of the pitch contest (Vòng sơ khảo, Vòng chung khảo); locking ends its undo."""

    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("event_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=1)
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus), default=RoundStatus.OPEN)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="rounds")
    entries: Mapped[list[Entry]] = relationship(
        back_populates="round", order_by="Entry.running_order", cascade="all, delete-orphan"
    )


class Screen(Base):
    """A named big screen and the mode the organiser has put it in."""

    __tablename__ = "screen"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    mode: Mapped[ScreenMode] = mapped_column(
        enum_column(ScreenMode), default=ScreenMode.LEADERBOARD
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="screens")
