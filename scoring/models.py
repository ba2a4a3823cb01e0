"""The pitch contest: entries, the rubric, the judges and their score sheets."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import (
    JSON,
    BindParameter,
    Double,
    ForeignKey,
    Numeric,
    Select,
    String,
    Text,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import backup, live
from core.auth import hash_token, new_token
from core.models import Event, Round, Unit
from core.models.base import Base, TextEnum, UTCDateTime, enum_column, utcnow
from initiatives.models import Author, Initiative


class EntryStatus(TextEnum):
    SCHEDULED = "scheduled"
    PITCHING = "pitching"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class JuryRole(TextEnum):
    UNION = "union"
    PROFESSIONAL = "professional"
    EXPERT = "expert"
    MANAGER = "manager"


class SheetStatus(TextEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"


class Entry(Base):
    """An initiative in a round of the pitch contest (Hội thi thuyết trình)."""

    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("round_id", "initiative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"))
    running_order: Mapped[int] = mapped_column(default=1)
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus), default=EntryStatus.SCHEDULED
    )
    # Why the entry was withdrawn (status WITHDRAWN), as the organiser wrote it.
    withdrawn_reason: Mapped[str] = mapped_column(String(300), default="")
    # None: every judge of the event scores it; otherwise only the panel's judges.
    panel_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel.id", ondelete="SET NULL"), index=True
    )

    # The jury's agreed score (điểm thống nhất), within the panel's lowest and highest total, and
    # why; when set it replaces the computed score under every method (scoring/results/).
    consensus_score: Mapped[float | None] = mapped_column(Double)
    consensus_reason: Mapped[str] = mapped_column(String(500), default="")

    round: Mapped[Round] = relationship()
    initiative: Mapped[Initiative] = relationship()
    panel: Mapped[Panel | None] = relationship()


class Panel(Base):
    """Tiểu ban: some judges of a round who score some of its entries, for partial coverage (an
    exhibit hall walked by several small panels). A round with no panels is scored by all."""

    __tablename__ = "panel"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=1)

    round: Mapped[Round] = relationship()
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="panel", cascade="all, delete-orphan"
    )


class PanelMember(Base):
    """A judge who sits on a panel; a judge may sit on several."""

    __tablename__ = "panel_member"

    panel_id: Mapped[int] = mapped_column(
        ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True
    )
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("judge.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    panel: Mapped[Panel] = relationship(back_populates="members")


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

    event: Mapped[Event] = relationship()

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


class Judge(Base):
    """Giám khảo. Logs in with a magic link whose token is stored only as a SHA-256 digest."""

    __tablename__ = "judge"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # Mã giám khảo, printed on the card ("GK07"): a tablet without a camera signs in with it and
    # the card's PIN; imports find the judge again by it.
    code: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[JuryRole] = mapped_column(enum_column(JuryRole))
    is_chair: Mapped[bool] = mapped_column(default=False)
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id"), info={"referrer": lazy_gettext("Giám khảo")}
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The card's short PIN, as a keyed digest; None until a card with a PIN is printed.
    pin_hash: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
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
    """Phiếu chấm điểm: one judge's scores for one entry. Its id is chosen by the tablet.

    ``total`` is the weighted total out of 100, computed when the sheet is saved (the rubric is
    locked once a score exists), or None while a criterion is unscored.
    """

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("judge_id", "entry_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SheetStatus] = mapped_column(enum_column(SheetStatus), default=SheetStatus.DRAFT)
    total: Mapped[float | None] = mapped_column(Double)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How the chair resolved this sheet's outlier flag (its total far from the panel's median).
    outlier_note: Mapped[str] = mapped_column(String(500), default="")

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
    # Indexed on its own as well: the standings read the scores of one criterion across sheets.
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id"), primary_key=True, index=True
    )
    value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    comment: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class Seal(Base):
    """The seal of a locked round: its canonical result file and the file's SHA-256.

    A round locked, reopened (with a reason) and locked again has two seals; the newest one whose
    ``reopened_at`` is None is in force. The minutes print the digest, each certificate names its
    seal, and ``/verify/<code>`` shows it, so that anyone can check a printed result against the
    file.
    """

    __tablename__ = "seal"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    # The canonical result file, byte for byte as hashed (UTF-8 JSON, sorted keys, no spaces).
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sealed_by: Mapped[str] = mapped_column(String(64))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by: Mapped[str] = mapped_column(String(64), default="")
    reopen_reason: Mapped[str] = mapped_column(String(500), default="")

    round: Mapped[Round] = relationship()


class Freeze(Base):
    """Standings frozen by the Ban Tổ chức before the ceremony (see ``scoring.freeze``).

    ``snapshot`` is the standings snapshot at the moment of the freeze, version included; while
    ``lifted_at`` is None every public reader of the standings gets it instead of the live one.
    An event frozen, lifted and frozen again has several rows; at most one is in force.
    """

    __tablename__ = "freeze"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    frozen_by: Mapped[str] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str] = mapped_column(String(64), default="")


COUNTED = frozenset({SheetStatus.SUBMITTED, SheetStatus.VERIFIED})

# In a read of score sheets: the sheet's judge is recused from its entry. Such a sheet never
# counts, even one submitted before the recusal was recorded; it is kept, and shown to the
# organiser as set aside.
RECUSED = exists().where(
    Recusal.judge_id == ScoreSheet.judge_id, Recusal.entry_id == ScoreSheet.entry_id
)


def _counted(sheet: ScoreSheet) -> bool:
    """Does the sheet count in the standings, now or before this change? A draft shows nowhere."""
    return bool(live.before_and_after(sheet, "status") & COUNTED)


def _events_of_judges(ids: BindParameter[Any]) -> Select[tuple[int]]:
    return select(Judge.event_id).where(Judge.id.in_(ids))


def _events_of_entries(column: Any, ids: BindParameter[Any]) -> Select[tuple[int]]:
    return (
        select(Round.event_id)
        .join(Entry, Entry.round_id == Round.id)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .where(column.in_(ids))
    )


live.watch(Entry.round_id, lambda ids: select(Round.event_id).where(Round.id.in_(ids)))
live.watch(Criterion.event_id)
# A seal changes what the screens may show ("Dự kiến" or sealed) and what phones verify.
live.watch(Seal.round_id, lambda ids: select(Round.event_id).where(Round.id.in_(ids)))
# A panel changes how many sheets each of its entries expects.
live.watch(Panel.round_id, lambda ids: select(Round.event_id).where(Round.id.in_(ids)))
live.watch(
    PanelMember.panel_id,
    lambda ids: (
        select(Round.event_id).join(Panel, Panel.round_id == Round.id).where(Panel.id.in_(ids))
    ),
)
live.watch(Judge.event_id)
# A freeze replaces the public standings with its snapshot; lifting it brings them back.
live.watch(Freeze.event_id)
live.watch(Recusal.judge_id, _events_of_judges)
live.watch(ScoreSheet.judge_id, _events_of_judges, when=_counted)
live.watch(
    Score.sheet_id,
    lambda ids: select(Judge.event_id).join(ScoreSheet).where(ScoreSheet.id.in_(ids)),
    when=lambda score: score.sheet is not None and _counted(score.sheet),
)
# Titles, units and authors of the entries appear on the screens.
live.watch(Initiative.id, lambda ids: _events_of_entries(Initiative.id, ids))
live.watch(Author.initiative_id, lambda ids: _events_of_entries(Initiative.id, ids))
live.watch(Unit.id, lambda ids: _events_of_entries(Initiative.unit_id, ids))


def _of_rounds(model: Any) -> Any:
    return lambda event_id: (
        select(model).join(Round, Round.id == model.round_id).where(Round.event_id == event_id)
    )


def _of_judges(model: Any) -> Any:
    return lambda event_id: (
        select(model).join(Judge, Judge.id == model.judge_id).where(Judge.event_id == event_id)
    )


backup.owned(Criterion, lambda event_id: select(Criterion).where(Criterion.event_id == event_id))
# A judge's card (token and PIN digests) goes with the backup, so that the cards in the judges'
# hands still open their sheets after a restore; one whose token this instance already uses (the
# same file restored twice) gets a new card, which the restore says to print.
backup.owned(
    Judge,
    lambda event_id: select(Judge).where(Judge.event_id == event_id),
    renew={"token_hash": lambda _session, _old: hash_token(new_token())},
)
backup.owned(Panel, _of_rounds(Panel))
backup.owned(Freeze, lambda event_id: select(Freeze).where(Freeze.event_id == event_id))
backup.owned(Seal, _of_rounds(Seal))
backup.owned(PanelMember, _of_judges(PanelMember))
backup.owned(Entry, _of_rounds(Entry))
backup.owned(Recusal, _of_judges(Recusal))
backup.owned(ScoreSheet, _of_judges(ScoreSheet))
backup.owned(
    Score,
    lambda event_id: (
        select(Score)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .join(Judge, Judge.id == ScoreSheet.judge_id)
        .where(Judge.event_id == event_id)
    ),
)


class CertificateTier(TextEnum):
    """Who grants a Giấy chứng nhận Lao động sáng tạo."""

    CONFEDERATION = "confederation"  # Tổng Liên đoàn Lao động Việt Nam
    UNION = "union"  # Công đoàn Điện lực Việt Nam


class Paperwork(Base):
    """What the event's minutes and certificates print beyond the results: the place in the date
    line, the jury's secretary, each tier's signer, the unit's logo, and whether a team gets one
    certificate or each author one."""

    __tablename__ = "paperwork"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    # "Hà Nội" in "Hà Nội, ngày 05 tháng 01 năm 2026"; empty: the city at the end of the venue.
    place: Mapped[str] = mapped_column(String(100), default="")
    secretary: Mapped[str] = mapped_column(String(200), default="")
    confederation_title: Mapped[str] = mapped_column(String(200), default="")
    confederation_signer: Mapped[str] = mapped_column(String(200), default="")
    union_title: Mapped[str] = mapped_column(String(200), default="")
    union_signer: Mapped[str] = mapped_column(String(200), default="")
    per_author: Mapped[bool] = mapped_column(default=False)
    # The logo as a base64 PNG, checked and resized on upload: small, and carried by backups.
    logo: Mapped[str] = mapped_column(Text, default="")


class Certificate(Base):
    """A Giấy chứng nhận as issued: to whom, for which initiative and prize, under which seal.

    ``code`` is printed with a QR code of ``/verify/<code>``: random, so that it cannot be
    guessed from another. Issuing the batch again keeps the codes of certificates that still
    stand and revokes those that do not (a prize changed after a reopening).
    """

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id"), info={"referrer": lazy_gettext("Giấy chứng nhận")}
    )
    recipient: Mapped[str] = mapped_column(String(1000))
    prize: Mapped[str] = mapped_column(String(20))
    tier: Mapped[CertificateTier] = mapped_column(enum_column(CertificateTier))
    seal_id: Mapped[int | None] = mapped_column(ForeignKey("seal.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    initiative: Mapped[Initiative] = relationship()
    seal: Mapped[Seal | None] = relationship()


live.ignore(Paperwork, "printed on the minutes and certificates; no screen shows it")
live.ignore(Certificate, "checked one at a time on /verify; no screen shows the list")
backup.owned(Paperwork, lambda event_id: select(Paperwork).where(Paperwork.event_id == event_id))
# A restored copy on the instance that still holds the original gets new codes: the printed ones
# stay the original's.
backup.owned(
    Certificate,
    lambda event_id: select(Certificate).where(Certificate.event_id == event_id),
    renew={"code": lambda _session, _old: new_certificate_code()},
)

# Verification codes: no 0/O, 1/I/L or U/V, so that a code read off paper is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
CODE_LENGTH = 10


def new_certificate_code() -> str:
    """Ten letters of :data:`CODE_ALPHABET`: about 48 bits, beyond guessing at any rate limit."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
