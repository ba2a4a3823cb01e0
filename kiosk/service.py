"""Writes of the exhibition: registrations at the kiosk, their corrections, the organiser's
approval or rejection, and the kiosk PIN. Each validates, flushes and audits; the request commits.

A registration makes an initiative with no Mã sáng kiến (the unit gives it one when it enters
the library; an import keyed by code then cannot collide with it), its authors and photos, puts
it on the event's list, and makes a pending exhibit. A correction of an approved exhibit sends
it back to pending: what the organiser approved is not what visitors would now read, so the
organiser looks again (the booth is kept, to approve it at once). So does a worker's correction
or new files through the dossier's personal link (``signals.worker_changed_record``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import partial
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, db
from core.errors import Conflict, Invalid
from core.models import Event, Organiser
from initiatives.dossiers import WORKER, new_link, open_dossier
from initiatives.models import (
    KIOSK_ORIGIN,
    Attachment,
    AttachmentKind,
    Dossier,
    EventInitiative,
    Initiative,
)
from initiatives.photos import MOST_PHOTOS, Photo, new_photo_path, small_path, write_photo
from initiatives.record_form import Registration, clean, described, fill_record
from kiosk.auth import PIN_LENGTHS, edit_code_digest, kiosk_pin_digest, new_edit_code
from kiosk.models import Exhibit, ExhibitStatus

KIOSK_ACTOR = "kiosk"


def photos(initiative: Initiative) -> list[Attachment]:
    return sorted(
        (a for a in initiative.attachments if a.kind == AttachmentKind.PHOTO), key=lambda a: a.id
    )


def _add_photos(
    session: Session, initiative: Initiative, sent: Sequence[Photo], folder: Path
) -> None:
    """The rows now, the files once they commit: a write that fails leaves no file behind."""
    for photo in sent:
        path = new_photo_path("kiosk")
        initiative.attachments.append(Attachment(kind=AttachmentKind.PHOTO, path=path))
        db.after_commit(session, partial(write_photo, folder, path, photo))


def register_exhibit(
    session: Session, event: Event, registration: Registration, sent: Sequence[Photo], folder: Path
) -> tuple[Exhibit, str, str]:
    """A new pending exhibit and its initiative, with a draft dossier of recognition
    (``initiatives.dossiers``); the edit code and the dossier's personal link, to show once."""
    if len(sent) > MOST_PHOTOS:
        raise Invalid("too_many_photos", _("Tối đa %(count)s ảnh.", count=MOST_PHOTOS))
    initiative = Initiative()
    fill_record(initiative, registration)
    session.add(initiative)
    _add_photos(session, initiative, sent, folder)
    exhibit = Exhibit(event=event, initiative=initiative, status=ExhibitStatus.PENDING)
    session.add_all([exhibit, EventInitiative(event_id=event.id, initiative=initiative)])
    session.flush()
    code = new_edit_code()
    exhibit.edit_code_hash = edit_code_digest(exhibit.id, code)
    session.flush()
    audit.record(
        session,
        KIOSK_ACTOR,
        "exhibit.registered",
        f"exhibit:{exhibit.id}",
        event_id=event.id,
        after=described(registration) | {"photos": len(sent)},
    )
    link, digest = new_link()
    open_dossier(session, initiative, KIOSK_ACTOR, digest, origin=KIOSK_ORIGIN)
    return exhibit, code, link


def correct_exhibit(
    session: Session,
    exhibit: Exhibit,
    registration: Registration,
    sent: Sequence[Photo],
    removed: Collection[int],
    folder: Path,
) -> None:
    """The exhibitor's correction: the record replaced, photos taken off and added; an approved
    or rejected exhibit goes back to pending."""
    initiative = exhibit.initiative
    kept = [photo for photo in photos(initiative) if photo.id not in removed]
    if len(kept) + len(sent) > MOST_PHOTOS:
        raise Invalid("too_many_photos", _("Tối đa %(count)s ảnh.", count=MOST_PHOTOS))
    gone = [photo.path for photo in photos(initiative) if photo.id in removed]
    for photo in photos(initiative):
        if photo.id in removed:
            initiative.attachments.remove(photo)
    fill_record(initiative, registration)
    _add_photos(session, initiative, sent, folder)
    before = exhibit.status
    exhibit.status = ExhibitStatus.PENDING
    exhibit.rejected_reason = ""
    session.flush()
    db.after_commit(session, lambda: _unlink(folder, gone))
    audit.record(
        session,
        KIOSK_ACTOR,
        "exhibit.corrected",
        f"exhibit:{exhibit.id}",
        event_id=exhibit.event_id,
        before={"status": before.value},
        after=described(registration) | {"photos": len(kept) + len(sent)},
    )


