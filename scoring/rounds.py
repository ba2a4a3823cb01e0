"""Rounds of the pitch contest (Vòng sơ khảo, Vòng chung khảo), their entries and running order.

Writes validate, change, audit and flush; the caller commits. Each write first takes the event's
row (``_open_event``), so that two organisers reordering the same round run one after the other,
and refuses once the event's results are locked or published, or the round is locked: the rounds
that were judged are then part of the record. What the screens show follows by itself
(``core.live`` watches ``Entry.round_id``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Invalid
from core.i18n import fold, nfc, sort_key
from core.models import Event, Round, RoundKind, RoundStatus, Unit
from core.service import SEALED
from initiatives.models import EventInitiative, Initiative
from scoring.models import Entry, EntryStatus, Judge, ScoreSheet
from scoring.service import recuse

MAX_ROUND_NAME = 200  # Round.name's column
MAX_WITHDRAWN_REASON = 300  # Entry.withdrawn_reason's column
# The names a new round is offered, in the order a contest runs them; stored as data, like the
# first round that every new event gets (scoring.setup.FINAL_ROUND).
ROUND_NAMES = ("Vòng sơ khảo", "Vòng chung khảo")


# --- Reads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSummary:
    """A round on the rounds' page: how many entries it has, how many withdrawn, how many sheets
    its judges have sent (a round with sheets cannot be deleted)."""

    round: Round
    entries: int
    withdrawn: int
    sheets: int


@dataclass(frozen=True)
class EntryRow:
    """An entry in its round's running order, with what the organiser recognises it by."""

    entry: Entry
    title: str
    code: str
    unit: str
    sheets: int


@dataclass(frozen=True)
class Candidate:
    """An initiative of the event's list that the round does not have yet; ``search`` is what the
    search box compares, folded (``core.i18n.fold``)."""

    initiative_id: int
    title: str
    code: str
    unit: str

    @property
    def search(self) -> str:
        return fold(" ".join((self.title, self.code, self.unit)))


def event_rounds(session: Session, event: Event) -> list[RoundSummary]:
    """The event's rounds in their order, each with its counts."""
    rounds = session.scalars(
        select(Round).where(Round.event_id == event.id).order_by(Round.position)
    ).all()
    counts = {
        round_id: (entries, withdrawn or 0)
        for round_id, entries, withdrawn in session.execute(
            select(
                Entry.round_id,
                func.count(),
                func.sum(case((Entry.status == EntryStatus.WITHDRAWN, 1), else_=0)),
            )
            .join(Round, Round.id == Entry.round_id)
            .where(Round.event_id == event.id)
            .group_by(Entry.round_id)
        ).tuples()
    }
    sheets = dict(
        session.execute(
            select(Entry.round_id, func.count())
            .join(ScoreSheet, ScoreSheet.entry_id == Entry.id)
            .join(Round, Round.id == Entry.round_id)
            .where(Round.event_id == event.id)
            .group_by(Entry.round_id)
        )
        .tuples()
        .all()
    )
    return [RoundSummary(row, *counts.get(row.id, (0, 0)), sheets.get(row.id, 0)) for row in rounds]


def round_entries(session: Session, round_: Round) -> list[EntryRow]:
    """The round's entries in running order, withdrawn ones included (the page greys them)."""
    sheets = dict(
        session.execute(
            select(ScoreSheet.entry_id, func.count())
            .join(Entry, Entry.id == ScoreSheet.entry_id)
            .where(Entry.round_id == round_.id)
            .group_by(ScoreSheet.entry_id)
        )
        .tuples()
        .all()
    )
    rows = session.execute(
        select(Entry, Initiative.title, Initiative.code, Unit.name)
        .join(Initiative, Initiative.id == Entry.initiative_id)
        .outerjoin(Unit, Unit.id == Initiative.unit_id)
        .where(Entry.round_id == round_.id)
        .order_by(Entry.running_order, Entry.id)
    ).tuples()
    return [
        EntryRow(entry, title, code or "", unit or "", sheets.get(entry.id, 0))
        for entry, title, code, unit in rows
    ]


