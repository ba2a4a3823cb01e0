"""The visitors' side: single-use people's-choice ballots, votes and exhibit visits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, TextEnum, UTCDateTime, enum_column, short_token, utcnow


class BallotChannel(TextEnum):
    BADGE = "badge"
    KIOSK = "kiosk"


class Ballot(Base):
    """Phiếu bình chọn: a single-use token printed on a badge or issued at the kiosk."""

    __tablename__ = "ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(16), unique=True, default=short_token)
    channel: Mapped[BallotChannel] = mapped_column(enum_column(BallotChannel))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Vote(Base):
    """A people's-choice vote. The unique ballot is what stops stuffing, not cookies or IPs."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id"), unique=True)
    exhibit_id: Mapped[int] = mapped_column(ForeignKey("exhibit.id"), index=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Visit(Base):
    """A scan or open of an exhibit's page, for the organiser's visits chart."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(
        ForeignKey("exhibit.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    via_qr: Mapped[bool] = mapped_column(default=True)