def worker_changed_record(dossier: Dossier, session: Session, change: str) -> None:
    """A worker corrected the record or added files through their personal link: each approved
    exhibit of the initiative goes back to pending (its booth kept, to approve it again at once),
    audited, in the worker's transaction. What the organisers approved is not what visitors would
    now read, as after the exhibitor's own correction; a rejected exhibit stays rejected."""
    exhibits = session.scalars(
        select(Exhibit).where(
            Exhibit.initiative_id == dossier.initiative_id,
            Exhibit.status == ExhibitStatus.APPROVED,
        )
    )
    for exhibit in exhibits:
        exhibit.status = ExhibitStatus.PENDING
        session.flush()
        audit.record(
            session,
            WORKER,
            "exhibit.changed_by_worker",
            f"exhibit:{exhibit.id}",
            event_id=exhibit.event_id,
            before={"status": ExhibitStatus.APPROVED.value},
            after={"status": ExhibitStatus.PENDING.value, "change": change, "dossier": dossier.id},
        )


def _unlink(folder: Path, paths: Sequence[str]) -> None:
    for path in paths:
        (folder / path).unlink(missing_ok=True)
        (folder / small_path(path)).unlink(missing_ok=True)


def approve_exhibit(session: Session, exhibit: Exhibit, booth: str, who: Organiser) -> None:
    """Approve a registration at a booth: from now on visitors and screens see it."""
    booth = clean(booth, 33)
    if not booth:
        raise Invalid("booth_required", _("Hãy nhập số gian trưng bày."))
    if len(booth) > 32:
        raise Invalid("booth_too_long", _("Số gian tối đa 32 ký tự."))
    taken = session.scalar(
        select(Exhibit.id).where(
            Exhibit.event_id == exhibit.event_id,
            Exhibit.booth == booth,
            Exhibit.id != exhibit.id,
            Exhibit.status == ExhibitStatus.APPROVED,
        )
    )
    if taken is not None:
        raise Conflict("booth_taken", _("Gian %(booth)s đã có sản phẩm trưng bày.", booth=booth))
    before = {"status": exhibit.status.value, "booth": exhibit.booth}
    exhibit.status = ExhibitStatus.APPROVED
    exhibit.booth = booth
    exhibit.rejected_reason = ""
    session.flush()
    audit.record(
        session,
        who,
        "exhibit.approved",
        f"exhibit:{exhibit.id}",
        event_id=exhibit.event_id,
        before=before,
        after={"status": "approved", "booth": booth},
    )


def reject_exhibit(session: Session, exhibit: Exhibit, reason: str, who: Organiser) -> None:
    """Refuse a registration, saying why (the exhibitor reads it when correcting)."""
    reason = clean(reason, 501)
    if not reason:
        raise Invalid("reason_required", _("Hãy ghi lý do từ chối."))
    if len(reason) > 500:
        raise Invalid("reason_too_long", _("Lý do tối đa 500 ký tự."))
    before = exhibit.status.value
    exhibit.status = ExhibitStatus.REJECTED
    exhibit.rejected_reason = reason
    session.flush()
    audit.record(
        session,
        who,
        "exhibit.rejected",
        f"exhibit:{exhibit.id}",
        event_id=exhibit.event_id,
        before={"status": before},
        after={"status": "rejected"},
        reason=reason,
    )


def set_kiosk_pin(session: Session, event: Event, pin: str, who: Organiser) -> None:
    """The PIN that takes a tablet out of kiosk mode: 4 to 8 digits."""
    pin = "".join(pin.split())
    if not pin.isascii() or not pin.isdigit() or len(pin) not in PIN_LENGTHS:
        raise Invalid("pin_invalid", _("PIN kiosk gồm 4 đến 8 chữ số."))
    event.kiosk_pin_hash = kiosk_pin_digest(event.id, pin)
    session.flush()
    audit.record(session, who, "kiosk.pin_set", f"event:{event.id}", event_id=event.id)