def candidates(session: Session, round_: Round, query: str = "") -> list[Candidate]:
    """The initiatives of the event's list not yet in the round, by title in Vietnamese order;
    with ``query``, those whose title, code or unit contain it, accents and case aside."""
    in_round = select(Entry.initiative_id).where(Entry.round_id == round_.id)
    rows = session.execute(
        select(Initiative.id, Initiative.title, Initiative.code, Unit.name)
        .join(EventInitiative, EventInitiative.initiative_id == Initiative.id)
        .outerjoin(Unit, Unit.id == Initiative.unit_id)
        .where(EventInitiative.event_id == round_.event_id, Initiative.id.not_in(in_round))
    ).tuples()
    found = [Candidate(id_, title, code or "", unit or "") for id_, title, code, unit in rows]
    wanted = fold(nfc(query).strip())
    return sorted(
        (candidate for candidate in found if wanted in candidate.search),
        key=lambda candidate: sort_key(candidate.title),
    )


def suggested_round_name(session: Session, event: Event) -> str:
    """The first usual name the event's rounds do not have yet, or nothing."""
    taken = {
        fold(name) for name in session.scalars(select(Round.name).where(Round.event_id == event.id))
    }
    return next((name for name in ROUND_NAMES if fold(name) not in taken), "")


# --- Rounds -------------------------------------------------------------------------------------


def _open_event(session: Session, event_id: int) -> Event:
    """The event, its row locked so that changes of its rounds run one after the other; refused
    once its results are locked or published."""
    event = session.scalar(select(Event).where(Event.id == event_id).with_for_update())
    assert event is not None  # events are never deleted while their page is open
    if event.status in SEALED:
        raise Conflict(
            "event_sealed",
            _("Kết quả của sự kiện đã khóa hoặc đã công bố: các vòng thi không thay đổi được nữa."),
        )
    return event


def _open_round(session: Session, round_: Round) -> Event:
    event = _open_event(session, round_.event_id)
    if round_.status == RoundStatus.LOCKED:
        raise Conflict("round_locked", _("Vòng thi đã khóa, không thể thay đổi."))
    return event


def read_round_name(session: Session, event: Event, text: str, round_id: int | None) -> str:
    """A round's name as typed, or ``Invalid``: empty, too long, or the name of another round of
    the event (accents and case aside)."""
    name = " ".join(nfc(text).split())
    if not name:
        raise Invalid("invalid_round_name", _("Hãy nhập tên vòng thi."))
    if len(name) > MAX_ROUND_NAME:
        raise Invalid(
            "invalid_round_name", _("Tên vòng thi dài quá %(limit)s ký tự.", limit=MAX_ROUND_NAME)
        )
    others = session.scalars(
        select(Round.name).where(Round.event_id == event.id, Round.id != round_id)
    )
    same = next((other for other in others if fold(other) == fold(name)), None)
    if same is not None:
        raise Invalid("round_name_taken", _("Sự kiện đã có vòng “%(name)s”.", name=same))
    return name


def add_round(
    session: Session, event: Event, name: str, actor: str, kind: RoundKind = RoundKind.CONTEST
) -> Round:
    """A new round, after the event's last one; a calibration round (Vòng hiệu chuẩn) is scored
    by every judge on a sample pitch and never counts (scoring/calibration.py)."""
    _open_event(session, event.id)
    name = read_round_name(session, event, name, None)
    last = session.scalar(select(func.max(Round.position)).where(Round.event_id == event.id))
    round_ = Round(event_id=event.id, name=name, position=(last or 0) + 1, kind=kind)
    session.add(round_)
    session.flush()
    audit.record(
        session,
        actor,
        "round.added",
        f"round:{round_.id}",
        event_id=event.id,
        after={"name": name, "position": round_.position, "kind": kind.value},
    )
    session.flush()
    return round_


