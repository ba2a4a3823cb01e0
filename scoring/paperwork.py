"""The paperwork of the jury: its settings, the certificates issued, and the batch's render.

Certificates go to the prize winners under the method in force (``scoring.standings.compare``),
one per team or one per author (``Paperwork.per_author``), each under the seal in force of its
entry's round when issued (the newest seal not reopened; none while the round is open). Issuing
again keeps the code of every certificate that still stands, so that a reprint verifies the same,
and revokes those that no longer do: ``/verify`` then says so. The PDF of a batch is rendered by
a job (``certificates``), off the request, and kept under ``instance/certificates``.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, db, jobs
from core.errors import Invalid
from core.i18n import clock, day, nfc, number, sort_key
from core.models import AuditLog, Event, Round, utcnow
from initiatives.models import Initiative
from scoring import certificates, minutes, results
from scoring.audit_log import ACTIONS
from scoring.manage.jury import JURY_ROLE_NAMES
from scoring.manage.results import FLAG_NAMES, METHOD_HINTS, METHOD_NAMES, PRIZE_NAMES
from scoring.models import (
    Certificate,
    CertificateTier,
    Entry,
    Judge,
    Paperwork,
    ScoreSheet,
    Seal,
    new_certificate_code,
)
from scoring.results.awards import PRIZES
from scoring.standings import compare, contest_sheets, event_entries

CERTIFICATES = "certificates"
TEXT_FIELDS = {
    "place": 100,
    "secretary": 200,
    "confederation_title": 200,
    "confederation_signer": 200,
    "union_title": 200,
    "union_signer": 200,
}
LOGO_FORMATS = frozenset({"PNG", "JPEG"})
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 600  # px: 22 mm printed at about 700 dpi, more than any printer needs
ISSUERS = {
    CertificateTier.CONFEDERATION: "Tổng Liên đoàn Lao động Việt Nam",
    CertificateTier.UNION: "Công đoàn Điện lực Việt Nam",
}


def settings(session: Session, event: Event) -> Paperwork:
    """The event's paperwork settings; unsaved defaults until the organiser saves them."""
    found = session.get(Paperwork, event.id)
    if found is not None:
        return found
    return Paperwork(event_id=event.id, per_author=False, logo="", **dict.fromkeys(TEXT_FIELDS, ""))


def save_settings(
    session: Session, event: Event, form: dict[str, str], per_author: bool, actor: str
) -> Paperwork:
    """Save the texts (NFC, trimmed, within their lengths) and the per-author choice."""
    values = {name: nfc(form.get(name, "")).strip() for name in TEXT_FIELDS}
    for name, limit in TEXT_FIELDS.items():
        if len(values[name]) > limit:
            raise Invalid("too_long", _("Dài quá %(limit)s ký tự.", limit=limit), field=name)
        if "\x00" in values[name]:
            raise Invalid("invalid_text", _("Có ký tự không hợp lệ."), field=name)
    found = session.get(Paperwork, event.id)
    if found is None:
        found = settings(session, event)
        session.add(found)
    before = {name: getattr(found, name) or "" for name in TEXT_FIELDS} | {
        "per_author": bool(found.per_author)
    }
    for name, value in values.items():
        setattr(found, name, value)
    found.per_author = per_author
    after = values | {"per_author": per_author}
    audit.record(
        session,
        actor,
        "paperwork.changed",
        f"event:{event.id}",
        event_id=event.id,
        before=before,
        after=after,
    )
    session.flush()
    return found


