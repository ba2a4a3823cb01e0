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

    Sent by ``core.live`` after the commit, once per event and transaction, with the app as sender,
    ``event_id``, the event's new ``version``, the ``tables`` the transaction wrote, and
    ``follow``: how a writer that knows it changed feeds (``core.realtime.Follow`` by feed).
    ``core.realtime`` sends those at once, then rebuilds and pushes the event's snapshots that
    read any of those tables.
    """,
)

quiet_write = _signals.signal(
    "quiet-write",
    doc="""A committed transaction wrote rows but moved no event's version: what it changed
    shows on no screen or phone as it is (a draft sheet, a visit), though a feed may read it (the
    dashboard counts drafts).

    Sent by ``core.live`` after the commit, with the app as sender and the ``tables`` written.
    ``core.realtime`` then rebuilds, at their event's next version, the feeds that read them.
    """,
)

management_menu = _signals.signal(
    "management-menu",
    doc="""An organiser page of an event is drawing its menu.

    Sent by ``core.manage`` with the event as sender; each receiver returns a ``MenuItem`` (or a
    list of them). Every package that has organiser pages connects in its ``init_app``.
    """,
)

event_created = _signals.signal(
    "event-created",
    doc="""An organiser created an event from the browser.

    Sent by ``core.service.create_event`` with the new event as sender and ``session``, inside the
    write transaction, after the event is flushed: receivers add their package's defaults through
    that session (flush, never commit), so that the event and its defaults are one unit of work
    and a failure leaves neither. ``scoring`` adds the default rubric and the final round.
    """,
)

event_copied = _signals.signal(
    "event-copied",
    doc="""An organiser made a new event from a previous one.

    Sent by ``core.service.copy_event`` with the source event as sender and ``copy``, ``session``
    and ``judges`` (copy the jury too?), inside the write transaction, after core copied the
    settings and rounds. Receivers copy what their package owns through that session and return a
    list of notes for the organiser (or nothing). ``scoring`` copies the rubric and, if asked, the
    judges, with new cards.
    """,
)

event_transition_checks = _signals.signal(
    "event-transition-checks",
    doc="""May an event move to another status?

    Sent by ``core.service`` with the event as sender, ``target`` (an ``EventStatus``) and
    ``session``, before a change of status and when the overview shows the next step. Each
    receiver returns a list of ``core.service.Blocker`` (or nothing): what stops the change, in the
    reader's language. ``scoring`` checks the rubric, the judges, the entries and the sheets.
    """,
)

event_status_changed = _signals.signal(
    "event-status-changed",
    doc="""An event moved along its lifecycle (``core.service.change_status``).

    Sent with the event as sender (its new status set), ``session``, ``before`` (the old
    ``EventStatus``) and ``actor`` (as the audit log names them), inside the write transaction,
    before the change is audited: receivers change what their package owns through that session
    (flush, never commit). ``scoring`` locks and seals every round still open when the results
    lock.
    """,
)

dashboard_figures = _signals.signal(
    "dashboard-figures",
    doc="""The organiser's dashboard (Bảng điều khiển) of an event is counting what happened.

    Sent by ``scoring.manage.dashboard`` with the event as sender and ``session`` (read only),
    when the page is drawn and each time it refreshes its figures. Each receiver returns a
    ``core.manage.Figure`` (or a list of them): a count and, for a chart, its breakdown. The
    packages the dashboard may not import (``kiosk``: visits and votes) contribute this way.
    """,
)

admin_menu = _signals.signal(
    "admin-menu",
    doc="""An organiser page is drawing the site administrator's links in its title bar.

    Sent by ``core.admin.admin_links`` with no sender, for administrators only; each
    receiver returns an ``AdminLink`` (or a list of them) to a page of its package that takes no
    URL argument. ``core.admin`` adds the units, ``initiatives`` the themes and fields.
    """,
)

organiser_links = _signals.signal(
    "organiser-links",
    doc="""An organiser page is drawing the title bar's links of the signed-in organiser.

    Sent by ``core.admin.organiser_links`` with the organiser as sender, for every signed-in
    organiser; each receiver returns an ``AdminLink`` (or a list of them, or nothing) to a page of
    its package that takes no URL argument and that this organiser may open. ``initiatives`` adds
    the dossiers' queue for the members of a unit's support team.
    """,
)

initiative_appearances = _signals.signal(
    "initiative-appearances",
    doc="""The initiative library is showing where an initiative has been.

    Sent by ``initiatives.appearances.appearances`` with the initiative as sender and ``session``
    (read only), when the library draws a record. Each receiver returns a list of
    ``initiatives.appearances.Appearance``: the events it appeared in and how (a booth, a round of
    the pitch contest), with the award it won once the results are published. ``kiosk`` answers
    for exhibits, ``scoring`` for entries: the library may import neither.
    """,
)

worker_changed_record = _signals.signal(
    "worker-changed-record",
    doc="""A worker changed an initiative's record through their personal link (``/d/<link>``).

    Sent by ``initiatives.dossiers`` (``correct_record``, ``add_files``) with the dossier as
    sender, ``session`` and ``change`` (``"corrected"``: the record rewritten; ``"files"``: photos
    or PDFs added), inside the write transaction, once the change is flushed and audited.
    Receivers change what their package owns through that session (flush, never commit), so
    that the worker's change and its consequences are one unit of work; or raise a
    ``core.errors.Conflict`` that says why, in the reader's language, to refuse the change: the
    request then rolls back, the worker's change with it. ``kiosk`` sends the initiative's
    approved exhibits back to "chờ duyệt", audited, as after the exhibitor's own correction;
    ``scoring`` refuses a correction once the initiative's pitch is being scored.
    """,
)

library_drafts = _signals.signal(
    "library-drafts",
    doc="""The initiative library is answering a reader without an organiser account.

    Sent by ``initiatives.access.drafts`` with no sender, inside the request's read transaction.
    Each receiver returns a ``select`` of initiative ids that are not published yet (drafts) and
    must stay out of the public library's searches, records and exports. ``kiosk`` answers with
    the initiatives of registrations the organisers have not approved.
    """,
)

peoples_choice = _signals.signal(
    "peoples-choice",
    doc="""A big screen or a phone is about to show the people's choice (Bình chọn của khán giả).

    Sent by ``display.feeds`` with the event as sender and ``session`` (read only), each time the
    event's snapshots are built. ``kiosk``, which owns the votes, returns the released result, a
    list of ``{"rank", "title", "unit", "booth", "votes"}`` from the most voted, or None while
    the organiser has not released it: nothing may show a count before then.
    """,
)

exhibit_wall = _signals.signal(
    "exhibit-wall",
    doc="""A big screen is about to rotate through the exhibits (Trưng bày).

    Sent by ``display.feeds`` with the event as sender and ``session`` (read only), each time the
    event's snapshots are built. ``kiosk`` returns a list of ``{"title", "unit", "booth", "qr",
    "photo"}``: ``qr`` is the address of the exhibit's QR code image, ``photo`` that of its first
    photo or None.
    """,
)