def rename_round(session: Session, round_: Round, name: str, actor: str) -> None:
    event = _open_round(session, round_)
    name = read_round_name(session, event, name, round_.id)
    if name == round_.name:
        return
    audit.record(
        session,
        actor,
        "round.renamed",
        f"round:{round_.id}",
        event_id=event.id,
        before={"name": round_.name},
        after={"name": name},
    )
    round_.name = name
    session.flush()


def move_round(session: Session, round_: Round, step: int, actor: str) -> None:
    """Swap the round with the one before it (``step`` -1) or after it (+1); at either end,
    nothing moves. A locked round keeps its place."""
    event = _open_round(session, round_)
    order = list(
        session.scalars(select(Round).where(Round.event_id == event.id).order_by(Round.position))
    )
    index = order.index(round_)
    if not 0 <= index + step < len(order):
        return
    other = order[index + step]
    if other.status == RoundStatus.LOCKED:
        raise Conflict("round_locked", _("Vòng thi đã khóa, không thể thay đổi."))
    mine, theirs = round_.position, other.position
    # (event, position) is unique: park one round outside the positions while they swap.
    round_.position = -round_.id
    session.flush()
    other.position = mine
    session.flush()
    round_.position = theirs
    audit.record(
        session,
        actor,
        "round.moved",
        f"round:{round_.id}",
        event_id=event.id,
        before={"position": mine},
        after={"position": theirs},
    )
    session.flush()


def delete_round(session: Session, round_: Round, actor: str) -> None:
    """Delete a round with its entries, as long as no judge has a sheet for any of them: a sheet
    is part of the record."""
    event = _open_round(session, round_)
    sheets = session.scalar(
        select(func.count())
        .select_from(ScoreSheet)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .where(Entry.round_id == round_.id)
    )
    if sheets:
        raise Conflict(
            "round_has_sheets",
            _(
                "Vòng “%(name)s” đã có %(count)s phiếu chấm nên không xóa được. Nếu một bài "
                "không thi nữa, hãy cho bài đó rút khỏi hội thi.",
                name=round_.name,
                count=sheets,
            ),
        )
    entries = session.scalars(select(Entry).where(Entry.round_id == round_.id)).all()
    audit.record(
        session,
        actor,
        "round.deleted",
        f"round:{round_.id}",
        event_id=event.id,
        before={
            "name": round_.name,
            "position": round_.position,
            "initiatives": [entry.initiative_id for entry in entries],
        },
    )
    # One by one, so that the screens hear of it (core.live watches the entries' rounds).
    for entry in entries:
        session.delete(entry)
    session.flush()
    session.delete(round_)
    session.flush()


# --- Entries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddedEntries:
    """Entries just added, and how many recusals of judges from the authors' unit came with them."""

    entries: list[Entry]
    recused: int


def recuse_judges_of_own_unit(session: Session, entry: Entry, actor: str) -> int:
    """Recuse from a new entry every judge of the event from the unit of its initiative (the
    default reason: empty), as :func:`scoring.service.add_judge` does for a new judge and the
    entries of their unit. Returns how many were recused."""
    initiative = session.get(Initiative, entry.initiative_id)
    assert initiative is not None  # an entry goes with its initiative
    if initiative.unit_id is None:
        return 0
    judges = session.scalars(
        select(Judge)
        .where(Judge.event_id == entry.round.event_id, Judge.unit_id == initiative.unit_id)
        .order_by(Judge.id)
    ).all()
    for judge in judges:
        recuse(session, judge, entry.id, "", actor)
    return len(judges)


