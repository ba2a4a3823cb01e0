"""The exhibition's figures on the organiser's dashboard: visits to each exhibit and votes.

Contributed through ``signals.dashboard_figures``: the dashboard lives in ``scoring``, which may
not import this package. Visits are written every few seconds by ``kiosk.visits`` and move no live
version (one push per scan would flood): the dashboard reads these figures again on a timer.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.manage import Figure
from core.models import Event
from initiatives.models import Initiative
from kiosk.ballots import register, tally
from kiosk.models import Exhibit, Visit


def _per_exhibit(session: Session, event: Event, model: type[Visit]) -> list[tuple[str, int]]:
    """(booth and title, count) for every exhibit of the event, by booth."""
    counted = (
        select(model.exhibit_id, func.count().label("n")).group_by(model.exhibit_id).subquery()
    )
    rows = session.execute(
        select(Exhibit.booth, Initiative.title, func.coalesce(counted.c.n, 0))
        .join(Initiative, Initiative.id == Exhibit.initiative_id)
        .outerjoin(counted, counted.c.exhibit_id == Exhibit.id)
        .where(Exhibit.event_id == event.id)
        .order_by(Exhibit.booth, Initiative.title)
    ).tuples()
    return [(_label(booth, title), int(n)) for booth, title, n in rows]


def _label(booth: str, title: str) -> str:
    return f"{booth} · {title}" if booth else title


def dashboard_figures(event: Event, *, session: Session) -> list[Figure]:
    """Visits per exhibit; for the vote, the register (ballots that voted) and, only once the
    organiser released the count, the votes per exhibit (voided ones left out)."""
    visits = _per_exhibit(session, event, Visit)
    standings = tally(session, event)
    votes = [
        (_label(s.exhibit.booth, s.exhibit.initiative.title), s.votes) for s in standings or []
    ]
    return [
        Figure(
            "visits",
            lazy_gettext("Lượt xem sản phẩm trưng bày"),
            sum(n for _, n in visits),
            visits,
            lazy_gettext("Lượt xem theo sản phẩm trưng bày"),
        ),
        Figure("votes", lazy_gettext("Phiếu bình chọn"), register(session, event).used, votes),
    ]
