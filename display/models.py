"""The big screens of an event and the mode the organiser put each in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import backup, live
from core.models import Event
from core.models.base import Base, TextEnum, UTCDateTime, enum_column, utcnow


class ScreenMode(TextEnum):
    """What a screen shows; ``display.modes`` says how each is labelled and fed."""

    LEADERBOARD = "leaderboard"
    PITCHING = "pitching"
    PEOPLES_CHOICE = "peoples_choice"
    EXHIBIT_WALL = "exhibit_wall"
    REVEAL = "reveal"
    ANNOUNCEMENT = "announcement"
    CLOCK = "clock"
    BLANK = "blank"


class Screen(Base):
    """A named big screen and the mode the organiser has put it in.

    ``key`` is its address (``/display/<event>/<key>``), chosen once from its first name: a
    screen renamed while it is open keeps its address. ``payload`` holds the settings of its
    modes (see ``display.screens``).
    """

    __tablename__ = "screen"
    __table_args__ = (UniqueConstraint("event_id", "name"), UniqueConstraint("key", "event_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64))
    mode: Mapped[ScreenMode] = mapped_column(
        enum_column(ScreenMode), default=ScreenMode.LEADERBOARD
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()


live.watch(Screen.event_id)
backup.owned(Screen, lambda event_id: select(Screen).where(Screen.event_id == event_id))