def add_entries(
    session: Session, round_: Round, initiative_ids: Sequence[int], actor: str
) -> AddedEntries:
    """Put initiatives of the event's list into the round, at the end of its running order, in
    the order given; judges from the authors' unit are recused from them at once."""
    event = _open_round(session, round_)
    wanted = list(dict.fromkeys(initiative_ids))
    if not wanted:
        raise Invalid("no_initiative", _("Hãy chọn ít nhất một sáng kiến."))
    allowed = {candidate.initiative_id for candidate in candidates(session, round_)}
    if not set(wanted) <= allowed:
        raise Conflict(
            "initiative_unavailable",
            _(
                "Một sáng kiến đã chọn không còn trong danh sách của sự kiện, hoặc đã có trong "
                "vòng này: hãy tải lại trang rồi chọn lại."
            ),
        )
    last = session.scalar(select(func.max(Entry.running_order)).where(Entry.round_id == round_.id))
    entries = [
        Entry(round=round_, initiative_id=initiative_id, running_order=(last or 0) + number)
        for number, initiative_id in enumerate(wanted, start=1)
    ]
    session.add_all(entries)
    session.flush()
    recused = 0
    for entry in entries:
        audit.record(
            session,
            actor,
            "entry.added",
            f"entry:{entry.id}",
            event_id=event.id,
            after={
                "round": round_.id,
                "initiative": entry.initiative_id,
                "running_order": entry.running_order,
            },
        )
        recused += recuse_judges_of_own_unit(session, entry, actor)
    session.flush()
    return AddedEntries(entries, recused)


def _running_order(session: Session, round_: Round) -> list[Entry]:
    return list(
        session.scalars(
            select(Entry).where(Entry.round_id == round_.id).order_by(Entry.running_order, Entry.id)
        )
    )


def reorder_entries(session: Session, round_: Round, ids: Sequence[int], actor: str) -> None:
    """Give the round's entries the running order 1..n in the order of ``ids``, which must name
    each of them exactly once: anything else means the page was drawn before someone else
    changed the round."""
    event = _open_round(session, round_)
    entries = _running_order(session, round_)
    by_id = {entry.id: entry for entry in entries}
    if len(ids) != len(by_id) or set(ids) != set(by_id):
        raise Conflict(
            "stale_order",
            _(
                "Vòng thi vừa được người khác thay đổi: hãy tải lại trang rồi sắp xếp lại thứ "
                "tự thuyết trình."
            ),
        )
    before = [entry.id for entry in entries]
    if list(ids) == before and all(e.running_order == n for n, e in enumerate(entries, 1)):
        return
    for number, entry_id in enumerate(ids, start=1):
        by_id[entry_id].running_order = number
    audit.record(
        session,
        actor,
        "round.reordered",
        f"round:{round_.id}",
        event_id=event.id,
        before={"entries": before},
        after={"entries": list(ids)},
    )
    session.flush()


def move_entry(session: Session, entry: Entry, step: int, actor: str) -> int:
    """Move the entry one place earlier (``step`` -1) or later (+1) in its round's running
    order; returns its place afterwards (1 for the first)."""
    ids = [row.id for row in _running_order(session, entry.round)]
    index = ids.index(entry.id)
    target = min(max(index + step, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    reorder_entries(session, entry.round, ids, actor)
    return target + 1


def _sheets_of(session: Session, entry: Entry) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(ScoreSheet).where(ScoreSheet.entry_id == entry.id)
        )
        or 0
    )


def remove_entry(session: Session, entry: Entry, actor: str) -> None:
    """Take an entry out of its round, with the recusals that went with it, as long as no judge
    has a sheet for it; the others close the gap in the running order."""
    round_ = entry.round
    event = _open_round(session, round_)
    if _sheets_of(session, entry):
        raise Conflict(
            "entry_has_sheets",
            _(
                "Bài này đã có phiếu chấm nên không bỏ ra khỏi vòng được. Nếu bài không thi "
                "nữa, hãy cho bài rút khỏi hội thi, kèm lý do."
            ),
        )
    audit.record(
        session,
        actor,
        "entry.removed",
        f"entry:{entry.id}",
        event_id=event.id,
        before={
            "round": round_.id,
            "initiative": entry.initiative_id,
            "running_order": entry.running_order,
        },
    )
    session.delete(entry)
    session.flush()
    for number, row in enumerate(_running_order(session, round_), start=1):
        row.running_order = number
    session.flush()


