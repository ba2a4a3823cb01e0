"""The initiative (Sáng kiến) as a standardized record.

An :class:`Initiative` outlives the event: the initiative library (Thư viện sáng kiến) is made of
them. At an event it may be shown at a booth (``kiosk.models.Exhibit``) and pitched to the jury
(``scoring.models.Entry``), or both.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import BigInteger, ForeignKey, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import backup, live
from core.models import Organiser, Unit
from core.models.base import Base, TextEnum, UTCDateTime, enum_column, utcnow


class SolutionType(TextEnum):
    """Loại giải pháp (Nghị định 13/2012/NĐ-CP)."""

    TECHNICAL = "technical"
    MANAGEMENT = "management"
    OPERATIONAL = "operational"
    TECHNOLOGY_APPLICATION = "technology_application"


class Scope(TextEnum):
    """Phạm vi nhân rộng: how far the initiative has spread or can spread."""

    UNIT = "unit"
    COMPANY = "company"
    CORPORATION = "corporation"
    GROUP = "group"
    OUTSIDE = "outside"


class RecognitionLevel(TextEnum):
    """Cấp công nhận."""

    BASE = "base"
    CORPORATION = "corporation"
    GROUP = "group"
    PROVINCE = "province"
    NATIONAL = "national"


class AttachmentKind(TextEnum):
    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"


class Initiative(Base):
    """A Sáng kiến, with the fields of the form in Thông tư 18/2013/TT-BKHCN."""

    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Mã sáng kiến: the stable code a unit gives the initiative; imports find it again by it.
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    # The id a roll-up file gave it on the instance it came from ("<signer key>:<id there>"):
    # importing the same file again finds it by this and changes nothing (initiatives.rollup).
    global_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id"), index=True, info={"referrer": lazy_gettext("Sáng kiến")}
    )
    investor: Mapped[str] = mapped_column(String(300), default="")
    field: Mapped[str] = mapped_column(String(200), default="")
    theme: Mapped[str] = mapped_column(String(200), default="")
    solution_type: Mapped[SolutionType] = mapped_column(
        enum_column(SolutionType), default=SolutionType.TECHNICAL
    )
    first_applied_on: Mapped[date | None]
    prior_state: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    applicability: Mapped[str] = mapped_column(Text, default="")
    effects: Mapped[str] = mapped_column(Text, default="")
    # Giá trị làm lợi dự kiến: the benefit declared on registration or import, projected.
    # None means "chưa lượng hóa được bằng tiền", which is not the same as 0.
    benefit_vnd: Mapped[int | None] = mapped_column(BigInteger)
    # Giá trị làm lợi thực tế: measured once applied; the library counts it before the projection.
    benefit_actual_vnd: Mapped[int | None] = mapped_column(BigInteger)
    non_monetary_benefits: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[Scope] = mapped_column(enum_column(Scope), default=Scope.UNIT)
    recognition_level: Mapped[RecognitionLevel | None] = mapped_column(
        enum_column(RecognitionLevel)
    )
    decision_number: Mapped[str] = mapped_column(String(100), default="")
    decision_date: Mapped[date | None]
    # Never shown on a public page.
    confidential: Mapped[str] = mapped_column(Text, default="")
    # What the library's search reads, kept by ``initiatives.search`` on every flush: the folded
    # words of the title, a "|", then those of the code, summary, sections and authors.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The title's Vietnamese collation key, in ASCII, so that the database sorts by it.
    title_key: Mapped[str] = mapped_column(Text, default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship()
    authors: Mapped[list[Author]] = relationship(
        back_populates="initiative", order_by="Author.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan"
    )


class Author(Base):
    """Tác giả / Đồng tác giả; the first by position is the main author. Shares add up to 100."""

    __tablename__ = "author"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    full_name: Mapped[str] = mapped_column(String(200))
    # Mã nhân viên: who the person is across initiatives, for the share of staff who are authors;
    # None: not known, and the person is told apart by name and birth date instead.
    employee_code: Mapped[str | None] = mapped_column(String(40))
    birth_date: Mapped[date | None]
    workplace: Mapped[str] = mapped_column(String(300), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    qualification: Mapped[str] = mapped_column(String(200), default="")
    contribution_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(100))

    initiative: Mapped[Initiative] = relationship(back_populates="authors")


def attachments_folder() -> Path:
    """Where the attachments' files live (``instance/attachments``): ``Attachment.path`` is
    relative to it."""
    return Path(current_app.instance_path) / "attachments"


class Attachment(Base):
    """A photo, video or document kept with an initiative; its file is ``path`` under
    :func:`attachments_folder`."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind))
    path: Mapped[str] = mapped_column(String(500))
    caption: Mapped[str] = mapped_column(String(500), default="")

    initiative: Mapped[Initiative] = relationship(back_populates="attachments")


