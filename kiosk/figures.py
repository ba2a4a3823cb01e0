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
from kiosk.models import Exhibit, Visit, Vote


def _per_exhibit(
    session: Session, event: Event, model: type[Visit] | type[Vote]
) -> list[tuple[str, int]]:
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
    return [(f"{booth} · {title}" if booth else title, int(n)) for booth, title, n in rows]


def dashboard_figures(event: Event, *, session: Session) -> list[Figure]:
    visits = _per_exhibit(session, event, Visit)
    votes = _per_exhibit(session, event, Vote)
    return [
        Figure(
            "visits",
            lazy_gettext("Lượt xem sản phẩm trưng bày"),
            sum(n for _, n in visits),
            visits,
            lazy_gettext("Lượt xem theo sản phẩm trưng bày"),
        ),
        Figure("votes", lazy_gettext("Phiếu bình chọn"), sum(n for _, n in votes), votes),
    ]
