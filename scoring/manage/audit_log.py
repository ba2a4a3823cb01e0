"""The audit page (Nhật ký) of an event: filters, pages, and the export as CSV or XLSX.

For managers and owners only: the rows carry sheets' scores before and after each change.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext

from core import db
from core.manage import MenuItem, event_page
from core.models import Event, EventRole
from scoring.audit_log import (
    KINDS,
    actors,
    audit_page,
    export_csv,
    export_xlsx,
    read_filters,
)

bp = Blueprint("scoring_audit", __name__, url_prefix="/manage/<slug>")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/audit")
@event_page(EventRole.MANAGER)
def audit(event: Event) -> ResponseReturnValue:
    """Every change of the event, newest first, under the form's filters."""
    session = db.session()
    filters = read_filters(request.args)
    number = request.args.get("page", "1")
    return render_template(
        "scoring/manage/audit.html",
        event=event,
        page=audit_page(session, event, filters, int(number) if number.isdigit() else 1),
        actors=actors(session, event),
        kinds=KINDS,
        args=request.args,
        query={k: v for k, v in request.args.items() if k != "page"},
        section="audit",
    )


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.route("/audit.csv")
@event_page(EventRole.MANAGER)
def audit_csv(event: Event) -> ResponseReturnValue:
    """The filtered log as CSV."""
    body = export_csv(db.session(), event, read_filters(request.args))
    return _download(body, "text/csv; charset=utf-8", f"nhat-ky-{event.slug}.csv")


@bp.route("/audit.xlsx")
@event_page(EventRole.MANAGER)
def audit_xlsx(event: Event) -> ResponseReturnValue:
    """The filtered log as an Excel workbook."""
    body = export_xlsx(db.session(), event, read_filters(request.args))
    return _download(body, XLSX, f"nhat-ky-{event.slug}.xlsx")


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "audit", lazy_gettext("Nhật ký"), "scoring_audit.audit", role=EventRole.MANAGER, position=90
    )
