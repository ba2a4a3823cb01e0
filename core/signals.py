"""The signals that carry news from one package to another.

Each says who sends it and when. Receivers connect in their package's ``init_app``, so that the
packages never import each other to hear of a change.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

live_changed = _signals.signal(
    "live-changed",
    doc="""A committed transaction changed what a screen or phone of an event shows.

    Sent by ``core.live`` after the commit, once per event and transaction, with the app as sender
    and ``event_id``. ``core.realtime`` rebuilds and pushes the event's snapshots on it.
    """,
)

management_menu = _signals.signal(
    "management-menu",
    doc="""An organiser page of an event is drawing its menu.

    Sent by ``core.manage`` with the event as sender; each receiver returns a ``MenuItem`` (or a
    list of them). Every package that has organiser pages connects in its ``init_app``.
    """,
)
