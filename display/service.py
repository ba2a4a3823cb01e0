"""Writes of the screens' control page: create, rename and delete a screen, put it in a mode
with that mode's settings, start and stop a pitch's countdown. Each checks, changes, audits and
flushes; the caller commits, and the change reaches the open screens through the ``screens`` feed
(a screen's rows are watched by ``core.live``): no write here has to push anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Invalid, NotFound
from core.i18n import nfc
from core.models import Event, utcnow
from core.models.base import MAX_ID
from core.service import slug_of
from display.models import Screen, ScreenMode
from display.modes import mode_of

MAX_NAME = 64  # Screen.name's column
MAX_SCREENS = 30
MAX_TEXT = 300
MAX_AGENDA_LINES = 12
MAX_AGENDA_LINE = 120
DEFAULT_MINUTES = 5


def screen_of(session: Session, event: Event, screen_id: int) -> Screen:
    """The event's screen, or NotFound."""
    found = session.get(Screen, screen_id) if 0 < screen_id <= MAX_ID else None
    if found is None or found.event_id != event.id:
        raise NotFound("screen_not_found", _("Không tìm thấy màn hình này."))
    return found


def _name(session: Session, event: Event, typed: str, screen_id: int | None) -> str:
    name = " ".join(nfc(typed).split())
    if not name:
        raise Invalid("invalid_name", _("Hãy đặt tên cho màn hình."))
    if len(name) > MAX_NAME:
        raise Invalid("invalid_name", _("Tên màn hình dài quá %(limit)s ký tự.", limit=MAX_NAME))
    taken = session.scalar(
        select(Screen.id).where(
            Screen.event_id == event.id,
            func.lower(Screen.name) == name.lower(),
            Screen.id != (screen_id or 0),
        )
    )
    if taken is not None:
        raise Invalid("name_taken", _("Đã có màn hình tên “%(name)s”.", name=name))
    return name


def free_key(taken: set[str], name: str) -> str:
    """The address of a new screen: its name without marks ("Hội trường chính" gives
    "hoi-truong-chinh"), with "-2", "-3"... if another screen of the event has it."""
    base = slug_of(name)[: MAX_NAME - 4]
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


def create_screen(session: Session, event: Event, name: str, actor: str) -> Screen:
    """A new screen showing the standings."""
    clean = _name(session, event, name, None)
    keys = set(session.scalars(select(Screen.key).where(Screen.event_id == event.id)))
    if len(keys) >= MAX_SCREENS:
        raise Conflict(
            "too_many_screens", _("Mỗi sự kiện có tối đa %(limit)s màn hình.", limit=MAX_SCREENS)
        )
    screen = Screen(
        event_id=event.id,
        name=clean,
        key=free_key(keys, clean),
        mode=ScreenMode.LEADERBOARD,
        payload={},
    )
    session.add(screen)
    session.flush()
    audit.record(
        session,
        actor,
        "screen.create",
        f"screen:{screen.id}",
        event_id=event.id,
        after={"name": clean, "key": screen.key},
    )
    return screen


def rename_screen(session: Session, event: Event, screen: Screen, name: str, actor: str) -> None:
    """A new name; the address (its key) stays, so that an open screen goes on."""
    clean = _name(session, event, name, screen.id)
    before = screen.name
    screen.name = clean
    session.flush()
    audit.record(
        session,
        actor,
        "screen.rename",
        f"screen:{screen.id}",
        event_id=event.id,
        before={"name": before},
        after={"name": clean},
    )


def delete_screen(session: Session, event: Event, screen: Screen, actor: str) -> None:
    """Forget a screen; one still open shows that it is no longer driven."""
    audit.record(
        session,
        actor,
        "screen.delete",
        f"screen:{screen.id}",
        event_id=event.id,
        before={"name": screen.name, "key": screen.key, "mode": screen.mode.value},
    )
    session.delete(screen)
    session.flush()


def _agenda(text: str) -> list[str]:
    lines = [" ".join(line.split()) for line in nfc(text).splitlines()]
    kept = [line for line in lines if line]
    if len(kept) > MAX_AGENDA_LINES:
        raise Invalid(
            "invalid_agenda",
            _("Chương trình có tối đa %(limit)s dòng.", limit=MAX_AGENDA_LINES),
        )
    if any(len(line) > MAX_AGENDA_LINE for line in kept):
        raise Invalid(
            "invalid_agenda",
            _("Mỗi dòng chương trình dài tối đa %(limit)s ký tự.", limit=MAX_AGENDA_LINE),
        )
    return kept


def _minutes(text: str) -> int:
    minutes = int(text) if text.strip().isdecimal() and len(text.strip()) < 4 else 0
    if not 1 <= minutes <= 60:
        raise Invalid("invalid_minutes", _("Thời gian thuyết trình từ 1 đến 60 phút."))
    return minutes


def parse_settings(fields: Mapping[str, str], kept: Mapping[str, Any]) -> dict[str, Any]:
    """The settings of every mode from the control page's form, over those ``kept``: the text
    of an announcement stays while the screen shows something else, ready for next time."""
    text = " ".join(nfc(fields.get("text", "")).split()) if "text" in fields else None
    if text is not None and len(text) > MAX_TEXT:
        raise Invalid("invalid_text", _("Thông báo dài tối đa %(limit)s ký tự.", limit=MAX_TEXT))
    settings = dict(kept)
    settings["complete_only"] = fields.get("complete_only") == "on"
    if text is not None:
        settings["text"] = text
    if "agenda" in fields:
        settings["agenda"] = _agenda(fields["agenda"])
    if "minutes" in fields:
        settings["minutes"] = _minutes(fields["minutes"])
    return settings


def set_mode(
    session: Session,
    event: Event,
    screen: Screen,
    mode: str,
    fields: Mapping[str, str],
    actor: str,
) -> None:
    """Put the screen in ``mode`` with the settings of the form."""
    chosen = mode_of(mode)
    if chosen is None:
        raise Invalid("invalid_mode", _("Hãy chọn nội dung cho màn hình."))
    before = {"mode": screen.mode.value, "settings": screen.payload}
    settings = parse_settings(fields, screen.payload or {})
    if chosen.mode == ScreenMode.ANNOUNCEMENT and not settings.get("text"):
        raise Invalid("empty_announcement", _("Hãy nhập nội dung thông báo."))
    screen.mode = chosen.mode
    screen.payload = settings
    session.flush()
    audit.record(
        session,
        actor,
        "screen.mode",
        f"screen:{screen.id}",
        event_id=event.id,
        before=before,
        after={"mode": screen.mode.value, "settings": screen.payload},
    )


def set_timer(session: Session, event: Event, screen: Screen, running: bool, actor: str) -> None:
    """Start the pitch's countdown now (from the screen's minutes), or stop it."""
    settings = dict(screen.payload or {})
    settings.setdefault("minutes", DEFAULT_MINUTES)
    settings["timer_started"] = utcnow().isoformat() if running else None
    screen.payload = settings
    session.flush()
    audit.record(
        session,
        actor,
        "screen.timer",
        f"screen:{screen.id}",
        event_id=event.id,
        after={"running": running, "minutes": settings["minutes"]},
    )
