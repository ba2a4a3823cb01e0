"""Periodic reports and sharing the best, in the programme console.

- ``/manage/programme/reports``: any organiser chooses a unit (or the whole programme), a period
  and a format (the report as PDF or XLSX, or the one-page Bản tin sáng kiến), and a job makes the
  file off the request, with its progress; its page then offers the download.
- ``/library/<id>/share-card.png``: the share card of an initiative that is recognised or won an
  award at an event, linked from its library record.

The figures are ``initiatives.reports``'s, which counts with the programme dashboard's own rules.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db, jobs
from core.admin import flatten, unit_tree
from core.api import job_json, job_or_404
from core.auth import organiser_required, signed_in_organiser
from core.errors import Invalid, NotFound, status_of
from core.i18n import locale_code
from core.links import public_url
from core.models import Unit
from core.models.base import MAX_ID
from initiatives import bulletin, report_pdf, report_xlsx, reports, sharing
from initiatives.access import costly, library_reader, published, visible
from initiatives.appearances import appearances
from initiatives.manage_programme import programme_row, read_programme
from initiatives.models import Initiative
from initiatives.recognition import initiative_or_404

bp = Blueprint("reports", __name__, url_prefix="/manage/programme", template_folder="templates")
cards = Blueprint("sharing", __name__, url_prefix="/library")

REPORT = "programme.report"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
WHOLE = "all"
UNIT_ID = re.compile(r"[0-9]{1,12}")
FORMATS = {
    "pdf": (lazy_gettext("Báo cáo (PDF)"), "application/pdf", "pdf"),
    "xlsx": (
        lazy_gettext("Báo cáo (Excel)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "bulletin": (lazy_gettext("Bản tin sáng kiến (PDF, một trang)"), "application/pdf", "pdf"),
}


def registered_on(created_at: datetime) -> date:
    """The day a record was created, in Vietnam (where a report's periods begin and end)."""
    aware = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).date()


def checked_choice(session: Session, unit_id: int | None, key: str) -> reports.Period:
    """The period named ``key``, once it and the unit are known; else ``Invalid``. A period
    outside the programme's years is refused: its report would count nothing against no
    target."""
    whole = programme_row(session)
    try:
        chosen = reports.period(key, whole.first_year, whole.last_year)
    except reports.BadPeriod:
        raise Invalid("bad_period", _("Hãy chọn một kỳ báo cáo trong danh sách.")) from None
    if chosen.key not in reports.periods(whole.first_year, whole.last_year):
        message = _(
            "Kỳ báo cáo phải nằm trong các năm của Chương trình, từ %(first)s đến %(last)s.",
            first=whole.first_year,
            last=whole.last_year,
        )
        raise Invalid("period_outside_programme", message)
    if unit_id is not None and (unit_id > MAX_ID or session.get(Unit, unit_id) is None):
        raise Invalid("bad_unit", _("Hãy chọn một đơn vị trong danh sách."))
    return chosen


def read_report(
    session: Session, unit_id: int | None, key: str
) -> tuple[reports.Report, dict[int | None, str]]:
    """The report of a unit (None: every unit) for the period ``key``, and the units' names;
    ``Invalid`` for an unknown unit or period. It reads as the dashboard does
    (``manage_programme.read_programme``), and the records besides; drafts (a worker's dossier
    not recognised yet, a kiosk registration not approved) are not registered initiatives."""
    read = read_programme(session)
    whole = read.whole
    chosen = checked_choice(session, unit_id, key)
    names: dict[int | None, str] = {unit.id: unit.name for unit, _depth in read.lines}
    names[None] = _("Toàn chương trình")
    people: dict[int, list[str]] = {}
    for initiative_id, line in read.authors:
        people.setdefault(initiative_id, []).append(line.full_name)
    records = [
        reports.Record(
            id=row.id,
            title=row.title,
            unit_id=row.unit_id,
            registered_on=registered_on(row.created_at),
            level=row.recognition_level,
            decided_on=row.decision_date,
            benefit_vnd=row.benefit_vnd,
            benefit_actual_vnd=row.benefit_actual_vnd,
            authors=tuple(people.get(row.id, ())),
        )
        for row in session.execute(
            select(
                Initiative.id,
                Initiative.title,
                Initiative.unit_id,
                Initiative.created_at,
                Initiative.recognition_level,
                Initiative.decision_date,
                Initiative.benefit_vnd,
                Initiative.benefit_actual_vnd,
            ).where(*published())
        )
    ]

    def award_of(initiative_id: int) -> str:
        found = appearances(session, session.get_one(Initiative, initiative_id))
        return next((seen.award for seen in found if seen.award), "")

    counted = reports.report(
        records,
        read.authors,
        read.units,
        read.targets,
        unit_id,
        chosen,
        whole.first_year,
        whole.last_year,
        award_of,
    )
    return counted, names


