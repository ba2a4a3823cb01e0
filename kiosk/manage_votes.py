"""The organiser's pages of the people's-choice vote: the register, the window, the ballots to
print or hand out, the review of suspicious votes, and the result once released."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core import db, jobs, qr
from core.api import job_file
from core.auth import can_manage, signed_in_organiser
from core.errors import Conflict, DomainError, Invalid
from core.i18n import locale_code, nfc
from core.links import public_url
from core.manage import MenuItem, event_page
from core.models import Event, EventRole, Organiser, utcnow
from core.spreadsheets import append_row, csv_text
from kiosk import ballots
from kiosk.models import Ballot, BallotChannel, Exhibit, Visit, Vote
from kiosk.qr import qr_text
from kiosk.slips import Slip, slips_pdf

bp = Blueprint(
    "votes_manage", __name__, url_prefix="/manage/<slug>/votes", template_folder="templates"
)
SLIPS = "ballot-slips"
VENUE_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def _organiser() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # event_page let them in
    return organiser


def visits_by_hour(session: Session, event: Event) -> list[tuple[str, int]]:
    """Visits to the event's exhibits per hour of the day at the venue, from the first to the
    last hour with a visit (empty hours in between shown as 0)."""
    times = session.scalars(
        select(Visit.at)
        .join(Exhibit, Exhibit.id == Visit.exhibit_id)
        .where(Exhibit.event_id == event.id)
    ).all()
    hours = Counter(at.astimezone(VENUE_TIME).hour for at in times)
    if not hours:
        return []
    return [(f"{hour:02d}:00", hours.get(hour, 0)) for hour in range(min(hours), max(hours) + 1)]


@bp.route("")
@event_page()
def votes(event: Event) -> ResponseReturnValue:
    """The register (issued, voted), the window, and the result once released."""
    session = db.session()
    standings = ballots.tally(session, event)
    hourly = visits_by_hour(session, event)
    chart = {
        "result": [[s.exhibit.initiative.title, s.votes] for s in standings or []],
        "visits": hourly,
        "text": {"votes": _("Phiếu bầu"), "visits": _("Lượt xem")},
    }
    return render_template(
        "kiosk/manage/votes.html",
        event=event,
        register=ballots.register(session, event),
        window=ballots.window(event, utcnow()).value,
        standings=standings,
        hourly=hourly,
        chart=chart,
        can_run=_can(event),
        section="votes",
    )


def _can(event: Event) -> bool:
    return can_manage(event, EventRole.MANAGER)


def _done(message: str, event: Event) -> ResponseReturnValue:
    flash(message, "info")
    return redirect(url_for("votes_manage.votes", slug=event.slug))


@bp.route("/open", methods=["POST"])
@event_page(EventRole.MANAGER)
def open_window(event: Event) -> ResponseReturnValue:
    ballots.open_voting(db.write(), event, _organiser(), utcnow())
    return _done(_("Đã mở bình chọn."), event)


@bp.route("/close", methods=["POST"])
@event_page(EventRole.MANAGER)
def close_window(event: Event) -> ResponseReturnValue:
    ballots.close_voting(db.write(), event, _organiser(), utcnow())
    return _done(_("Đã đóng bình chọn."), event)


@bp.route("/release", methods=["POST"])
@event_page(EventRole.MANAGER)
def release(event: Event) -> ResponseReturnValue:
    ballots.release_votes(db.write(), event, _organiser(), utcnow())
    return _done(_("Đã công bố kết quả bình chọn."), event)


@bp.route("/informed", methods=["POST"])
@event_page(EventRole.MANAGER)
def informed(event: Event) -> ResponseReturnValue:
    """The informed vote: scan the booth's code first, and wait at least so many seconds."""
    try:
        seconds = int(request.form.get("min_seconds", "0") or 0)
    except ValueError:
        raise Invalid("min_seconds", _("Thời gian tối thiểu phải là số giây.")) from None
    required = request.form.get("required") == "1"
    ballots.settings_of_informed_vote(
        db.write(), event, _organiser(), required=required, min_seconds=seconds
    )
    return _done(_("Đã lưu cách bình chọn."), event)


def _count() -> int:
    try:
        return int(request.form.get("count", ""))
    except ValueError:
        raise Invalid("ballot_count", _("Hãy nhập số phiếu cần in.")) from None


@bp.route("/ballots", methods=["POST"])
@event_page(EventRole.MANAGER)
def print_ballots(event: Event) -> ResponseReturnValue:
    """New ballots, printed as slips by a job (a thousand slips take a while)."""
    writing = db.write()
    issued = ballots.issue_ballots(writing, event, _count(), BallotChannel.BADGE, _organiser())
    job = jobs.start(
        writing,
        SLIPS,
        event_id=event.id,
        organiser_id=_organiser().id,
        ballots=[ballot.id for ballot in issued],
        public_url=public_url(),
        locale=locale_code(),
    )
    return redirect(url_for("manage.job", slug=event.slug, job_id=job.id))


