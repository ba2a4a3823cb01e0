"""Who is expected to score what: the one rule every count, list and refusal follows.

By default every judge of the event scores every entry. A round may have panels (Tiểu ban) for
partial coverage: an entry given to a panel is scored by that panel's members only. A judge is
expected to score an entry when the judge is active, is not recused from it, the entry is still in
the contest (not withdrawn), and the entry has no panel or the judge sits on it.

The rule is written as SQL clauses over ``Judge`` and ``Entry`` (both in the query's FROM), so
that progress, standings and the dashboard count with it in the database rather than per cell.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from core.models import Round, RoundKind
from scoring.models import Entry, EntryStatus, Judge, PanelMember, Recusal

# The entry is scored by everyone, or by a panel the judge sits on.
COVERED = or_(
    Entry.panel_id.is_(None),
    exists().where(PanelMember.panel_id == Entry.panel_id, PanelMember.judge_id == Judge.id),
)

# The judge is recused from the entry.
RECUSED_FROM = exists().where(Recusal.judge_id == Judge.id, Recusal.entry_id == Entry.id)

# The judge, whether active or not, has the entry to score: it is the judge's to score but for
# the judge being stopped. The progress page counts a stopped judge's work with it.
TO_SCORE: ColumnElement[bool] = and_(Entry.status != EntryStatus.WITHDRAWN, ~RECUSED_FROM, COVERED)

# The judge is expected to score the entry: the rule of this module.
EXPECTED: ColumnElement[bool] = and_(Judge.active.is_(True), TO_SCORE)


def pairs(event_id: int | BindParameter[int]) -> Select[tuple[int, int]]:
    """Every (judge id, entry id) of the event's contest rounds, in a FROM where the clauses
    above apply; add one of them to keep the pairs it allows. A calibration round's sample
    pitch is nobody's work to count (scoring/calibration.py)."""
    return (
        select(Judge.id.label("judge_id"), Entry.id.label("entry_id"))
        .join(Round, Round.event_id == Judge.event_id)
        .join(Entry, Entry.round_id == Round.id)
        .where(Judge.event_id == event_id, Round.kind == RoundKind.CONTEST)
    )


def covers(session: Session, judge_id: int, entry: Entry) -> bool:
    """Does the entry's panel (if any) include the judge? Recusal and withdrawal are checked
    on their own by the writes, each with its own message."""
    if entry.panel_id is None:
        return True
    member = session.get(PanelMember, (entry.panel_id, judge_id))
    return member is not None
