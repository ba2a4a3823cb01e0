"""Writes of the panels page (Tiểu ban chấm): create, rename and delete a round's panels, choose
their judges, give entries to them. Each checks, changes, audits and flushes; the caller commits.

A change that would leave a sheet outside the rule of ``scoring.assignments`` is refused, naming
the judges whose sheets stand in the way: taking an entry away from judges who already scored it
would silently drop their sheets from the count, and nobody should learn that from the results.
The organiser first asks those judges, or moves the entry elsewhere. Every change is refused once
the event's results are locked or published, or the round is locked: the panels that judged are
then part of the record.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Invalid, NotFound
from core.i18n import nfc, sort_key
from core.models import Event, Round, RoundStatus
from core.models.base import MAX_ID
from core.service import SEALED
from initiatives.models import Initiative
from scoring.models import Entry, Judge, Panel, PanelMember, ScoreSheet

MAX_NAME = 200  # Panel.name's column


def open_round(session: Session, event: Event, round_id: int) -> Round:
    """The event's round, its event row locked so that two changes of panels run one after the
    other; refused if the results or the round are locked."""
    locked = session.scalar(select(Event).where(Event.id == event.id).with_for_update())
    assert locked is not None  # events are never deleted while their page is open
    if locked.status in SEALED:
        raise Conflict(
            "panels_sealed",
            _("Kết quả của sự kiện đã khóa hoặc đã công bố: tiểu ban chấm không thay đổi được."),
        )
    found = session.get(Round, round_id) if 0 < round_id <= MAX_ID else None
    if found is None or found.event_id != event.id:
        raise NotFound("round_not_found", _("Không tìm thấy vòng thi này."))
    if found.status == RoundStatus.LOCKED:
        raise Conflict("round_locked", _("Vòng thi đã khóa, không thể thay đổi."))
    return found


def panel_of(session: Session, event: Event, panel_id: int) -> Panel:
    """The event's panel, or NotFound."""
    panel = session.get(Panel, panel_id) if 0 < panel_id <= MAX_ID else None
    if panel is None or panel.round.event_id != event.id:
        raise NotFound("panel_not_found", _("Không tìm thấy tiểu ban này."))
    return panel


def _name(session: Session, round_id: int, typed: str, panel_id: int | None) -> str:
    name = nfc(typed).strip()
    if not name:
        raise Invalid("invalid_name", _("Hãy đặt tên cho tiểu ban."))
    if len(name) > MAX_NAME:
        raise Invalid("invalid_name", _("Tên tiểu ban dài quá %(limit)s ký tự.", limit=MAX_NAME))
    taken = session.scalar(
        select(Panel.id).where(
            Panel.round_id == round_id,
            func.lower(Panel.name) == name.lower(),
            Panel.id != (panel_id or 0),
        )
    )
    if taken is not None:
        raise Invalid("name_taken", _("Vòng thi đã có tiểu ban tên “%(name)s”.", name=name))
    return name


def create_panel(session: Session, event: Event, round_id: int, name: str, actor: str) -> Panel:
    """A new, empty panel at the end of the round's list."""
    found = open_round(session, event, round_id)
    clean = _name(session, found.id, name, None)
    last = session.scalar(select(func.max(Panel.position)).where(Panel.round_id == found.id))
    panel = Panel(round_id=found.id, name=clean, position=(last or 0) + 1)
    session.add(panel)
    session.flush()
    audit.record(
        session,
        actor,
        "panel.created",
        f"panel:{panel.id}",
        event_id=event.id,
        after={"round": found.id, "name": clean},
    )
    session.flush()
    return panel


def rename_panel(session: Session, event: Event, panel: Panel, name: str, actor: str) -> None:
    open_round(session, event, panel.round_id)
    clean = _name(session, panel.round_id, name, panel.id)
    if clean == panel.name:
        return
    audit.record(
        session,
        actor,
        "panel.renamed",
        f"panel:{panel.id}",
        event_id=event.id,
        before={"name": panel.name},
        after={"name": clean},
    )
    panel.name = clean
    session.flush()


def delete_panel(session: Session, event: Event, panel: Panel, actor: str) -> int:
    """Delete a panel; its entries go back to every judge (which takes no sheet out of the
    count). Returns how many entries it had."""
    open_round(session, event, panel.round_id)
    entries = session.scalars(select(Entry).where(Entry.panel_id == panel.id)).all()
    for entry in entries:
        entry.panel_id = None
    audit.record(
        session,
        actor,
        "panel.deleted",
        f"panel:{panel.id}",
        event_id=event.id,
        before={
            "name": panel.name,
            "judges": sorted(member.judge_id for member in panel.members),
            "entries": sorted(entry.id for entry in entries),
        },
    )
    session.delete(panel)
    session.flush()
    return len(entries)


