"""The page Biên bản, giấy chứng nhận: what the minutes and certificates print, the minutes as
PDF, and the certificates of the prize winners, issued then printed by a job."""

from __future__ import annotations

import base64

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from core import audit, db, jobs
from core.api import job_file
from core.auth import signed_in_organiser
from core.errors import Invalid, status_of
from core.i18n import locale_code
from core.links import public_url
from core.manage import MenuItem, acting_organiser, event_page
from core.models import Event, EventRole
from scoring import paperwork
from scoring.auth import chair_or_manager
from scoring.manage.results import PRIZE_NAMES
from scoring.minutes import minutes_pdf
from scoring.models import CertificateTier

bp = Blueprint("scoring_paperwork", __name__, url_prefix="/manage/<slug>")

TIER_NAMES = {
    CertificateTier.CONFEDERATION: lazy_gettext("Tổng Liên đoàn Lao động Việt Nam"),
    CertificateTier.UNION: lazy_gettext("Công đoàn Điện lực Việt Nam"),
}


def _page(event: Event, error: Invalid | None = None) -> ResponseReturnValue:
    session = db.session()
    settings = paperwork.settings(session, event)
    page = render_template(
        "scoring/manage/paperwork.html",
        event=event,
        settings=settings,
        form=request.form if error is not None else {},
        errors={error.details.get("field", ""): error.message} if error is not None else {},
        logo=base64.b64encode(paperwork.logo_png(settings) or b"").decode(),
        certificates=paperwork.issued(session, event),
        tiers=list(CertificateTier),
        tier_names=TIER_NAMES,
        prize_names=PRIZE_NAMES,
        section="paperwork",
    )
    return page, status_of(error) if error is not None else 200


@bp.route("/paperwork")
@event_page(EventRole.MANAGER)
def paperwork_page(event: Event) -> ResponseReturnValue:
    """The settings, the minutes, and the certificates issued so far."""
    return _page(event)


@bp.route("/paperwork", methods=["POST"])
@event_page(EventRole.MANAGER)
def save(event: Event) -> ResponseReturnValue:
    """Save the place, the secretary, the signers and one certificate per author or team."""
    per_author = request.form.get("per_author") == "1"
    try:
        paperwork.save_settings(
            db.write(), event, request.form.to_dict(), per_author, acting_organiser()
        )
    except Invalid as error:
        db.rollback()
        return _page(event, error)
    flash(_("Đã lưu thông tin in trên biên bản và giấy chứng nhận."), "info")
    return redirect(url_for("scoring_paperwork.paperwork_page", slug=event.slug))


@bp.route("/paperwork/logo", methods=["POST"])
@event_page(EventRole.MANAGER)
def logo(event: Event) -> ResponseReturnValue:
    """Upload the unit's logo (PNG or JPEG), or take it off the certificates."""
    try:
        if request.form.get("remove") == "1":
            paperwork.remove_logo(db.write(), event, acting_organiser())
        else:
            upload = request.files.get("logo")
            data = upload.read() if upload is not None else b""
            paperwork.save_logo(db.write(), event, data, acting_organiser())
    except Invalid as error:
        db.rollback()
        return _page(event, error)
    flash(_("Đã cập nhật logo trên giấy chứng nhận."), "info")
    return redirect(url_for("scoring_paperwork.paperwork_page", slug=event.slug))


@bp.route("/certificates", methods=["POST"])
@event_page(EventRole.MANAGER)
def issue(event: Event) -> ResponseReturnValue:
    """Issue the certificates of a tier to the prize winners, then print them in a job."""
    try:
        tier = CertificateTier(request.form.get("tier", ""))
    except ValueError:
        return _page(
            event, Invalid("bad_tier", _("Hãy chọn cơ quan cấp giấy chứng nhận."), field="tier")
        )
    writing = db.write()
    organiser = signed_in_organiser()
    assert organiser is not None
    try:
        paperwork.issue_certificates(writing, event, tier, audit.actor(organiser))
    except Invalid as error:
        db.rollback()
        return _page(event, error)
    job = jobs.start(
        writing,
        paperwork.CERTIFICATES,
        event_id=event.id,
        organiser_id=organiser.id,
        event=event.id,
        tier=tier.value,
        locale=locale_code(),
        public_url=public_url(),
    )
    return redirect(url_for("manage.job", slug=event.slug, job_id=job.id))


@bp.route("/certificates/<job_id>.pdf")
@event_page(EventRole.MANAGER)
def batch(event: Event, job_id: str) -> ResponseReturnValue:
    """The PDF a certificates job printed."""
    name = f"giay-chung-nhan-{event.slug}.pdf"
    return job_file(job_id, paperwork.CERTIFICATES, event, name)


@bp.route("/minutes.pdf")
@chair_or_manager
def minutes(event: Event) -> ResponseReturnValue:
    """Biên bản họp Hội đồng chấm thi, as of now."""
    data = minutes_pdf(paperwork.minutes_of(db.session(), event))
    headers = {
        "Content-Disposition": f'attachment; filename="bien-ban-{event.slug}.pdf"',
        "Cache-Control": "no-store",
    }
    return data, 200, {"Content-Type": "application/pdf", **headers}


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "paperwork",
        lazy_gettext("Biên bản, giấy chứng nhận"),
        "scoring_paperwork.paperwork_page",
        role=EventRole.MANAGER,
        position=37,
    )
