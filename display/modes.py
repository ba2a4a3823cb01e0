"""What a big screen can show: each mode is a small registered thing.

A mode has a name (``ScreenMode``), a label for the control page and the run-sheet, the feed
whose snapshot it draws (built once per change by ``core.realtime``, whatever the number of
screens), and a renderer (``static/js/lib/mode-*.js``, named in ``static/js/pages/display.js``).
A screen receives every feed of ``FEEDS`` and draws the one its mode names; its own settings (the
announcement's text, the agenda...) travel in the ``screens`` feed. Adding a mode is: a
``register`` call here or in the package that builds its feed, the feed itself
(``realtime.add_feed``), and one renderer module.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString

from display.models import ScreenMode


@dataclass(frozen=True)
class Mode:
    mode: ScreenMode
    label: LazyString
    # The feed the renderer draws, or None when the screen's own settings are enough.
    feed: str | None


_modes: dict[ScreenMode, Mode] = {}


def register(mode: Mode) -> None:
    _modes[mode.mode] = mode


def modes() -> list[Mode]:
    """The registered modes, in the order the control page offers them."""
    return list(_modes.values())


def mode_of(name: str) -> Mode | None:
    """The registered mode called ``name``, or None (unknown, or not offered)."""
    try:
        return _modes.get(ScreenMode(name))
    except ValueError:
        return None


def feeds() -> list[str]:
    """Every feed a screen may need, each once."""
    return list(dict.fromkeys(m.feed for m in _modes.values() if m.feed is not None))
