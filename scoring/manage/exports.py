"""The results as files, for the managers and the jury chair: a workbook, or one table as CSV.

Linked from the results page (Kết quả); the chair opens the same addresses from the tablet
session their card opened (``scoring.auth.chair_or_manager``).
"""

from __future__ import annotations

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core import db
from core.errors import NotFound
from core.models import Event
from scoring import exports
from scoring.auth import chair_or_manager

bp = Blueprint("scoring_exports", __name__, url_prefix="/manage/<slug>")


def _attachment(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/results.xlsx")
@chair_or_manager
def workbook(event: Event) -> ResponseReturnValue:
    """Every table of the results in one workbook."""
    data = exports.xlsx_bytes(exports.tables(db.session(), event))
    return _attachment(data, exports.XLSX_TYPE, f"ket-qua-{event.slug}.xlsx")


@bp.route("/results/<table>.csv")
@chair_or_manager
def table_csv(event: Event, table: str) -> ResponseReturnValue:
    """One table of the results (standings, judges, criteria, sheets) as CSV."""
    if table not in exports.TABLES:
        raise NotFound("table_not_found", _("Không có bảng kết quả này."))
    data = exports.csv_bytes(exports.tables(db.session(), event)[table])
    return _attachment(data, "text/csv; charset=utf-8", f"ket-qua-{event.slug}-{table}.csv")
