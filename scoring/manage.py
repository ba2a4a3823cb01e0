"""The organiser's pages of the pitch contest."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext

from core import db
from core.manage import MenuItem, event_page
from core.models import Event
from scoring.progress import judging_progress, set_aside_sheets

bp = Blueprint("scoring_manage", __name__, url_prefix="/manage/<slug>", template_folder="templates")


@bp.route("/judging")
@event_page()
def judging(event: Event) -> ResponseReturnValue:
    """Judging progress: each judge's sheets, submitted and in draft, out of those expected;
    and the sheets that a recusal took out of the count."""
    return render_template(
        "scoring/manage/judging.html",
        event=event,
        progress=judging_progress(db.session(), event),
        set_aside=set_aside_sheets(db.session(), event),
        section="judging",
    )


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "judging", lazy_gettext("Tiến độ chấm điểm"), "scoring_manage.judging", position=30
    )
