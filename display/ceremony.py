"""The ceremony: the reveal of the results kept from the public by the freeze, and the run-sheet
(kịch bản chương trình).

Writes here flush and audit; the pages are in ``display.ceremony_views``. Two feeds of
``core.realtime`` come from here:

- ``reveal`` goes to every big screen (``/display``): the steps revealed so far, never one more
  (see ``display.reveal``), the names of the screens in the reveal mode, and a rehearsal's steps
  with the one screen it plays on. A screen is public, so the rehearsal plays sample entries,
  never the results.
- ``runsheet`` goes to the MC tablet (``/mc``, organisers only): the current step's lines, the
  next step's title, and on a step that reveals, the newest place shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Invalid, NotFound
from core.i18n import nfc
from core.models import Event, Round
from core.models.base import MAX_ID
from core.realtime import Snapshot
from display import reveal
from display.models import Ceremony, Reveal, RunSheetStep, Screen, ScreenMode
from display.reveal import Step
from initiatives.models import Author
from scoring import freeze, results
from scoring.manage.results import PRIZE_NAMES
from scoring.models import Entry, EntryStatus
from scoring.standings import live_snapshot

REVEAL_FEED = "reveal"
RUNSHEET_FEED = "runsheet"
# The value of a screen's field in a run-sheet step that leaves it as it is.
UNCHANGED = ""
LIMITS = {"title": 200, "lines": 20_000, "award": 200, "presenter": 200, "certificate": 500}
LIMITS["music"] = 200


# --- The reveal ---------------------------------------------------------------------------------


def find_reveal(session: Session, event: Event, *, rehearsal: bool) -> Reveal | None:
    return session.scalar(
        select(Reveal).where(Reveal.event_id == event.id, Reveal.rehearsal.is_(rehearsal))
    )


def _authors(session: Session, entry_ids: list[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(Entry.id, Author.full_name)
        .join(Author, Author.initiative_id == Entry.initiative_id)
        .where(Entry.id.in_(entry_ids))
        .order_by(Author.position, Author.id)
    ).tuples()
    found: dict[int, list[str]] = {}
    for entry_id, name in rows:
        found.setdefault(entry_id, []).append(name)
    return found


def prizes_of(event: Event, entries: list[dict[str, Any]]) -> dict[int, str]:
    """The prize of each entry of standings rows, under the default slots (1/2/3/4) and the
    event's minimum score: the rows are ranked by the method in force."""
    ranked = [
        results.Standing(
            row["entry_id"], row["rank"], row["score"], row["sheets"], None, None, None
        )
        for row in entries
    ]
    return results.awards(ranked, results.DEFAULT_SLOTS, float(event.min_prize_score))


def _replace(session: Session, event: Event, made: Reveal) -> Reveal:
    old = find_reveal(session, event, rehearsal=made.rehearsal)
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(made)
    session.flush()
    return made


def start_reveal(session: Session, event: Event, actor: str, *, awarded_only: bool) -> Reveal:
    """Prepare the reveal of the results as they stand now, the sheets sent since the freeze
    included (the resolver's way): the freeze kept them from the public, and the reveal shows
    them place by place, so the ceremony announces the prizes the minutes and certificates
    will name. The standings must be frozen, or the screens and phones would show every place
    at once. No step is shown yet."""
    if freeze.current(session, event) is None:
        raise Conflict("not_frozen", _("Hãy đóng băng kết quả trước khi công bố."))
    entries = live_snapshot(session, event, event.live_version)["entries"]
    found = reveal.steps(
        entries,
        prizes_of(event, entries),
        _authors(session, [row["entry_id"] for row in entries]),
        awarded_only=awarded_only,
    )
    if not found:
        raise Conflict("nothing_to_reveal", _("Chưa có bài dự thi nào có thứ hạng để công bố."))
    made = _replace(
        session,
        event,
        Reveal(event_id=event.id, rehearsal=False, steps=found, shown=0, started_by=actor),
    )
    audit.record(
        session,
        actor,
        "reveal.prepared",
        f"event:{event.id}",
        event_id=event.id,
        after={"steps": len(found), "awarded_only": awarded_only},
    )
    return made


def _entry_count(session: Session, event: Event) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Entry)
            .join(Round, Round.id == Entry.round_id)
            .where(Round.event_id == event.id, Entry.status != EntryStatus.WITHDRAWN)
        )
        or 0
    )


