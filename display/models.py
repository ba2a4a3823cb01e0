"""The big screens of an event and the mode the organiser put each in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
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


class Reveal(Base):
    """The ceremony reveal (công bố kết quả) of an event, or its rehearsal (tập dượt).

    ``steps`` are all the steps, computed when the reveal starts (see ``display.reveal``);
    ``shown`` says how many of them the screens have received. Only the first ``shown`` ever
    leave the server for a screen. A rehearsal is a separate row, on sample data, shown on one
    named screen (``screen``); it never touches the real one.
    """

    __tablename__ = "reveal"
    __table_args__ = (UniqueConstraint("event_id", "rehearsal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    rehearsal: Mapped[bool] = mapped_column(Boolean, default=False)
    screen: Mapped[str] = mapped_column(String(64), default="")
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    shown: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by: Mapped[str] = mapped_column(String(64))


class RunSheetStep(Base):
    """One step of the ceremony run-sheet (kịch bản chương trình), in ``position`` order.

    ``screens`` maps a screen's id (as text) to the mode the step puts it in; a screen not named
    stays as it is. ``reveal`` says that reaching this step shows the next step of the reveal.
    """

    __tablename__ = "run_sheet_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    lines: Mapped[str] = mapped_column(Text, default="")
    screens: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    reveal: Mapped[bool] = mapped_column(Boolean, default=False)
    award: Mapped[str] = mapped_column(String(200), default="")
    presenter: Mapped[str] = mapped_column(String(200), default="")
    certificate: Mapped[str] = mapped_column(String(500), default="")
    music: Mapped[str] = mapped_column(String(200), default="")


class Ceremony(Base):
    """Where the run-sheet of an event stands: the current step (None before the first), and
    whether it is a rehearsal (the MC tablet follows, the screens do not)."""

    __tablename__ = "ceremony"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("run_sheet_step.id", ondelete="SET NULL")
    )
    rehearsal: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


live.watch(Screen.event_id)
live.watch(Reveal.event_id)
live.watch(RunSheetStep.event_id)
live.watch(Ceremony.event_id)
backup.owned(Screen, lambda event_id: select(Screen).where(Screen.event_id == event_id))
backup.owned(Reveal, lambda event_id: select(Reveal).where(Reveal.event_id == event_id))
backup.owned(
    RunSheetStep,
    lambda event_id: select(RunSheetStep).where(RunSheetStep.event_id == event_id),
    keyed_by={"screens": Screen.__tablename__},
)
backup.owned(Ceremony, lambda event_id: select(Ceremony).where(Ceremony.event_id == event_id))
