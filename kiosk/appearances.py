"""The library asks where an initiative has been, and which initiatives are still drafts: the
kiosk answers with its exhibits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from initiatives.appearances import Appearance
from initiatives.models import Initiative
from kiosk.models import Exhibit, ExhibitStatus


def exhibited(initiative: Initiative, session: Session) -> list[Appearance]:
    """Each exhibit of ``initiative``: the event, and its booth (Gian trưng bày)."""
    exhibits = session.scalars(
        select(Exhibit)
        .where(Exhibit.initiative_id == initiative.id)
        .options(joinedload(Exhibit.event))
    )
    return [
        Appearance(
            exhibit.event.slug,
            exhibit.event.name,
            exhibit.event.held_on,
            _("Gian trưng bày %(booth)s", booth=exhibit.booth)
            if exhibit.booth
            else _("Sản phẩm trưng bày"),
        )
        for exhibit in exhibits
    ]


def drafts(_sender: None) -> Select[tuple[int]]:
    """The initiatives registered at the kiosk and not approved (waiting, or rejected): the
    library keeps them from readers without an account."""
    return select(Exhibit.initiative_id).where(Exhibit.status != ExhibitStatus.APPROVED)