def read_withdrawn_reason(text: str) -> str:
    """Why an entry is withdrawn, as typed: required, at most 300 characters."""
    reason = " ".join(nfc(text).split())
    if not reason:
        raise Invalid("invalid_reason", _("Hãy ghi lý do rút bài."))
    if len(reason) > MAX_WITHDRAWN_REASON:
        raise Invalid(
            "invalid_reason", _("Lý do dài quá %(limit)s ký tự.", limit=MAX_WITHDRAWN_REASON)
        )
    return reason


def withdraw_entry(session: Session, entry: Entry, reason: str, actor: str) -> None:
    """The entry leaves the contest (Rút khỏi hội thi) for the reason given: it stays in the
    round's list, greyed, and leaves the standings, the judges' lists and the progress counts.
    Its sheets are kept."""
    event = _open_round(session, entry.round)
    reason = read_withdrawn_reason(reason)
    if entry.status == EntryStatus.WITHDRAWN:
        raise Conflict("entry_withdrawn", _("Bài dự thi này đã rút khỏi hội thi."))
    audit.record(
        session,
        actor,
        "entry.withdrawn",
        f"entry:{entry.id}",
        event_id=event.id,
        before={"status": entry.status.value},
        after={"status": EntryStatus.WITHDRAWN.value},
        reason=reason,
    )
    entry.status, entry.withdrawn_reason = EntryStatus.WITHDRAWN, reason
    session.flush()


def reinstate_entry(session: Session, entry: Entry, actor: str) -> None:
    """A withdrawn entry is back in the contest, waiting for its turn."""
    event = _open_round(session, entry.round)
    if entry.status != EntryStatus.WITHDRAWN:
        raise Conflict("entry_not_withdrawn", _("Bài dự thi này chưa rút khỏi hội thi."))
    audit.record(
        session,
        actor,
        "entry.reinstated",
        f"entry:{entry.id}",
        event_id=event.id,
        before={"status": entry.status.value, "reason": entry.withdrawn_reason},
        after={"status": EntryStatus.SCHEDULED.value},
    )
    entry.status, entry.withdrawn_reason = EntryStatus.SCHEDULED, ""
    session.flush()


def _set_status(
    session: Session, event: Event, entry: Entry, status: EntryStatus, actor: str
) -> None:
    audit.record(
        session,
        actor,
        "entry.status_changed",
        f"entry:{entry.id}",
        event_id=event.id,
        before={"status": entry.status.value},
        after={"status": status.value},
    )
    entry.status = status


def start_pitch(session: Session, entry: Entry, actor: str) -> None:
    """The entry is pitching now (Đang thuyết trình): the dashboard and the screens follow it. An
    entry of the event still marked as pitching is done: one pitch at a time."""
    event = _open_round(session, entry.round)
    if entry.status == EntryStatus.WITHDRAWN:
        raise Conflict("entry_withdrawn", _("Bài dự thi này đã rút khỏi hội thi."))
    if entry.status == EntryStatus.PITCHING:
        return
    pitching = session.scalars(
        select(Entry)
        .join(Round, Round.id == Entry.round_id)
        .where(Round.event_id == event.id, Entry.status == EntryStatus.PITCHING)
    ).all()
    for other in pitching:
        _set_status(session, event, other, EntryStatus.DONE, actor)
    _set_status(session, event, entry, EntryStatus.PITCHING, actor)
    session.flush()


def finish_pitch(session: Session, entry: Entry, actor: str) -> None:
    """The entry has pitched (Đã thuyết trình)."""
    event = _open_round(session, entry.round)
    if entry.status != EntryStatus.PITCHING:
        raise Conflict("entry_not_pitching", _("Bài dự thi này không đang thuyết trình."))
    _set_status(session, event, entry, EntryStatus.DONE, actor)
    session.flush()