def _form_page(problem: str = "", status: int = 200) -> ResponseReturnValue:
    session = db.session()
    whole = programme_row(session)
    keys = reports.periods(whole.first_year, whole.last_year)
    this_year = str(datetime.now(VIETNAM).year)
    page = render_template(
        "initiatives/programme/reports.html",
        lines=flatten(unit_tree(session)),
        periods=[(key, _period_name(key, whole.first_year, whole.last_year)) for key in keys],
        formats=FORMATS,
        chosen=request.values,
        default_period=this_year if this_year in keys else reports.PROGRAMME,
        problem=problem,
        whole=WHOLE,
    )
    return page, status


def _period_name(key: str, first_year: int, last_year: int) -> str:
    return report_pdf.period_label(
        reports.period(key, first_year, last_year), first_year, last_year
    )


@bp.route("/reports")
@organiser_required
def report_form() -> ResponseReturnValue:
    """Choose a unit, a period and a format."""
    return _form_page()


def read_choice(form: Mapping[str, str]) -> tuple[int | None, str, str]:
    """The unit (None: the whole programme), the period's key and the format of the form; the
    unit and the period are checked against the database by :func:`checked_choice`."""
    unit, kind = form.get("unit", WHOLE), form.get("format", "")
    if kind not in FORMATS:
        raise Invalid("bad_format", _("Hãy chọn định dạng của báo cáo."))
    if unit != WHOLE and not UNIT_ID.fullmatch(unit):
        raise Invalid("bad_unit", _("Hãy chọn một đơn vị trong danh sách."))
    return (None if unit == WHOLE else int(unit)), form.get("period", ""), kind


@bp.route("/reports", methods=["POST"])
@organiser_required
def start_report() -> ResponseReturnValue:
    """Check the choice, then make the file by a job and follow it on its page."""
    try:
        unit_id, key, kind = read_choice(request.form)
        checked_choice(db.session(), unit_id, key)
    except Invalid as error:
        return _form_page(error.message, status_of(error))
    organiser = signed_in_organiser()
    assert organiser is not None
    job = jobs.start(
        db.write(),
        REPORT,
        organiser_id=organiser.id,
        unit=unit_id,
        period=key,
        format=kind,
        locale=locale_code(),
    )
    return redirect(url_for("reports.job", job_id=job.id))


@bp.route("/reports/<job_id>")
@organiser_required
def job(job_id: str) -> ResponseReturnValue:
    """The report being made, then its download."""
    return render_template("core/manage/job.html", job=job_json(job_or_404(job_id, REPORT)))


def file_name(unit: str, key: str, kind: str) -> str:
    """``bao-cao-sang-kien-2025-Q1.pdf``, ``…-ca-giai-doan.pdf`` for the programme's whole
    period; the bulletin ``ban-tin-sang-kien-…``."""
    stem = "ban-tin-sang-kien" if kind == "bulletin" else "bao-cao-sang-kien"
    period = "ca-giai-doan" if key == reports.PROGRAMME else key
    return f"{stem}-{unit}-{period}.{FORMATS[kind][2]}"


