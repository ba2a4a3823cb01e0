"""The application for recognition (Đơn yêu cầu công nhận sáng kiến) of an initiative, as PDF, at
``/manage/initiatives/<id>/application.pdf`` (the layout is ``initiatives.paperwork``).

Any organiser may download it: it carries the confidential information, which organisers see
and the public pages never show. ``?to=`` sets the body it is sent to (Kính gửi; by default the
initiative council of the initiative's unit) and ``?place=`` the place before the date.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, Response, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core import db
from core.auth import organiser_required
from core.errors import NotFound
from core.i18n import nfc
from core.models.base import MAX_ID
from initiatives.models import Initiative
from initiatives.paperwork import Applicant, Application, application_pdf

bp = Blueprint("paperwork", __name__, url_prefix="/manage/initiatives")

MAX_FIELD = 300


def application_of(initiative: Initiative, to: str, place: str, dated: date) -> Application:
    """The form's content from the record."""
    unit = initiative.unit.name if initiative.unit else ""
    return Application(
        to=to or (f"Hội đồng sáng kiến {unit}" if unit else ""),
        authors=[
            Applicant(
                author.full_name,
                author.birth_date,
                author.workplace,
                author.job_title,
                author.qualification,
                author.contribution_pct,
            )
            for author in initiative.authors
        ],
        title=initiative.title,
        investor=initiative.investor or unit,
        field=initiative.field,
        first_applied_on=initiative.first_applied_on,
        prior_state=initiative.prior_state,
        solution=initiative.solution,
        applicability=initiative.applicability,
        effects=initiative.effects,
        confidential=initiative.confidential,
        benefit_vnd=initiative.benefit_vnd,
        non_monetary_benefits=initiative.non_monetary_benefits,
        place=place,
        dated=dated,
    )


def _argument(name: str) -> str:
    return nfc(request.args.get(name, "")).replace("\x00", "").strip()[:MAX_FIELD]


@bp.route("/<int:initiative_id>/application.pdf")
@organiser_required
def application(initiative_id: int) -> ResponseReturnValue:
    """The filled application form of the initiative, to print and sign."""
    initiative = (
        db.session().get(Initiative, initiative_id, options=[selectinload(Initiative.authors)])
        if 0 < initiative_id <= MAX_ID
        else None
    )
    if initiative is None:
        raise NotFound("initiative_not_found", _("Không tìm thấy sáng kiến này."))
    filled = application_of(initiative, _argument("to"), _argument("place"), date.today())
    name = f"don-yeu-cau-cong-nhan-{initiative.code or initiative.id}.pdf"
    return Response(
        application_pdf(filled),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