class EventInitiative(Base):
    """An initiative on an event's list: imported for it, registered at its kiosk or taken from
    the library. The event's entries and exhibits are drawn from this list."""

    __tablename__ = "event_initiative"
    __table_args__ = (UniqueConstraint("event_id", "initiative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship()


# An initiative outlives its events: a backup carries those its event refers to, and a restore
# finds them again by their code (Mã sáng kiến), else creates them with their authors and files.
backup.shared(Initiative, "code")
backup.follows(Author, "initiative_id")
backup.follows(Attachment, "initiative_id", file="path", folder=attachments_folder)
backup.owned(
    EventInitiative,
    lambda event_id: select(EventInitiative).where(EventInitiative.event_id == event_id),
)

live.ignore(
    EventInitiative,
    "the list is the organisers' to draw entries and exhibits from; screens show those",
)


class TermKind(TextEnum):
    THEME = "theme"  # Chuyên đề
    FIELD = "field"  # Lĩnh vực áp dụng


class Term(Base):
    """A name in one of the editable lists an initiative's theme or field is chosen from.

    ``Initiative.theme`` and ``Initiative.field`` keep the name itself, not a key: a name taken
    off the list stays on the initiatives that have it, and imports check names against the list.
    """

    __tablename__ = "term"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TermKind] = mapped_column(enum_column(TermKind))
    name: Mapped[str] = mapped_column(String(200))
    # The order of the lists; gaps allowed, ties broken by id.
    position: Mapped[int] = mapped_column(default=0)


live.ignore(Term, "the lists are read by the organisers' forms; a screen shows initiatives' names")
# The lists are carried whole; a restore adds the names this instance lacks.
backup.shared(Term, "kind", "name", every=True)


class SimilarityKind(TextEnum):
    """What an earlier, similar initiative means for a new one (Nghị định 13/2012, Điều 3: an
    initiative must be new within its own unit)."""

    NOVELTY = "novelty"  # the same unit: is it new at all? The organisers decide.
    REPLICATION = "replication"  # another unit: nhân rộng, credit to the original


class SimilarityDecision(TextEnum):
    DISTINCT = "distinct"  # khác biệt: new after all
    DUPLICATE = "duplicate"  # trùng lặp


class Similarity(Base):
    """An earlier initiative (``other``) found close to ``initiative`` by the novelty check,
    with its score (0 to 1) and, for a novelty problem, the organisers' decision."""

    __tablename__ = "similarity"
    __table_args__ = (UniqueConstraint("initiative_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    kind: Mapped[SimilarityKind] = mapped_column(enum_column(SimilarityKind))
    # None: not decided yet (a replication needs no decision).
    decision: Mapped[SimilarityDecision | None] = mapped_column(enum_column(SimilarityDecision))
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship(foreign_keys=[initiative_id])
    other: Mapped[Initiative] = relationship(foreign_keys=[other_id])


live.ignore(Similarity, "the novelty check's findings, read on the library's pages only")
backup.exclude(
    Similarity,
    "findings across the whole library, not an event's; the instance restored into checks anew",
)


class ProgrammeTarget(Base):
    """Chỉ tiêu of the 10.000 programme (Chỉ thị liên tịch 155/CTLT-EVN-CĐ): for the whole
    programme (``unit_id`` None, a single row) or one unit's own (EVNNPT: 200 a year, 800 by
    2028). Every number is optional: an empty one is no target, which is not 0."""

    __tablename__ = "programme_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id"), unique=True, info={"referrer": lazy_gettext("Chỉ tiêu chương trình")}
    )
    per_year: Mapped[int | None]
    cumulative: Mapped[int | None]
    # The share of staff (%) who are authors or co-authors over the programme's years.
    author_share_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    first_year: Mapped[int] = mapped_column(default=2025)
    last_year: Mapped[int] = mapped_column(default=2028)

    unit: Mapped[Unit | None] = relationship()


live.ignore(ProgrammeTarget, "targets are read by the programme page, which no screen shows")
backup.exclude(ProgrammeTarget, "targets belong to the instance's programme, not to an event")


class RollupSigner(Base):
    """A unit's instance whose roll-up files this instance accepts: its Ed25519 public key, as
    the unit's administrator read it from their own roll-up page, registered by an
    administrator here (initiatives.rollup)."""

    __tablename__ = "rollup_signer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The raw 32-byte key in hexadecimal.
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id"), info={"referrer": lazy_gettext("Khóa ký của đơn vị")}
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()


live.ignore(RollupSigner, "the keys are read by the roll-up import alone")
backup.exclude(RollupSigner, "the keys trusted belong to the instance, not to an event")


class DossierState(TextEnum):
    """Where a dossier (hồ sơ công nhận sáng kiến) stands on its way to recognition."""

    DRAFT = "draft"  # nháp: the worker is still writing it
    SUBMITTED = "submitted"  # đã nộp: waiting for the unit's support team
    SUPPORTING = "supporting"  # đang hỗ trợ: a support team member works on it with the worker
    COMPLETE = "complete"  # đủ hồ sơ: every condition of recognition is proved
    RECOGNISED = "recognised"  # đã công nhận: a decision recognised it
    RETURNED = "returned"  # trả lại: sent back to the worker, with a reason


LINK_ORIGIN = "link"
KIOSK_ORIGIN = "kiosk"


class Dossier(Base):
    """The way of one initiative to recognition (Nghị định 13/2012, Điều 3), followed by its
    worker from a personal link and by the support team (Tổ hỗ trợ sáng kiến) of its unit.

    The personal link's token is stored as a SHA-256 digest, like the judges' tokens: a leaked
    database opens no dossier. A worker's dossiers share one digest, so that one link lists them
    all (a dossier started from the link takes the link's digest)."""

    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[DossierState] = mapped_column(
        enum_column(DossierState), default=DossierState.DRAFT, index=True
    )
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL"), index=True
    )
    link_digest: Mapped[str] = mapped_column(String(64), index=True)
    # What the support team told the worker when it last returned the dossier; the worker reads it.
    returned_reason: Mapped[str] = mapped_column(Text, default="")
    # Where it was started: LINK_ORIGIN (the public page or the personal link) or KIOSK_ORIGIN.
    origin: Mapped[str] = mapped_column(String(20), default=LINK_ORIGIN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when it has been in its state: how long it has waited there.
    state_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship()
    assignee: Mapped[Organiser | None] = relationship()


class DossierStep(Base):
    """One move of a dossier from a state to another: its history, from which the time spent in
    each state is read (one query)."""

    __tablename__ = "dossier_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    # None: the dossier's start.
    from_state: Mapped[DossierState | None] = mapped_column(enum_column(DossierState))
    to_state: Mapped[DossierState] = mapped_column(enum_column(DossierState))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # As the audit log names them: ``organiser:7``, ``worker``, ``kiosk``.
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")


class DossierComment(Base):
    """A note of the support team on a dossier: private to the team, never shown to the worker."""

    __tablename__ = "dossier_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organiser: Mapped[Organiser | None] = relationship()


class SupportMember(Base):
    """A member of a unit's Tổ hỗ trợ sáng kiến: an organiser account who sees and handles the
    dossiers of that unit and of its sub-units."""

    __tablename__ = "support_member"
    __table_args__ = (UniqueConstraint("unit_id", "organiser_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id"), index=True, info={"referrer": lazy_gettext("Tổ hỗ trợ sáng kiến")}
    )
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    organiser: Mapped[Organiser] = relationship()


_DOSSIERS = "the recognition workflow, read on the support team's and the worker's pages only"
live.ignore(Dossier, _DOSSIERS)
live.ignore(DossierStep, _DOSSIERS)
live.ignore(DossierComment, _DOSSIERS)
live.ignore(SupportMember, "the support teams are read by the dossiers' pages only")
_NOT_EVENTS = (
    "a dossier is its unit's way to recognition, not an event's; the whole database's backup "
    "(sangtao backup) keeps it, and the record it leads to travels with the initiative"
)
backup.exclude(Dossier, _NOT_EVENTS)
backup.exclude(DossierStep, _NOT_EVENTS)
backup.exclude(DossierComment, _NOT_EVENTS)
backup.exclude(SupportMember, "the support teams belong to the instance's units, not to an event")


class LibraryReaders(TextEnum):
    """Who may read the initiative library (search, records, exports)."""

    EVERYONE = "everyone"  # whoever reaches this server: it is on the organisation's LAN
    ORGANISERS = "organisers"  # the Ban Tổ chức's accounts only


class LibrarySettings(Base):
    """The library's settings, one row (none until an administrator first changes them: then the
    defaults hold), chosen on ``/library/access`` (initiatives.access)."""

    __tablename__ = "library_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    readers: Mapped[LibraryReaders] = mapped_column(
        enum_column(LibraryReaders), default=LibraryReaders.EVERYONE
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


live.ignore(LibrarySettings, "who may read the library is checked per request; no screen shows it")
backup.exclude(LibrarySettings, "the library's settings belong to the instance, not to an event")