def start_rehearsal(session: Session, event: Event, actor: str, screen: str) -> Reveal:
    """A rehearsal on the screen named ``screen``: sample entries, as many as the event has,
    with the prizes they would get; the real reveal is left as it is."""
    screen = nfc(screen).strip()
    names = set(session.scalars(select(Screen.name).where(Screen.event_id == event.id)))
    if screen not in names:
        raise Invalid("unknown_screen", _("Hãy chọn một màn hình của sự kiện."))
    rows = reveal.sample_rows(
        max(_entry_count(session, event), 1),
        lambda place: _("Sáng kiến mẫu số %(number)s", number=place),
        lambda _place: _("Đơn vị mẫu"),
    )
    for row in rows:
        row["sheets"] = 1
    prizes = results.awards(
        [results.Standing(r["entry_id"], r["rank"], r["score"], 1, None, None, None) for r in rows],
        results.DEFAULT_SLOTS,
        float(event.min_prize_score),
    )
    authors = {row["entry_id"]: [_("Tác giả mẫu")] for row in rows}
    found = reveal.steps(rows, prizes, authors) or reveal.steps(
        rows, prizes, authors, awarded_only=False
    )
    made = _replace(
        session,
        event,
        Reveal(
            event_id=event.id, rehearsal=True, screen=screen, steps=found, shown=0, started_by=actor
        ),
    )
    audit.record(
        session,
        actor,
        "reveal.rehearsal",
        f"event:{event.id}",
        event_id=event.id,
        after={"screen": screen},
    )
    return made


def reveal_next(
    session: Session, event: Event, actor: str, *, rehearsal: bool, seen: int | None = None
) -> dict[str, Any]:
    """Show the next step of the reveal (or of its rehearsal) on the screens. ``seen``, if
    given, is how many steps the organiser's page showed as revealed: a second click sent from
    the same page (a double click, a reload) then reveals nothing more."""
    found = find_reveal(session, event, rehearsal=rehearsal)
    if found is None:
        raise Conflict("no_reveal", _("Chưa chuẩn bị phần công bố kết quả."))
    if seen is not None and seen != found.shown:
        raise Conflict("reveal_moved", _("Bước này đã được công bố. Trang đã được cập nhật."))
    step = reveal.upcoming(found.steps, found.shown)
    if step is None:
        raise Conflict("reveal_done", _("Đã công bố hết các bước."))
    found.shown += 1
    if not rehearsal:
        audit.record(
            session,
            actor,
            "reveal.step",
            f"event:{event.id}",
            event_id=event.id,
            after={"step": step["number"], "rank": step["rank"]},
        )
    session.flush()
    return step


def stop_rehearsal(session: Session, event: Event) -> None:
    """End the rehearsal: its screen goes back to what it showed."""
    found = find_reveal(session, event, rehearsal=True)
    if found is not None:
        session.delete(found)
        session.flush()


def reveal_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """What every screen of the event receives of the reveal: only the steps shown."""
    real = find_reveal(session, event, rehearsal=False)
    practice = find_reveal(session, event, rehearsal=True)
    keys = dict(
        session.execute(select(Screen.name, Screen.key).where(Screen.event_id == event.id))
        .tuples()
        .all()
    )
    screens = session.scalars(
        select(Screen.key)
        .where(Screen.event_id == event.id, Screen.mode == ScreenMode.REVEAL)
        .order_by(Screen.key)
    )
    # Screens know themselves by their key (their address); a rehearsal names its screen.
    return {
        "event": event.slug,
        "version": version,
        "mode": "reveal",
        "screens": list(screens),
        "steps": [] if real is None else reveal.shown(real.steps, real.shown),
        "rehearsal": None
        if practice is None
        else {
            "screen": keys.get(practice.screen, ""),
            "steps": reveal.shown(practice.steps, practice.shown),
        },
    }


# --- The run-sheet ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepFields:
    """A run-sheet step as the form sends it, checked."""

    title: str
    lines: str
    screens: dict[str, str]
    reveal: bool
    award: str
    presenter: str
    certificate: str
    music: str


def event_screens(session: Session, event: Event) -> list[Screen]:
    return list(
        session.scalars(select(Screen).where(Screen.event_id == event.id).order_by(Screen.name))
    )


def parse_step(form: Mapping[str, str], screens: list[Screen]) -> StepFields:
    """Read a step from the form: ``title`` and the texts, ``screen-<id>`` (a mode, or empty
    for unchanged) for each screen of the event, and ``reveal`` (checked or not)."""
    texts = {name: nfc(form.get(name, "")).strip() for name in LIMITS}
    texts["lines"] = nfc(form.get("lines", "")).replace("\r\n", "\n").strip()
    if not texts["title"]:
        raise Invalid("title_required", _("Hãy nhập tên bước."), field="title")
    for name, limit in LIMITS.items():
        if len(texts[name]) > limit:
            raise Invalid("too_long", _("Tối đa %(count)s ký tự.", count=limit), field=name)
    modes = {mode.value for mode in ScreenMode}
    chosen: dict[str, str] = {}
    for screen in screens:
        value = form.get(f"screen-{screen.id}", UNCHANGED)
        if value == UNCHANGED:
            continue
        if value not in modes:
            raise Invalid("unknown_mode", _("Chế độ màn hình không hợp lệ."), field="screens")
        if value == ScreenMode.ANNOUNCEMENT and not (screen.payload or {}).get("text"):
            message = _(
                "Màn hình “%(name)s” chưa có nội dung thông báo: hãy nhập nội dung trên trang "
                "Màn hình trước.",
                name=screen.name,
            )
            raise Invalid("empty_announcement", message, field="screens")
        chosen[str(screen.id)] = value
    return StepFields(
        title=texts["title"],
        lines=texts["lines"],
        screens=chosen,
        reveal=form.get("reveal") == "on",
        award=texts["award"],
        presenter=texts["presenter"],
        certificate=texts["certificate"],
        music=texts["music"],
    )


