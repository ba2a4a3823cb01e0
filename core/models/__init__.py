"""The spine of the data model; each package keeps its own models (``scoring/models.py``, ...)."""

from core.models.audit import AuditLog
from core.models.base import Base, utcnow
from core.models.event import (
    Aggregation,
    Event,
    EventMember,
    EventRole,
    EventStatus,
    Round,
    RoundKind,
    RoundStatus,
)
from core.models.job import Job, JobStatus
from core.models.organisation import Organiser, Unit

__all__ = [
    "Aggregation",
    "AuditLog",
    "Base",
    "Event",
    "EventMember",
    "EventRole",
    "EventStatus",
    "Job",
    "JobStatus",
    "Organiser",
    "Round",
    "RoundKind",
    "RoundStatus",
    "Unit",
    "utcnow",
]
