"""The results page (Kết quả): the method in force, and every method side by side.

Managers see each entry's score and rank under the four methods before they choose one; viewers
do not see scores before they are published, so the page is the managers'. Once the results are
locked a change of method needs a reason (``scoring.results_service``).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from core import audit, db
from core.auth import signed_in_organiser
from core.errors import Invalid
from core.manage import MenuItem, event_page
from core.models import Event, EventRole
from scoring import results
from scoring.results.awards import FIRST, MERIT, SECOND, THIRD
from scoring.results_service import MAX_REASON, choose_method, needs_reason
from scoring.standings import compare

bp = Blueprint("scoring_results", __name__, url_prefix="/manage/<slug>")

METHOD_NAMES = {
    results.MEAN: lazy_gettext("Trung bình cộng"),
    results.TRIMMED: lazy_gettext("Trung bình sau khi bỏ điểm cao nhất, thấp nhất"),
    results.ZSCORE: lazy_gettext("Chuẩn hóa theo từng giám khảo (điểm z)"),
    results.JUDGE_EFFECT: lazy_gettext("Hiệu chỉnh độ lệch của giám khảo"),
}
METHOD_HINTS = {
    results.MEAN: lazy_gettext("Trung bình tổng điểm của mọi phiếu chấm bài."),
    results.TRIMMED: lazy_gettext(
        "Từ 4 phiếu: bỏ một phiếu cao nhất và một phiếu thấp nhất; 3 phiếu: trung bình hai phiếu "
        "gần nhau nhất; 1–2 phiếu: trung bình cộng."
    ),
    results.ZSCORE: lazy_gettext(
        "Đưa điểm của từng giám khảo về cùng mặt bằng của vòng thi, để giám khảo chấm rộng tay "
        "hay chặt tay không làm lệch kết quả."
    ),
    results.JUDGE_EFFECT: lazy_gettext(
        "Khi mỗi giám khảo chỉ chấm một phần các bài (khu trưng bày): ước lượng độ lệch riêng "
        "của từng giám khảo rồi trừ đi."
    ),
}
FLAG_NAMES = {
    results.NO_SHEETS: lazy_gettext("chưa có phiếu"),
    results.SMALL_PANEL: lazy_gettext("ít phiếu, không bỏ được phiếu nào"),
    results.DISCONNECTED: lazy_gettext(
        "các nhóm giám khảo không chấm chung bài nào: dùng trung bình"
    ),
    results.FLAT_JUDGE: lazy_gettext("có giám khảo cho mọi bài cùng một điểm"),
    results.TIED: lazy_gettext("bằng điểm sau mọi tiêu chí phụ: đồng hạng"),
}
PRIZE_NAMES = {
    FIRST: lazy_gettext("Giải Nhất"),
    SECOND: lazy_gettext("Giải Nhì"),
    THIRD: lazy_gettext("Giải Ba"),
    MERIT: lazy_gettext("Giải Khuyến khích"),
}
# The results' tables offered one by one as CSV (scoring/exports.py), in the order they come.
EXPORT_TABLES = (
    ("standings", lazy_gettext("Xếp hạng")),
    ("judges", lazy_gettext("Theo giám khảo")),
    ("criteria", lazy_gettext("Theo tiêu chí")),
    ("sheets", lazy_gettext("Phiếu chấm điểm")),
)
# Which field of the form a refusal is about.
FIELD_OF = {"invalid_method": "method", "invalid_reason": "reason", "reason_required": "reason"}


def _page(
    event: Event, errors: dict[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "scoring/manage/results.html",
        event=event,
        comparison=compare(db.session(), event),
        methods=list(results.METHODS),
        method_names=METHOD_NAMES,
        method_hints=METHOD_HINTS,
        flag_names=FLAG_NAMES,
        prize_names=PRIZE_NAMES,
        slots=results.DEFAULT_SLOTS,
        export_tables=EXPORT_TABLES,
        needs_reason=needs_reason(event),
        max_reason=MAX_REASON,
        errors=errors or {},
        form=request.form,
        section="results",
    )
    return page, status


@bp.route("/results")
@event_page(EventRole.MANAGER)
def results_page(event: Event) -> ResponseReturnValue:
    """Every entry under every method, and the form that chooses the method in force."""
    return _page(event)


@bp.route("/results/method", methods=["POST"])
@event_page(EventRole.MANAGER)
def choose(event: Event) -> ResponseReturnValue:
    """Put the chosen method in force; once the results are locked, with a reason."""
    organiser = signed_in_organiser()
    assert organiser is not None
    method, reason = request.form.get("method", ""), request.form.get("reason", "")
    try:
        changed = choose_method(db.write(), event, method, reason, audit.actor(organiser))
    except Invalid as error:
        db.rollback()
        return _page(event, {FIELD_OF.get(error.code, "method"): error.message}, 422)
    if changed:
        flash(_("Đã đổi cách tính điểm thành “%(name)s”.", name=METHOD_NAMES[method]), "info")
    else:
        flash(_("Cách tính điểm không có gì thay đổi."), "info")
    return redirect(url_for("scoring_results.results_page", slug=event.slug))


def menu_item(_event: Event) -> MenuItem:
    return MenuItem(
        "results",
        lazy_gettext("Kết quả"),
        "scoring_results.results_page",
        role=EventRole.MANAGER,
        position=35,
    )