def run_sheet(session: Session, event: Event) -> list[RunSheetStep]:
    """The event's run-sheet, in order."""
    return list(
        session.scalars(
            select(RunSheetStep)
            .where(RunSheetStep.event_id == event.id)
            .order_by(RunSheetStep.position, RunSheetStep.id)
        )
    )


def step_or_404(session: Session, event: Event, step_id: int) -> RunSheetStep:
    step = session.get(RunSheetStep, step_id) if 0 < step_id <= MAX_ID else None
    if step is None or step.event_id != event.id:
        raise NotFound("step_not_found", _("Không tìm thấy bước này trong kịch bản."))
    return step


def _fields(step: RunSheetStep) -> dict[str, Any]:
    return {"title": step.title, "position": step.position}


def add_step(session: Session, event: Event, fields: StepFields, actor: str) -> RunSheetStep:
    """A new step, after the last."""
    last = session.scalar(
        select(func.max(RunSheetStep.position)).where(RunSheetStep.event_id == event.id)
    )
    step = RunSheetStep(event_id=event.id, position=(last or 0) + 1, **vars(fields))
    session.add(step)
    session.flush()
    audit.record(
        session,
        actor,
        "runsheet.added",
        f"run_sheet_step:{step.id}",
        event_id=event.id,
        after=_fields(step),
    )
    return step


def edit_step(session: Session, step: RunSheetStep, fields: StepFields, actor: str) -> None:
    before = _fields(step)
    for name, value in vars(fields).items():
        setattr(step, name, value)
    session.flush()
    audit.record(
        session,
        actor,
        "runsheet.edited",
        f"run_sheet_step:{step.id}",
        event_id=step.event_id,
        before=before,
        after=_fields(step),
    )


def _renumber(steps: list[RunSheetStep]) -> None:
    for position, step in enumerate(steps, start=1):
        if step.position != position:
            step.position = position


def move_step(
    session: Session, event: Event, step: RunSheetStep, delta: int, actor: str
) -> RunSheetStep | None:
    """Move a step one place earlier (``delta`` -1) or later (+1); at an end it stays.

    Returns the step still to come that now stands before the current one, which "Bước tiếp
    theo" will not reach (the current step moved down past it, or it moved up past the current
    step), if there is one."""
    steps = run_sheet(session, event)
    index = steps.index(step)
    target = index + delta
    if not 0 <= target < len(steps):
        return None
    current, _rehearsal = current_step(session, event)
    neighbour = steps[target]
    passed = None
    if current is step and delta > 0:
        passed = neighbour
    elif current is neighbour and delta < 0:
        passed = step
    steps[index], steps[target] = steps[target], steps[index]
    _renumber(steps)
    session.flush()
    audit.record(
        session,
        actor,
        "runsheet.moved",
        f"run_sheet_step:{step.id}",
        event_id=event.id,
        after={"position": step.position},
    )
    return passed


def delete_step(session: Session, event: Event, step: RunSheetStep, actor: str) -> None:
    """Delete a step; if the run-sheet stands on it, it stands on the step before (before the
    first, if it was the first), so that "Bước tiếp theo" goes on to the step after it rather
    than back to the start."""
    before = _fields(step)
    ceremony = session.get(Ceremony, event.id)
    if ceremony is not None and ceremony.step_id == step.id:
        steps = run_sheet(session, event)
        index = steps.index(step)
        ceremony.step_id = steps[index - 1].id if index else None
    session.delete(step)
    session.flush()
    _renumber(run_sheet(session, event))
    session.flush()
    audit.record(
        session,
        actor,
        "runsheet.deleted",
        f"run_sheet_step:{before['title'][:40]}",
        event_id=event.id,
        before=before,
    )


def ceremony_of(session: Session, event: Event) -> Ceremony:
    found = session.get(Ceremony, event.id)
    if found is None:
        found = Ceremony(event_id=event.id, step_id=None, rehearsal=False)
        session.add(found)
    return found