def _names(session: Session, judge_ids: Collection[int]) -> str:
    names = session.scalars(select(Judge.name).where(Judge.id.in_(judge_ids))).all()
    return ", ".join(sorted(names, key=sort_key))


def set_members(
    session: Session, event: Event, panel: Panel, judge_ids: Collection[int], actor: str
) -> None:
    """The panel's judges become exactly ``judge_ids``. Refused if a judge taken off has a sheet
    (even a draft) for one of the panel's entries."""
    open_round(session, event, panel.round_id)
    wanted = set(judge_ids)
    known = set(
        session.scalars(select(Judge.id).where(Judge.event_id == event.id, Judge.id.in_(wanted)))
    )
    if known != wanted:
        raise NotFound("judge_not_found", _("Không tìm thấy giám khảo này."))
    before = {member.judge_id for member in panel.members}
    leaving = before - wanted
    if leaving:
        scored = set(
            session.scalars(
                select(ScoreSheet.judge_id)
                .join(Entry, Entry.id == ScoreSheet.entry_id)
                .where(Entry.panel_id == panel.id, ScoreSheet.judge_id.in_(leaving))
            )
        )
        if scored:
            raise Conflict(
                "panel_has_sheets",
                _(
                    "Không thể đưa %(names)s ra khỏi tiểu ban: họ đã có phiếu chấm cho bài của "
                    "tiểu ban này.",
                    names=_names(session, scored),
                ),
            )
    if before == wanted:
        return
    panel.members = [m for m in panel.members if m.judge_id in wanted] + [
        PanelMember(judge_id=judge_id) for judge_id in sorted(wanted - before)
    ]
    audit.record(
        session,
        actor,
        "panel.members",
        f"panel:{panel.id}",
        event_id=event.id,
        before={"judges": sorted(before)},
        after={"judges": sorted(wanted)},
    )
    session.flush()


def assign_entries(
    session: Session, event: Event, round_id: int, chosen: Mapping[int, int | None], actor: str
) -> int:
    """Give each entry of the round in ``chosen`` to its panel (None: every judge). Refused,
    naming judges and entries, if a judge outside an entry's new panel has a sheet for it.
    Returns how many entries changed."""
    found = open_round(session, event, round_id)
    panels = {
        panel.id: {member.judge_id for member in panel.members}
        for panel in session.scalars(select(Panel).where(Panel.round_id == found.id))
    }
    if any(panel_id is not None and panel_id not in panels for panel_id in chosen.values()):
        raise NotFound("panel_not_found", _("Không tìm thấy tiểu ban này."))
    entries = {
        entry.id: entry
        for entry in session.scalars(
            select(Entry).where(Entry.round_id == found.id, Entry.id.in_(chosen))
        )
    }
    if set(entries) != set(chosen):
        raise NotFound("entry_not_found", _("Không tìm thấy bài dự thi này trong vòng thi."))
    moving = {
        entry_id: panel_id
        for entry_id, panel_id in chosen.items()
        if entries[entry_id].panel_id != panel_id
    }
    outside = [
        (title, judge_id)
        for entry_id, judge_id, title in session.execute(
            select(ScoreSheet.entry_id, ScoreSheet.judge_id, Initiative.title)
            .join(Entry, Entry.id == ScoreSheet.entry_id)
            .join(Initiative, Initiative.id == Entry.initiative_id)
            .where(ScoreSheet.entry_id.in_(moving))
        ).tuples()
        if moving[entry_id] is not None and judge_id not in panels[moving[entry_id] or 0]
    ]
    if outside:
        raise Conflict(
            "panel_has_sheets",
            _(
                "Không thể giao “%(title)s” cho tiểu ban này: %(names)s đã có phiếu chấm cho bài "
                "nhưng không thuộc tiểu ban.",
                title=outside[0][0],
                names=_names(
                    session, {judge_id for title, judge_id in outside if title == outside[0][0]}
                ),
            ),
        )
    for entry_id, panel_id in moving.items():
        audit.record(
            session,
            actor,
            "entry.panel",
            f"entry:{entry_id}",
            event_id=event.id,
            before={"panel": entries[entry_id].panel_id},
            after={"panel": panel_id},
        )
        entries[entry_id].panel_id = panel_id
    session.flush()
    return len(moving)
