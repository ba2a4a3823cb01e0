"""One Ngày hội: its settings, its rounds of pitches, and who may run it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext
from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, TextEnum, UTCDateTime, enum_column, utcnow
from core.models.organisation import Organiser, Unit


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


class RoundKind(TextEnum):
    """A contest round counts; a calibration round (Vòng hiệu chuẩn) is a rehearsal on a sample
    pitch whose sheets never count anywhere (scoring/calibration.py)."""

    CONTEST = "contest"
    CALIBRATION = "calibration"


class EventRole(TextEnum):
    """What an organiser may do in one event; each role may do all that the next one may."""

    OWNER = "owner"
    MANAGER = "manager"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        return {"viewer": 1, "manager": 2, "owner": 3}[self.value]


DEFAULT_TIE_BREAK = ["benefit", "effectiveness", "untrimmed_mean"]


class Event(Base):
    """A Ngày hội Lao động sáng tạo: draft -> open -> scoring -> locked -> published."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date]
    venue: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id"), info={"referrer": lazy_gettext("Sự kiện")}
    )
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus), default=EventStatus.DRAFT)
    aggregation: Mapped[Aggregation] = mapped_column(
        enum_column(Aggregation), default=Aggregation.MEAN
    )
    # Criterion keys, then "untrimmed_mean": the published cascade that breaks ties in order.
    tie_break: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_TIE_BREAK))
    min_prize_score: Mapped[float] = mapped_column(Numeric(5, 2), default=50)
    # A judge's total further than this from the panel's median is flagged for the chair, who
    # resolves it with a note before the round locks (scoring/chair.py).
    outlier_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(15))
    vote_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The PIN that takes a tablet out of kiosk mode (kiosk.auth.kiosk_pin_digest); empty: unset.
    kiosk_pin_hash: Mapped[str] = mapped_column(String(64), default="")
    # The people's-choice count stays hidden from everyone until the organiser releases it.
    votes_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An informed vote: a ballot may vote for an exhibit only after scanning its booth's QR code,
    # and at least this many seconds later.
    vote_requires_scan: Mapped[bool] = mapped_column(default=False)
    vote_scan_min_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # Grows by one in every transaction that changes what a screen or phone shows (core/live.py);
    # every snapshot carries it.
    live_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()


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
    kind: Mapped[RoundKind] = mapped_column(enum_column(RoundKind), default=RoundKind.CONTEST)

    event: Mapped[Event] = relationship()


class EventMember(Base):
    """An organiser's role in one event. Site administrators need none: they may do anything."""

    __tablename__ = "event_member"
    __table_args__ = (UniqueConstraint("event_id", "organiser_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[EventRole] = mapped_column(enum_column(EventRole))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    organiser: Mapped[Organiser] = relationship()