def current_step(session: Session, event: Event) -> tuple[RunSheetStep | None, bool]:
    """The run-sheet's current step (None before the first) and whether it is a rehearsal."""
    found = session.get(Ceremony, event.id)
    if found is None or found.step_id is None:
        return None, bool(found and found.rehearsal)
    return session.get(RunSheetStep, found.step_id), found.rehearsal


def start_run(session: Session, event: Event, actor: str, *, rehearsal: bool) -> None:
    """Go back before the first step, for the ceremony or a rehearsal of it.

    A rehearsal is refused while the ceremony is under way (started, not yet at its last step):
    the run-sheet has one current step, and a rehearsal would lose the ceremony's."""
    ceremony = ceremony_of(session, event)
    if rehearsal and not ceremony.rehearsal and ceremony.step_id is not None:
        ids = [step.id for step in run_sheet(session, event)]
        if ceremony.step_id in ids[:-1]:
            raise Conflict(
                "ceremony_running",
                _(
                    "Buổi lễ đang diễn ra theo kịch bản (bước %(number)s/%(total)s): "
                    "không thể tập dượt lúc này.",
                    number=ids.index(ceremony.step_id) + 1,
                    total=len(ids),
                ),
            )
    ceremony.step_id = None
    ceremony.rehearsal = rehearsal
    session.flush()
    audit.record(
        session,
        actor,
        "runsheet.started",
        f"event:{event.id}",
        event_id=event.id,
        after={"rehearsal": rehearsal},
    )


def advance(session: Session, event: Event, actor: str, *, seen: int | None = None) -> RunSheetStep:
    """Bước tiếp theo: the MC tablet goes to the next step, and, unless this is a rehearsal, the
    screens take the modes the step gives them and the reveal shows its next step if the step
    says so (a place shown meanwhile from the ceremony page counts: the step shows the one after
    it)."""
    steps = run_sheet(session, event)
    ceremony = ceremony_of(session, event)
    session.flush()
    ids = [step.id for step in steps]
    if seen is not None and seen != (ceremony.step_id or 0):
        raise Conflict("run_sheet_moved", _("Kịch bản đã sang bước khác. Trang đã được cập nhật."))
    index = ids.index(ceremony.step_id) + 1 if ceremony.step_id in ids else 0
    if index >= len(steps):
        raise Conflict("run_sheet_done", _("Đã đến bước cuối của kịch bản."))
    step = steps[index]
    ceremony.step_id = step.id
    if not ceremony.rehearsal:
        for screen in event_screens(session, event):
            mode = step.screens.get(str(screen.id))
            if mode is not None and mode != screen.mode.value:
                screen.mode = ScreenMode(mode)
        shown = find_reveal(session, event, rehearsal=False)
        if step.reveal and shown is not None and reveal.upcoming(shown.steps, shown.shown):
            reveal_next(session, event, actor, rehearsal=False)
    session.flush()
    audit.record(
        session,
        actor,
        "runsheet.advanced",
        f"run_sheet_step:{step.id}",
        event_id=event.id,
        after={"position": index + 1, "rehearsal": ceremony.rehearsal},
    )
    return step


def _step_json(step: RunSheetStep, number: int) -> dict[str, Any]:
    return {
        "id": step.id,
        "number": number,
        "title": step.title,
        "lines": step.lines,
        "award": step.award,
        "presenter": step.presenter,
        "certificate": step.certificate,
        "music": step.music,
    }


def runsheet_snapshot(session: Session, event: Event, version: int) -> Snapshot:
    """What the MC tablet shows: the current step in full, the next one's title, and on a step
    that reveals a place, the newest place shown (the MC reads out who won without turning to
    the screen behind them). The MC tablet is for organisers only."""
    steps = run_sheet(session, event)
    step, rehearsal = current_step(session, event)
    index = steps.index(step) if step in steps else -1
    following = steps[index + 1] if index + 1 < len(steps) else None
    return {
        "event": event.slug,
        "version": version,
        "rehearsal": rehearsal,
        "total": len(steps),
        "current": None if step is None else _step_json(step, index + 1),
        "next": None if following is None else {"number": index + 2, "title": following.title},
        "revealed": None if rehearsal or step is None else _newest_place(session, event, step),
    }


def _newest_place(session: Session, event: Event, step: RunSheetStep) -> Step | None:
    """On a step that reveals, the newest place shown: what the big screens show large, which
    the MC reads out."""
    shown = find_reveal(session, event, rehearsal=False)
    if not step.reveal or shown is None or not shown.shown:
        return None
    newest: Step = shown.steps[shown.shown - 1]
    return newest


def reveal_labels() -> dict[str, Any]:
    """Every text the screen's reveal renderer shows, translated for the screen's page."""
    return {
        "prizes": {key: str(name) for key, name in PRIZE_NAMES.items()},
        "rank": _("Hạng {rank}"),
        "rehearsal": _("TẬP DƯỢT"),
        "waiting": _("Sắp công bố kết quả"),
    }
