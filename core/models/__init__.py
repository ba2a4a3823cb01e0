"""The data model of DESIGN.md, one module per part of the day."""

from core.models.base import Base, utcnow
from core.models.event import (
    Aggregation,
    Event,
    EventStatus,
    Round,
    RoundStatus,
    Screen,
    ScreenMode,
)
from core.models.initiative import (
    Attachment,
    AttachmentKind,
    Author,
    Entry,
    EntryStatus,
    Exhibit,
    Initiative,
    RecognitionLevel,
    Scope,
    SolutionType,
)
from core.models.organisation import Organiser, Unit
from core.models.scoring import (
    AuditLog,
    Criterion,
    Judge,
    JuryRole,
    Recusal,
    Score,
    ScoreSheet,
    SheetStatus,
)
from core.models.voting import Ballot, BallotChannel, Visit, Vote

__all__ = [
    "Aggregation",
    "Attachment",
    "AttachmentKind",
    "AuditLog",
    "Author",
    "Ballot",
    "BallotChannel",
    "Base",
    "Criterion",
    "Entry",
    "EntryStatus",
    "Event",
    "EventStatus",
    "Exhibit",
    "Initiative",
    "Judge",
    "JuryRole",
    "Organiser",
    "RecognitionLevel",
    "Recusal",
    "Round",
    "RoundStatus",
    "Scope",
    "Score",
    "ScoreSheet",
    "Screen",
    "ScreenMode",
    "SheetStatus",
    "SolutionType",
    "Unit",
    "Visit",
    "Vote",
    "utcnow",
]
