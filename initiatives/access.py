"""Who may read the initiative library, and what a reader without an account sees.

The library is the organisation's: its staff have no accounts, so by default anyone who reaches
this server (it sits on the organisation's LAN) searches it, opens a record and exports a search.
A site administrator may close it to the Ban Tổ chức (``LibraryReaders.ORGANISERS``) on
``/library/access``. A reader without an account never sees a draft (an initiative whose kiosk
registration is not approved: ``signals.library_drafts``) nor what belongs to the organisers
(the record's history, which names them; the novelty check and its rulings; the forms). The
confidential information (Thông tin cần bảo mật) is shown to nobody in the library.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from core import audit, db, signals
from core.auth import View, audience, limiter, signed_in_organiser, unauthorized
from core.models import Organiser
from core.views import by_address, setting
from initiatives.models import (
    KIOSK_ORIGIN,
    Dossier,
    DossierState,
    Initiative,
    LibraryReaders,
    LibrarySettings,
)

# The audience of the library's reading pages: anyone, unless an administrator chose otherwise.
LIBRARY_READER = "library reader"
SETTINGS_ID = 1


def readers(session: Session) -> LibraryReaders:
    """Who may read the library now."""
    chosen = session.get(LibrarySettings, SETTINGS_ID)
    return chosen.readers if chosen is not None else LibraryReaders.EVERYONE


def is_staff() -> bool:
    """Does the reader hold an organiser account (and so see the organisers' view)?"""
    return signed_in_organiser() is not None


# A whole search exported, or a share card drawn, costs a read of every record or a picture:
# readers without an account are limited, per address, by this setting.
EXPORT_LIMIT = "LIBRARY_EXPORT_LIMIT_PER_ADDRESS"


def library_reader(view: View) -> View:
    """A reading page of the library: an organiser always; anyone else while the library is open
    to everyone."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not is_staff() and readers(db.session()) != LibraryReaders.EVERYONE:
            return unauthorized()
        return view(*args, **kwargs)

    return audience(LIBRARY_READER)(wrapper)


def costly(view: View) -> View:
    """A reading page that costs the server (an export, a share card): limited per address for
    readers without an account, as :data:`EXPORT_LIMIT` says; organisers are not limited."""
    limited: View = limiter.limit(setting(EXPORT_LIMIT), key_func=by_address, exempt_when=is_staff)(
        view
    )
    return limited


def drafts() -> list[Select[tuple[int]]]:
    """The ids of the initiatives not published yet: those of a worker's dossier until it is
    recognised (nobody has checked what the worker wrote), and those the other packages answer
    for (a kiosk registration until the organisers approve it, its dossier's state aside)."""
    dossiers = select(Dossier.initiative_id).where(
        Dossier.origin != KIOSK_ORIGIN, Dossier.state != DossierState.RECOGNISED
    )
    answers = signals.library_drafts.send(None)
    return [dossiers, *(answer for _receiver, answer in answers if answer is not None)]


def published() -> list[ColumnElement[bool]]:
    """The conditions that keep drafts out, whoever reads: of the signed roll-up file, of the
    periodic reports' counts."""
    return [Initiative.id.not_in(found) for found in drafts()]


def hidden() -> list[ColumnElement[bool]]:
    """The conditions that keep drafts from this reader; none for an organiser."""
    return [] if is_staff() else published()


def visible(session: Session, initiative_id: int) -> bool:
    """May this reader open the record ``initiative_id`` (it exists)?"""
    conditions = hidden()
    if not conditions:
        return True
    found = session.scalar(select(Initiative.id).where(Initiative.id == initiative_id, *conditions))
    return found is not None


def set_readers(session: Session, chosen: LibraryReaders, actor: Organiser) -> bool:
    """Choose who may read the library; audited. Whether anything changed."""
    settings = session.get(LibrarySettings, SETTINGS_ID)
    before = settings.readers if settings is not None else LibraryReaders.EVERYONE
    if before == chosen:
        return False
    if settings is None:
        settings = LibrarySettings(id=SETTINGS_ID)
        session.add(settings)
    settings.readers = chosen
    session.flush()
    audit.record(
        session,
        actor,
        "library.readers",
        "library_settings",
        before={"readers": before.value},
        after={"readers": chosen.value},
    )
    return True
