"""The feeds of the big screens, besides ``standings`` (``scoring.standings``).

Each is a ``core.realtime`` feed: built once per committed change of the event, off the request,
from a cheap read, and sent to every screen (and the control page's previews) of the event. None
holds a score of a judge: the pitching feed says who has submitted, never what.

The exhibits and the people's choice belong to ``kiosk``, which this package may not import: their
feeds ask for them through ``signals.exhibit_wall`` and ``signals.peoples_choice``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import Session

from core import signals
from core.i18n import sort_key
from core.models import Event, Round, Unit, utcnow
from core.realtime import Snapshot
from display.models import Screen
from initiatives.models import Initiative
from scoring.assignments import EXPECTED, pairs
from scoring.models import COUNTED, Entry, EntryStatus, Judge, ScoreSheet
from scoring.standings import EVENT, frozen_snapshot
from scoring.standings import FEED as STANDINGS

SCREENS = "screens"
PITCHING = "pitching"
PEOPLES_CHOICE = "peoples_choice"
EXHIBITS = "exhibits"


def _head(event: Event, version: int) -> dict[str, Any]:
    return {"event": event.slug, "version": version, "generated_at": utcnow().isoformat()}


def screens_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """Every screen of the event by its key: its name, mode and the settings of its modes.

    ``generated_at`` is when it was built, which may be long ago: the countdowns and the clock
    follow the server's clock as the page was served (``now`` in display/views.py).
    """
    rows = session.execute(
        select(Screen.key, Screen.name, Screen.mode, Screen.payload).where(
            Screen.event_id == event.id
        )
    ).tuples()
    return _head(event, version) | {
        "screens": {
            key: {"name": name, "mode": mode.value, "settings": payload or {}}
            for key, name, mode, payload in rows
        }
    }


# The pitching feed's reads, built once (see scoring.standings): it is built again after every
# sheet submitted.
_PITCHED = (
    select(Entry.id, Initiative.title, Unit.name, Round.name)
    .join(Round, Round.id == Entry.round_id)
    .join(Initiative, Initiative.id == Entry.initiative_id)
    .outerjoin(Unit, Unit.id == Initiative.unit_id)
    .where(Round.event_id == EVENT, Entry.status == EntryStatus.PITCHING)
    .order_by(Round.position, Entry.running_order)
)
_PITCHED_IDS: BindParameter[list[int]] = bindparam("entries", expanding=True)
_EXPECTED_OF = pairs(EVENT).where(EXPECTED, Entry.id.in_(_PITCHED_IDS)).add_columns(Judge.name)
_SUBMITTED_TO = select(ScoreSheet.judge_id, ScoreSheet.entry_id).where(
    ScoreSheet.entry_id.in_(_PITCHED_IDS), ScoreSheet.status.in_(COUNTED)
)


def pitching_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """The entries being pitched: title, unit, round, and which of the judges expected to score
    each have submitted (names only: never a score).

    While the standings are frozen, who has submitted is not said (``frozen``, ``done`` and
    ``submitted`` None): a sheet counted since the freeze would show on the screens as a judge
    done, where the frozen standings still count it out."""
    frozen = frozen_snapshot(session, event) is not None
    shown = list(session.execute(_PITCHED, {"event_id": event.id}).tuples())
    ids = [entry_id for entry_id, *_ in shown]
    expected = session.execute(_EXPECTED_OF, {"event_id": event.id, "entries": ids}).tuples()
    submitted = set() if frozen else set(session.execute(_SUBMITTED_TO, {"entries": ids}).tuples())
    judges: dict[int, list[dict[str, Any]]] = {entry_id: [] for entry_id in ids}
    for judge_id, entry_id, name in expected:
        done = None if frozen else (judge_id, entry_id) in submitted
        judges[entry_id].append({"name": name, "done": done})
    return _head(event, version) | {
        "frozen": frozen,
        "entries": [
            {
                "entry_id": entry_id,
                "title": title,
                "unit": unit or "",
                "round": round_name,
                "judges": sorted(judges[entry_id], key=lambda j: sort_key(j["name"])),
                "submitted": None if frozen else sum(1 for j in judges[entry_id] if j["done"]),
                "expected": len(judges[entry_id]),
            }
            for entry_id, title, unit, round_name in shown
        ],
    }


def _answer(signal: Any, event: Event, session: Session) -> Any:
    """The first answer of a receiver that has one (kiosk's), or None."""
    for _receiver, answer in signal.send(event, session=session):
        if answer is not None:
            return answer
    return None


def peoples_choice_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """The released people's choice result, or ``released: false`` and nothing else: a screen
    or phone never learns a vote count before the organiser releases it."""
    result = _answer(signals.peoples_choice, event, session)
    return _head(event, version) | {"released": result is not None, "results": result or []}


def exhibits_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """The exhibits the wall rotates through: title, unit, booth, QR code and a photo."""
    return _head(event, version) | {"exhibits": _answer(signals.exhibit_wall, event, session) or []}


# Every feed of this module, by the name its clients receive it as.
BUILDERS = {
    SCREENS: screens_snapshot,
    PITCHING: pitching_snapshot,
    PEOPLES_CHOICE: peoples_choice_snapshot,
    EXHIBITS: exhibits_snapshot,
}


def at_the_freeze(snapshots: dict[str, Snapshot]) -> dict[str, Snapshot]:
    """A page's first snapshots, as a public page starts from them. While the standings are
    frozen, every snapshot carries the frozen version and time, so that nothing on the page can
    tell that a sheet came in since; the feeds then bring what is newer and public (who is
    pitching, say), never the standings."""
    standings = snapshots.get(STANDINGS)
    if standings is None or not standings.get("frozen"):
        return snapshots
    pinned = {"version": standings["version"], "generated_at": standings["generated_at"]}
    return {feed: snapshot | pinned for feed, snapshot in snapshots.items()}