@jobs.task(SLIPS, lazy_gettext("In phiếu bình chọn"))
def make_slips(progress: jobs.Progress, params: dict[str, Any]) -> dict[str, Any]:
    """Draw the slips of the ballots just issued and keep the PDF (readable by its owner only:
    every slip is a vote) for the organiser's download."""
    from flask_babel import force_locale

    with db.unit_of_work() as session:
        found = session.scalars(
            select(Ballot)
            .where(Ballot.id.in_(params["ballots"]))
            .options(joinedload(Ballot.event))
            .order_by(Ballot.id)
        ).all()
        with force_locale(params.get("locale", "vi")):
            title, how = (
                _("PHIẾU BÌNH CHỌN"),
                _(
                    "Quét mã QR bằng điện thoại, chọn sản phẩm bạn yêu thích rồi bấm Bình chọn. "
                    "Mỗi phiếu bình chọn được một lần."
                ),
            )
        slips = [
            Slip(
                ballot.event.name,
                title,
                how,
                qr_text(params["public_url"], ballot.token, "B"),
                f"{number:04d}",
            )
            for number, ballot in enumerate(found, start=1)
        ]
        slug = found[0].event.slug if found else ""
    progress.expect(len(slips))
    jobs.keep_file(progress.job_id, slips_pdf(slips, progress.step))
    with force_locale(params.get("locale", "vi")):
        label = _("Tải tệp PDF phiếu bình chọn")
    return {"url": f"/manage/{slug}/votes/slips/{progress.job_id}", "label": label}


@bp.route("/slips/<job_id>")
@event_page(EventRole.MANAGER)
def slips_file(event: Event, job_id: str) -> ResponseReturnValue:
    return job_file(job_id, SLIPS, event, "phieu-binh-chon.pdf")


@bp.route("/ballots/kiosk", methods=["POST"])
@event_page(EventRole.MANAGER)
def kiosk_ballot(event: Event) -> ResponseReturnValue:
    """One ballot handed out at the desk: its QR code on screen, for the visitor's phone."""
    (ballot,) = ballots.issue_ballots(db.write(), event, 1, BallotChannel.KIOSK, _organiser())
    link = qr_text(public_url(), ballot.token, "B")
    response = Response(
        render_template(
            "kiosk/manage/kiosk_ballot.html",
            event=event,
            link=link,
            code=qr.svg_data_uri(link),
            section="votes",
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/review")
@event_page(EventRole.MANAGER)
def review(event: Event) -> ResponseReturnValue:
    """Patterns worth a look (bursts from one address, bursts for one exhibit), and the votes
    already voided."""
    session = db.session()
    voided = session.scalars(
        select(Vote)
        .join(Ballot, Ballot.id == Vote.ballot_id)
        .where(Ballot.event_id == event.id, Vote.voided_at.is_not(None))
        .order_by(Vote.voided_at)
    ).all()
    exhibits = {e.id: e for e in ballots.votable_exhibits(session, event)}
    return render_template(
        "kiosk/manage/vote_review.html",
        event=event,
        flags=ballots.suspicious(session, event),
        voided=voided,
        exhibits=exhibits,
        released=event.votes_released_at is not None,
        section="votes",
    )


@bp.route("/<int:vote_id>/void", methods=["POST"])
@event_page(EventRole.MANAGER)
def void(event: Event, vote_id: int) -> ResponseReturnValue:
    reason = nfc(request.form.get("reason", ""))
    try:
        ballots.void_vote(db.write(), event, vote_id, reason, _organiser(), utcnow())
    except DomainError as refused:
        db.rollback()
        flash(refused.message, "error")
    else:
        flash(_("Đã hủy lượt bình chọn."), "info")
    return redirect(url_for("votes_manage.review", slug=event.slug))


def _released(event: Event) -> list[ballots.Standing]:
    standings = ballots.tally(db.session(), event)
    if standings is None:
        raise Conflict("not_released", _("Kết quả bình chọn chưa được công bố."))
    return standings


def result_rows(standings: list[ballots.Standing]) -> list[list[Any]]:
    header = [_("Hạng"), _("Gian"), _("Sáng kiến"), _("Đơn vị"), _("Số phiếu")]
    rows: list[list[Any]] = [header]
    for s in standings:
        unit = s.exhibit.initiative.unit.name if s.exhibit.initiative.unit else ""
        rows.append([s.rank, s.exhibit.booth, s.exhibit.initiative.title, unit, s.votes])
    return rows


def _file_name(event: Event, suffix: str) -> str:
    return f"binh-chon-{event.slug}.{suffix}"


@bp.route("/result.csv")
@event_page()
def result_csv(event: Event) -> ResponseReturnValue:
    return Response(
        "\ufeff" + csv_text(result_rows(_released(event))),  # Excel opens UTF-8 with a BOM as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={_file_name(event, 'csv')}"},
    )


@bp.route("/result.xlsx")
@event_page()
def result_xlsx(event: Event) -> ResponseReturnValue:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Bình chọn")
    for row in result_rows(_released(event)):
        append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(
        out,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=_file_name(event, "xlsx"),
    )


def menu_item(_event: Event) -> MenuItem:
    return MenuItem("votes", lazy_gettext("Bình chọn"), "votes_manage.votes", position=22)
