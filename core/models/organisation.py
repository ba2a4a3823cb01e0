"""Who runs the day: the EVN unit tree and the organisers who log in."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, UTCDateTime, utcnow


class Unit(Base):
    """An EVN unit (Đơn vị): corporation, company, Điện lực, team. Names change with mergers."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # "referrer": what the rows that refer to a unit are called, when the unit cannot be deleted
    # (core.admin.references); every column referring to a unit says it.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id"), index=True, info={"referrer": lazy_gettext("Đơn vị trực thuộc")}
    )
    # Số CBCNV, for the target of 10% of staff as authors; None: not known, which is not 0.
    staff_count: Mapped[int | None]

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class Organiser(UserMixin, Base):  # type: ignore[misc]  # flask-login ships no types
    """A member of the Ban Tổ chức. What they may do is given per event (``EventMember``);
    a site administrator may do anything, including creating events and organisers."""

    __tablename__ = "organiser"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Made and checked by core.auth, whose hash method the app configures.
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Set by an administrator (a new account, a reset): its owner must choose their own password
    # before any other organiser page opens.
    password_temporary: Mapped[bool] = mapped_column(default=False)
    # Moved on by a logout or a new password (core.auth.end_sessions): every session and
    # "remember me" cookie issued before names an older one and stops working.
    session_generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie (its "alternative
        token"): the account and its session generation."""
        return f"{self.id}:{self.session_generation}"
