"""Choosing how the event's results are computed (``Event.aggregation``, see scoring/results/).

Before the results are locked the organiser may change the method freely; each change is
audited. Once they are locked or published the standings already stand for the jury's decision:
a change then needs a reason, which the audit log keeps beside the methods before and after.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import audit
from core.errors import Invalid
from core.i18n import nfc
from core.models import Aggregation, Event, EventStatus

MAX_REASON = 500  # AuditLog.reason
SETTLED = frozenset({EventStatus.LOCKED, EventStatus.PUBLISHED})


def needs_reason(event: Event) -> bool:
    return event.status in SETTLED


def choose_method(session: Session, event: Event, method: str, reason: str, actor: str) -> bool:
    """Put ``method`` in force; False when it already was. Raises Invalid for an unknown method
    and, once the results are locked, for a missing or overlong reason."""
    try:
        chosen = Aggregation(method)
    except ValueError:
        raise Invalid("invalid_method", _("Cách tính điểm này không tồn tại.")) from None
    reason = nfc(reason).strip()
    if len(reason) > MAX_REASON:
        raise Invalid("invalid_reason", _("Lý do dài quá %(limit)s ký tự.", limit=MAX_REASON))
    if chosen == event.aggregation:
        return False
    if needs_reason(event) and not reason:
        message = _("Kết quả đã khóa: hãy ghi lý do đổi cách tính điểm.")
        raise Invalid("reason_required", message)
    audit.record(
        session,
        actor,
        "event.method_changed",
        f"event:{event.id}",
        event_id=event.id,
        before={"aggregation": event.aggregation.value, "status": event.status.value},
        after={"aggregation": chosen.value},
        reason=reason,
    )
    event.aggregation = chosen
    session.flush()
    return True