@bp.route("/reports/<job_id>/file")
@organiser_required
def download(job_id: str) -> ResponseReturnValue:
    """The file a report's job made."""
    found = job_or_404(job_id, REPORT)
    params = found.params or {}
    kind = params.get("format", "")
    path = jobs.kept_file(found.id)
    if kind not in FORMATS or not path.is_file():
        abort(404)
    unit = "toan-chuong-trinh" if params.get("unit") is None else f"don-vi-{params['unit']}"
    return send_file(
        path,
        mimetype=FORMATS[kind][1],
        as_attachment=True,
        download_name=file_name(unit, str(params.get("period", "")), kind),
    )


@jobs.task(REPORT, lazy_gettext("Lập báo cáo sáng kiến"))
def make_report(progress: jobs.Progress, params: dict[str, Any]) -> dict[str, Any]:
    """The job: read and count, draw the file, keep it for the download."""
    kind = params["format"]
    with current_app.test_request_context(), force_locale(params.get("locale") or "vi"):
        progress.expect(3)
        progress.step(message=_("Đang đọc và đếm sáng kiến…"))
        with db.unit_of_work() as session:
            counted, names = read_report(session, params.get("unit"), params["period"])
        progress.step(message=_("Đang vẽ báo cáo…"))
        today = datetime.now(VIETNAM).date()
        if kind == "xlsx":
            data = report_xlsx.report_xlsx(counted, names, today)
        elif kind == "bulletin":
            unit = names[counted.unit_id]
            data = bulletin.bulletin_pdf(counted, names, bulletin.Heading(unit, today))
        else:
            data = report_pdf.report_pdf(counted, names, today)
        jobs.keep_file(progress.job_id, data)
        progress.step(message=_("Đã lập xong."))
        return {
            "url": url_for("reports.download", job_id=progress.job_id),
            "label": _("Tải tệp: %(what)s", what=FORMATS[kind][0]),
            "download": True,
        }


# --- The share card -----------------------------------------------------------------------------


def shared_card(session: Session, initiative: Initiative) -> sharing.Card | None:
    """The card of ``initiative``, or None when it is neither recognised nor awarded."""
    award = next((seen for seen in appearances(session, initiative) if seen.award), None)
    if initiative.recognition_level is None and award is None:
        return None
    recognition = ""
    if initiative.recognition_level is not None:
        recognition = bulletin.LEVEL_WORDS[initiative.recognition_level]
        if initiative.decision_number:
            recognition += f" · QĐ {initiative.decision_number}"
        if initiative.decision_date:
            recognition += f" ngày {initiative.decision_date.strftime('%d/%m/%Y')}"
    benefit = (
        initiative.benefit_actual_vnd
        if initiative.benefit_actual_vnd is not None
        else initiative.benefit_vnd
    )
    return sharing.Card(
        title=initiative.title,
        unit=initiative.unit.name if initiative.unit else "",
        authors=", ".join(author.full_name for author in initiative.authors),
        benefit=bulletin.benefit_words(benefit),
        recognition=recognition,
        award=f"{award.award} · {award.event_name}" if award else "",
        link=public_url() + url_for("library.record", initiative_id=initiative.id),
    )


@cards.route("/<int:initiative_id>/share-card.png")
@library_reader
@costly
def share_card(initiative_id: int) -> ResponseReturnValue:
    """The share card (PNG) of a recognised or award-winning initiative: whoever may read its
    record in the library may share it; drawing one costs CPU, so readers without an account are
    limited as for exports."""
    session = db.session()
    initiative = initiative_or_404(session, initiative_id)
    card = shared_card(session, initiative) if visible(session, initiative_id) else None
    if card is None:
        raise NotFound(
            "not_shareable",
            _("Chỉ sáng kiến đã được công nhận hoặc đạt giải mới có thẻ chia sẻ."),
        )
    return send_file(
        io.BytesIO(sharing.card_png(card)),
        mimetype="image/png",
        as_attachment=True,
        download_name=f"the-sang-kien-{initiative_id}.png",
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(cards)
