"""The exhibition: exhibits at their booths, visits, people's-choice ballots and their votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ForeignKey, Select, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import backup, live
from core.models import Event, Unit
from core.models.base import Base, TextEnum, UTCDateTime, enum_column, short_token, utcnow
from initiatives.models import Attachment, Author, Initiative


class ExhibitStatus(TextEnum):
    """A registration at the kiosk waits for the organiser's look; only approved ones are public."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Exhibit(Base):
    """An initiative shown at a booth (Gian trưng bày); visitors reach it by its QR token.

    One registered at the kiosk starts ``pending``; imports and the demo make approved ones. The
    exhibitor corrects it later with an edit code shown once, kept as ``edit_code_hash``.
    """

    __tablename__ = "exhibit"
    __table_args__ = (UniqueConstraint("event_id", "initiative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"))
    booth: Mapped[str] = mapped_column(String(32), default="")
    qr_token: Mapped[str] = mapped_column(String(16), unique=True, default=short_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[ExhibitStatus] = mapped_column(
        enum_column(ExhibitStatus), default=ExhibitStatus.APPROVED
    )
    # Empty: no edit code (not registered at the kiosk).
    edit_code_hash: Mapped[str] = mapped_column(String(64), default="")
    rejected_reason: Mapped[str] = mapped_column(String(500), default="")

    event: Mapped[Event] = relationship()
    initiative: Mapped[Initiative] = relationship()

    @property
    def public(self) -> bool:
        return self.status == ExhibitStatus.APPROVED


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

    event: Mapped[Event] = relationship()


class Vote(Base):
    """A people's-choice vote. The unique ballot is what stops stuffing, not cookies or IPs."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id"), unique=True)
    exhibit_id: Mapped[int] = mapped_column(ForeignKey("exhibit.id"), index=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A salted hash of the phone's address, for the review of bursts; never the address itself.
    address_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    # A vote the organiser voided (with its reason, audited) stays, uncounted: its ballot is spent.
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str] = mapped_column(String(500), default="")


class Scan(Base):
    """A ballot's phone opened an exhibit's booth QR code: what an informed vote requires."""

    __tablename__ = "scan"
    __table_args__ = (UniqueConstraint("ballot_id", "exhibit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"))
    exhibit_id: Mapped[int] = mapped_column(
        ForeignKey("exhibit.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Visit(Base):
    """A scan or open of an exhibit's page, for the organiser's visits chart."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(
        ForeignKey("exhibit.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    via_qr: Mapped[bool] = mapped_column(default=True)


def _events_of_exhibits(column: Any, ids: BindParameter[Any]) -> Select[tuple[int]]:
    return (
        select(Exhibit.event_id)
        .join(Initiative, Initiative.id == Exhibit.initiative_id)
        .where(column.in_(ids))
    )


live.watch(Exhibit.event_id)
live.watch(Vote.exhibit_id, lambda ids: select(Exhibit.event_id).where(Exhibit.id.in_(ids)))
live.ignore(Ballot, "an unused ballot shows nowhere; its vote is watched")
live.ignore(Scan, "a scan only unlocks a ballot's vote; no screen shows it")
live.ignore(Visit, "visits are counted on the organiser's page; one push per scan would flood")
# The exhibit wall shows titles, units and photos; the visitor's page, kept drawn per version
# (kiosk/pages.py), shows the authors too.
live.watch(Initiative.id, lambda ids: _events_of_exhibits(Initiative.id, ids))
live.watch(Attachment.initiative_id, lambda ids: _events_of_exhibits(Initiative.id, ids))
live.watch(Author.initiative_id, lambda ids: _events_of_exhibits(Initiative.id, ids))
live.watch(Unit.id, lambda ids: _events_of_exhibits(Initiative.unit_id, ids))


def _of_exhibits(model: Any) -> Any:
    return lambda event_id: (
        select(model)
        .join(Exhibit, Exhibit.id == model.exhibit_id)
        .where(Exhibit.event_id == event_id)
    )


# QR codes and ballots go with the backup, so that printed posters and badges still work after a
# restore; one already used on this instance (the same file restored twice) gets a new code.
backup.owned(
    Exhibit,
    lambda event_id: select(Exhibit).where(Exhibit.event_id == event_id),
    renew={"qr_token": lambda _session, _old: short_token()},
)
backup.owned(
    Ballot,
    lambda event_id: select(Ballot).where(Ballot.event_id == event_id),
    renew={"token": lambda _session, _old: short_token()},
)
backup.owned(Vote, _of_exhibits(Vote))
backup.owned(Visit, _of_exhibits(Visit))
backup.owned(Scan, _of_exhibits(Scan))