def checked_logo(data: bytes) -> bytes:
    """The upload as a PNG no larger than :data:`LOGO_MAX_SIDE`; Invalid unless it is a PNG or
    JPEG image that Pillow reads whole. Transparency is kept; a JPEG's CMYK becomes RGB."""
    if not data:
        raise Invalid("no_file", _("Hãy chọn tệp ảnh logo (PNG hoặc JPEG)."), field="logo")
    if len(data) > LOGO_MAX_BYTES:
        raise Invalid("too_large", _("Ảnh logo quá 2 MB."), field="logo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in LOGO_FORMATS:
                raise Invalid("bad_format", _("Logo phải là ảnh PNG hoặc JPEG."), field="logo")
            image.load()
            converted = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise Invalid("bad_image", _("Không đọc được ảnh logo này."), field="logo") from None
    converted.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    buffer = io.BytesIO()
    converted.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def save_logo(session: Session, event: Event, data: bytes, actor: str) -> None:
    png = checked_logo(data)
    found = session.get(Paperwork, event.id)
    if found is None:
        found = settings(session, event)
        session.add(found)
    found.logo = base64.b64encode(png).decode()
    audit.record(session, actor, "paperwork.logo", f"event:{event.id}", event_id=event.id)
    session.flush()


def remove_logo(session: Session, event: Event, actor: str) -> None:
    found = session.get(Paperwork, event.id)
    if found is not None and found.logo:
        found.logo = ""
        audit.record(
            session, actor, "paperwork.logo_removed", f"event:{event.id}", event_id=event.id
        )
        session.flush()


def logo_png(paperwork: Paperwork) -> bytes | None:
    if not paperwork.logo:
        return None
    try:
        return base64.b64decode(paperwork.logo, validate=True)
    except binascii.Error:
        return None


def seals_in_force(session: Session, event: Event) -> dict[int, Seal]:
    """Each round's seal in force (the newest one not reopened), by round id."""
    rows = session.scalars(
        select(Seal)
        .join(Round, Round.id == Seal.round_id)
        .where(Round.event_id == event.id, Seal.reopened_at.is_(None))
        .order_by(Seal.sealed_at, Seal.id)
    )
    return {seal.round_id: seal for seal in rows}


@dataclass(frozen=True)
class Winner:
    entry_id: int
    initiative_id: int
    round_id: int
    prize: str


def winners(session: Session, event: Event) -> list[Winner]:
    """The entries that win a prize under the method in force, best first."""
    comparison = compare(session, event)
    won = [(row.entry_id, row.prizes[comparison.method]) for row in comparison.entries]
    entries = {
        entry.id: entry
        for entry in session.scalars(select(Entry).where(Entry.id.in_([e for e, _ in won])))
    }
    return [
        Winner(entry_id, entries[entry_id].initiative_id, entries[entry_id].round_id, prize)
        for entry_id, prize in won
        if prize is not None
    ]


def _recipients(initiative: Initiative, per_author: bool) -> list[str]:
    names = [author.full_name for author in initiative.authors if author.full_name.strip()]
    if not names:
        return [initiative.unit.name] if initiative.unit is not None else []
    return names if per_author else [", ".join(names)]


def issue_certificates(
    session: Session, event: Event, tier: CertificateTier, actor: str
) -> list[Certificate]:
    """The certificates of ``tier`` that stand now, issuing the missing ones and revoking those
    that no longer stand (see the module's docstring). Invalid when no entry wins a prize."""
    found = winners(session, event)
    if not found:
        raise Invalid(
            "no_winners", _("Chưa có bài nào đạt giải theo cách tính đang áp dụng."), field="tier"
        )
    per_author = bool(settings(session, event).per_author)
    seals = seals_in_force(session, event)
    wanted: list[tuple[int, str, str, int | None]] = []
    for winner in found:
        initiative = session.get_one(Initiative, winner.initiative_id)
        seal = seals.get(winner.round_id)
        for recipient in _recipients(initiative, per_author):
            wanted.append(
                (winner.initiative_id, recipient, winner.prize, seal.id if seal else None)
            )
    standing = session.scalars(
        select(Certificate).where(
            Certificate.event_id == event.id,
            Certificate.tier == tier,
            Certificate.revoked_at.is_(None),
        )
    ).all()
    kept = {(c.initiative_id, c.recipient, c.prize, c.seal_id): c for c in standing}
    now = utcnow()
    revoked = [c for key, c in kept.items() if key not in set(wanted)]
    for gone in revoked:
        gone.revoked_at = now
    issued = []
    for key in dict.fromkeys(wanted):
        certificate = kept.get(key)
        if certificate is None:
            initiative_id, recipient, prize, seal_id = key
            certificate = Certificate(
                code=_free_code(session),
                event_id=event.id,
                initiative_id=initiative_id,
                recipient=recipient,
                prize=prize,
                tier=tier,
                seal_id=seal_id,
                issued_at=now,
            )
            session.add(certificate)
        issued.append(certificate)
    session.flush()
    audit.record(
        session,
        actor,
        "certificates.issued",
        f"event:{event.id}",
        event_id=event.id,
        after={
            "tier": tier.value,
            "certificates": len(issued),
            "new": len(issued) - (len(standing) - len(revoked)),
            "revoked": [c.code for c in revoked],
        },
    )
    return issued


def _free_code(session: Session) -> str:
    """A code no certificate has: a clash is as good as impossible, but costs one read to rule
    out."""
    while True:
        code = new_certificate_code()
        if session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


def issued(session: Session, event: Event) -> list[Certificate]:
    """The event's certificates that stand, by tier, prize, then the recipient's name."""
    rows = session.scalars(
        select(Certificate).where(
            Certificate.event_id == event.id, Certificate.revoked_at.is_(None)
        )
    ).all()
    order = {prize: position for position, prize in enumerate(PRIZES)}
    return sorted(
        rows,
        key=lambda c: (c.tier.value, order.get(c.prize, len(order)), sort_key(c.recipient)),
    )


def printed(
    session: Session, event: Event, tier: CertificateTier, public_url: str
) -> list[certificates.Printed]:
    """The certificates of ``tier`` that stand, as printed, in the order of :func:`issued`;
    their QR codes on ``public_url`` (``core.links.public_url``, taken in the request)."""
    paperwork = settings(session, event)
    logo = logo_png(paperwork)
    place = certificates.place_of(paperwork.place, event.venue)
    title = (
        paperwork.confederation_title
        if tier == CertificateTier.CONFEDERATION
        else paperwork.union_title
    )
    signer = (
        paperwork.confederation_signer
        if tier == CertificateTier.CONFEDERATION
        else paperwork.union_signer
    )
    found = []
    for certificate in issued(session, event):
        if certificate.tier != tier:
            continue
        initiative = certificate.initiative
        found.append(
            certificates.Printed(
                code=certificate.code,
                link=public_url + url_for("scoring_verify.verify", code=certificate.code),
                recipient=certificate.recipient,
                team=len(initiative.authors) > 1 and not paperwork.per_author,
                initiative=initiative.title,
                unit=initiative.unit.name if initiative.unit is not None else "",
                prize=str(PRIZE_NAMES.get(certificate.prize, certificate.prize)),
                event=event.name,
                dated=certificates.dated(place, event.held_on),
                issuer=ISSUERS[tier],
                signer_title=title,
                signer_name=signer,
                logo=logo,
            )
        )
    return found


@jobs.task(CERTIFICATES, lazy_gettext("In giấy chứng nhận Lao động sáng tạo"))
def render_batch(progress: jobs.Progress, params: dict[str, Any]) -> dict[str, Any]:
    """The job: the certificates of a tier as one PDF, a page at a time, kept for download."""
    with current_app.test_request_context(), force_locale(params.get("locale") or "vi"):
        with db.unit_of_work() as session:
            event = session.get_one(Event, params["event"])
            slug = event.slug
            pages = printed(session, event, CertificateTier(params["tier"]), params["public_url"])
        progress.expect(len(pages))
        message = _("Đang in giấy chứng nhận…")
        data = certificates.certificates_pdf(pages, on_page=lambda: progress.step(message=message))
        jobs.keep_file(progress.job_id, data)
        progress.message = _("Đã in %(count)s giấy chứng nhận.", count=len(pages))
        return {
            "url": url_for("scoring_paperwork.batch", slug=slug, job_id=progress.job_id),
            "label": _("Tải giấy chứng nhận (PDF)"),
            "download": True,
        }


def _subject_names(session: Session, event: Event) -> dict[str, str]:
    """What the minutes call the audit log's subjects: an entry by its title, a round by its
    name, a sheet by its judge and entry."""
    entries = session.execute(
        event_entries(Entry.id, Initiative.title), {"event_id": event.id}
    ).tuples()
    rounds = session.execute(select(Round.id, Round.name).where(Round.event_id == event.id))
    sheets = session.execute(
        contest_sheets(ScoreSheet.id, Judge.name, Initiative.title).join(
            Initiative, Initiative.id == Entry.initiative_id
        ),
        {"event_id": event.id},
    ).tuples()
    return (
        {f"entry:{key}": title for key, title in entries}
        | {f"round:{key}": name for key, name in rounds.tuples()}
        | {f"score_sheet:{key}": f"{judge} – {title}" for key, judge, title in sheets}
    )


def _resolution(log: AuditLog, names: dict[str, str]) -> str:
    """One line of the minutes' resolutions: when, what was done to what, and why."""
    what = str(ACTIONS[log.action])
    if name := names.get(log.subject):
        what = f"{what} “{name}”"
    return f"{day(log.at)} {clock(log.at)}: {what}: {log.reason}"


def _spread(raw: results.Standing) -> str:
    if raw.low is None or raw.high is None:
        return "–"
    spread = _(
        "%(low)s – %(high)s (độ lệch chuẩn %(sd)s)",
        low=number(raw.low, 2),
        high=number(raw.high, 2),
        sd=number(raw.sd, 2),
    )
    return str(spread)


def minutes_of(session: Session, event: Event) -> minutes.Minutes:
    """What the minutes print, as of now: the active jury, the standings under the method in
    force, the reasons the audit log kept (a method changed after the lock, a round reopened...),
    and each round's seal in force."""
    judges = session.scalars(
        select(Judge).where(Judge.event_id == event.id, Judge.active.is_(True))
    ).all()
    members = [
        minutes.Member(
            judge.name,
            str(JURY_ROLE_NAMES[judge.role]),
            judge.is_chair,
            judge.unit.name if judge.unit is not None else "",
        )
        for judge in sorted(judges, key=lambda j: (not j.is_chair, j.code or "", sort_key(j.name)))
    ]
    comparison = compare(session, event)
    method = comparison.method
    rows = []
    for row in comparison.entries:
        standing, prize = row.standings[method], row.prizes[method]
        flags = [str(FLAG_NAMES[flag]) for flag in standing.flags if flag != results.NO_SHEETS]
        rows.append(
            minutes.Row(
                rank=str(standing.rank) if standing.rank is not None else "–",
                title=row.title,
                unit=row.unit,
                score=number(standing.score, 2),
                n=row.raw.sheets,
                spread=_spread(row.raw),
                flags="; ".join(flags),
                prize=str(PRIZE_NAMES[prize]) if prize else "",
            )
        )
    # The jury's matters given a reason (a withdrawal, a round reopened...): not the other
    # writes of the event's log (an import, a vote voided at the booths).
    reasons = session.scalars(
        select(AuditLog)
        .where(
            AuditLog.event_id == event.id,
            AuditLog.reason != "",
            AuditLog.action.in_(list(ACTIONS)),
        )
        .order_by(AuditLog.id)
    ).all()
    names = _subject_names(session, event)
    resolutions = [_resolution(log, names) for log in reasons]
    seals = seals_in_force(session, event)
    rounds = session.scalars(
        select(Round).where(Round.event_id == event.id).order_by(Round.position)
    ).all()
    settings_ = settings(session, event)
    chair = next((judge.name for judge in judges if judge.is_chair), "")
    return minutes.Minutes(
        event=event.name,
        held_on=day(event.held_on),
        venue=event.venue,
        dated=certificates.dated(
            certificates.place_of(settings_.place, event.venue), event.held_on
        ),
        members=members,
        method=f"{METHOD_NAMES[method]}: {METHOD_HINTS[method]}",
        provisional=comparison.provisional,
        rows=rows,
        resolutions=resolutions,
        seals=[
            minutes.RoundSeal(
                round_.name,
                seals[round_.id].sha256 if round_.id in seals else None,
                f"{day(seals[round_.id].sealed_at)} {clock(seals[round_.id].sealed_at)}"
                if round_.id in seals
                else "",
            )
            for round_ in rounds
        ],
        chair=chair,
        secretary=settings_.secretary,
    )
