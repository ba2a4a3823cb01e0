"""The initiative library (Thư viện sáng kiến) at ``/library``: every initiative of every event,
for the organisation's staff.

Its readers search it, open a record and export a search (CSV, XLSX, JSON): anyone who reaches
the server, or only the organisers, as an administrator chose (``initiatives.access``, which also
says what a reader without an account does not see). The confidential information (Thông tin cần
bảo mật) is never shown on these pages nor exported: it stays on the organisers' event pages where
it was entered. Site administrators, who keep the library (as they keep units, themes and fields),
record an initiative's recognition and benefit, and rule on the novelty check's findings
(``initiatives.novelty``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from core import db, signals
from core.admin import AdminLink, unit_lines
from core.auth import admin_required, signed_in_organiser
from core.errors import Invalid, NotFound
from core.models import Organiser
from core.models.base import MAX_ID
from initiatives import exports
from initiatives.access import (
    EXPORT_LIMIT,
    costly,
    hidden,
    is_staff,
    library_reader,
    readers,
    set_readers,
    visible,
)
from initiatives.appearances import appearances
from initiatives.dossiers import STATE_NAMES
from initiatives.models import (
    Attachment,
    AttachmentKind,
    Dossier,
    Initiative,
    LibraryReaders,
    Scope,
    Similarity,
    SimilarityKind,
    SolutionType,
    TermKind,
    attachments_folder,
)
from initiatives.recognition import (
    DECISION_NAMES,
    LEVEL_NAMES,
    change_lines,
    decide,
    history,
    initiative_or_404,
    parse_decision,
    read_recognition,
    similarity_or_404,
    update_recognition,
)
from initiatives.search import NOT_RECOGNISED, Query, parse_query, search
from initiatives.search import everything as all_found
from initiatives.service import terms

bp = Blueprint("library", __name__, url_prefix="/library", template_folder="templates")

SOLUTION_TYPE_NAMES = {
    SolutionType.TECHNICAL: lazy_gettext("Kỹ thuật"),
    SolutionType.MANAGEMENT: lazy_gettext("Quản lý"),
    SolutionType.OPERATIONAL: lazy_gettext("Tác nghiệp"),
    SolutionType.TECHNOLOGY_APPLICATION: lazy_gettext("Ứng dụng tiến bộ kỹ thuật"),
}
SCOPE_NAMES = {
    Scope.UNIT: lazy_gettext("Đơn vị"),
    Scope.COMPANY: lazy_gettext("Công ty"),
    Scope.CORPORATION: lazy_gettext("Tổng công ty"),
    Scope.GROUP: lazy_gettext("Tập đoàn"),
    Scope.OUTSIDE: lazy_gettext("Ngoài ngành"),
}
SORT_NAMES = {
    "relevance": lazy_gettext("Phù hợp nhất"),
    "title": lazy_gettext("Tên sáng kiến (A–Z)"),
    "unit": lazy_gettext("Đơn vị (A–Z)"),
    "benefit": lazy_gettext("Giá trị làm lợi cao nhất"),
    "newest": lazy_gettext("Mới nhất"),
}
FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "json": ("application/json", exports.to_json),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READER_NAMES = {
    LibraryReaders.EVERYONE: lazy_gettext("Mọi người truy cập máy chủ này"),
    LibraryReaders.ORGANISERS: lazy_gettext("Chỉ Ban Tổ chức"),
}


def _me() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only organisers in
    return organiser


def choices(session: Session) -> dict[str, Any]:
    """What the search form offers: units as a tree, the lists, the enumerations."""
    return {
        "units": unit_lines(session),
        "themes": terms(session, TermKind.THEME),
        "fields": terms(session, TermKind.FIELD),
        "solution_types": SOLUTION_TYPE_NAMES,
        "levels": LEVEL_NAMES,
        "not_recognised": NOT_RECOGNISED,
        "sorts": SORT_NAMES,
    }


def layout() -> dict[str, Any]:
    """The frame of a reading page: the organisers' bar for an organiser, a light page (a phone
    that scanned a share card) for anyone else."""
    staff = is_staff()
    return {
        "layout": "core/manage/base.html" if staff else "initiatives/library/public.html",
        "staff": staff,
    }


@bp.route("")
@library_reader
def index() -> ResponseReturnValue:
    """Search the library: words without diacritics, filters, an order, pages."""
    session = db.session()
    page = search(session, parse_query(request.args), hidden())
    return render_template(
        "initiatives/library/index.html",
        page=page,
        query=page.query,
        **choices(session),
        **layout(),
    )


def enumeration_names() -> dict[str, str]:
    """The enumerations' values spelt in the reader's language, for the exports."""
    named: Mapping[Any, Any] = {**SOLUTION_TYPE_NAMES, **LEVEL_NAMES}
    return {key.value: str(name) for key, name in named.items()}


@bp.route("/export.<kind>")
@library_reader
@costly
def export(kind: str) -> ResponseReturnValue:
    """The whole current search (every page) as CSV, XLSX or JSON."""
    if kind not in (*FORMATS, "xlsx"):
        raise NotFound("format_not_found", _("Không có định dạng tải về này."))
    query: Query = parse_query(request.args)
    names = enumeration_names()
    found = all_found(db.session(), query, hidden())
    rows = [exports.record(initiative, names) for initiative in found]
    if kind == "xlsx":
        body, mimetype = exports.to_xlsx(rows, _("Thư viện sáng kiến")), XLSX
    else:
        mimetype, write = FORMATS[kind]
        body = write(rows)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="thu-vien-sang-kien.{kind}"'
    return response


def record_page(session: Session, initiative: Initiative, staff: bool) -> dict[str, Any]:
    """What a record's page shows besides the record: where it has been, the records the novelty
    check found close to it (earlier ones) or it close to (later ones), its history, its dossier of
    recognition. A reader without an account (not ``staff``) sees only the published records it
    was replicated from or at, and neither history nor dossier: those name the organisers."""
    shown = select(Similarity).where(
        (Similarity.initiative_id == initiative.id) | (Similarity.other_id == initiative.id)
    )
    if not staff:
        public = select(Initiative.id).where(*hidden())
        shown = shown.where(
            Similarity.kind != SimilarityKind.NOVELTY,
            Similarity.initiative_id.in_(public),
            Similarity.other_id.in_(public),
        )
    found = session.scalars(
        shown.options(
            joinedload(Similarity.initiative).joinedload(Initiative.unit),
            joinedload(Similarity.other).joinedload(Initiative.unit),
        ).order_by(Similarity.score.desc(), Similarity.id)
    ).all()
    return {
        "appearances": appearances(session, initiative),
        "earlier": [s for s in found if s.initiative_id == initiative.id],
        "later": [s for s in found if s.other_id == initiative.id],
        "history": history(session, initiative) if staff else [],
        "dossier": (
            session.scalar(select(Dossier).where(Dossier.initiative_id == initiative.id))
            if staff
            else None
        ),
        "dossier_states": STATE_NAMES,
    }


def _loaded(session: Session, initiative_id: int) -> Initiative:
    initiative_or_404(session, initiative_id)
    if not visible(session, initiative_id):
        raise NotFound("initiative_not_found", _("Không tìm thấy sáng kiến này."))
    return session.scalars(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.unit),
            selectinload(Initiative.authors),
            selectinload(Initiative.attachments),
        )
    ).one()


@bp.route("/<int:initiative_id>")
@library_reader
def record(initiative_id: int) -> ResponseReturnValue:
    """One initiative: its sections, photos and files, events and awards, recognition, benefit,
    similar records and history. Never its confidential information. A share card's QR code
    points here: it opens on a phone without an account."""
    session = db.session()
    initiative = _loaded(session, initiative_id)
    shown = layout()
    return render_template(
        "initiatives/library/record.html",
        initiative=initiative,
        solution_types=SOLUTION_TYPE_NAMES,
        scopes=SCOPE_NAMES,
        levels=LEVEL_NAMES,
        decisions=DECISION_NAMES,
        novelty=SimilarityKind.NOVELTY,
        photo=AttachmentKind.PHOTO,
        change_lines=change_lines,
        **record_page(session, initiative, shown["staff"]),
        **shown,
    )


@bp.route("/<int:initiative_id>/files/<int:attachment_id>")
@library_reader
def attachment(initiative_id: int, attachment_id: int) -> ResponseReturnValue:
    """A photo, video or document of an initiative."""
    session = db.session()
    found = session.get(Attachment, attachment_id) if 0 < attachment_id <= MAX_ID else None
    if found is None or found.initiative_id != initiative_id or not visible(session, initiative_id):
        raise NotFound("attachment_not_found", _("Không tìm thấy tài liệu này."))
    return send_from_directory(attachments_folder(), found.path)


def _recognition_page(
    initiative: Initiative, errors: Mapping[str, str], form: Mapping[str, str], status: int
) -> ResponseReturnValue:
    page = render_template(
        "initiatives/library/recognition.html",
        initiative=initiative,
        levels=LEVEL_NAMES,
        errors=errors,
        form=form,
    )
    return page, status


def recognition_form(initiative: Initiative) -> dict[str, str]:
    """The form as the record fills it."""

    def amount(value: int | None) -> str:
        return "" if value is None else f"{value:,}".replace(",", ".")

    level = initiative.recognition_level
    decided = initiative.decision_date
    return {
        "recognition_level": level.value if level else "",
        "decision_number": initiative.decision_number,
        "decision_date": decided.strftime("%d/%m/%Y") if decided else "",
        "benefit_vnd": amount(initiative.benefit_vnd),
        "benefit_actual_vnd": amount(initiative.benefit_actual_vnd),
    }


@bp.route("/<int:initiative_id>/recognition")
@admin_required
def recognition(initiative_id: int) -> ResponseReturnValue:
    """The form of an initiative's recognition and benefits."""
    initiative = initiative_or_404(db.session(), initiative_id)
    return _recognition_page(initiative, {}, recognition_form(initiative), 200)


@bp.route("/<int:initiative_id>/recognition", methods=["POST"])
@admin_required
def save_recognition(initiative_id: int) -> ResponseReturnValue:
    """Record the recognition and benefits; each change goes to the record's history."""
    writing = db.write()
    initiative = initiative_or_404(writing, initiative_id)
    try:
        changed = update_recognition(writing, initiative, read_recognition(request.form), _me())
    except Invalid as error:
        db.rollback()
        initiative = initiative_or_404(db.session(), initiative_id)
        field = str(error.details.get("field", "recognition_level"))
        return _recognition_page(initiative, {field: error.message}, request.form, 422)
    flash(_("Đã lưu công nhận và giá trị làm lợi.") if changed else _("Không có gì thay đổi."))
    return redirect(url_for("library.record", initiative_id=initiative_id))


def pending(session: Session) -> list[Similarity]:
    """The novelty problems waiting for a ruling, the closest first."""
    return list(
        session.scalars(
            select(Similarity)
            .where(Similarity.kind == SimilarityKind.NOVELTY, Similarity.decision.is_(None))
            .options(
                joinedload(Similarity.initiative).joinedload(Initiative.unit),
                joinedload(Similarity.other),
            )
            .order_by(Similarity.score.desc(), Similarity.id)
        )
    )


@bp.route("/novelty")
@admin_required
def novelty() -> ResponseReturnValue:
    """The novelty problems to rule on: a new initiative close to an earlier one of its unit."""
    return render_template(
        "initiatives/library/novelty.html", pending=pending(db.session()), decisions=DECISION_NAMES
    )


@bp.route("/similarities/<int:similarity_id>/decide", methods=["POST"])
@admin_required
def decide_similarity(similarity_id: int) -> ResponseReturnValue:
    """Rule on a novelty problem: "khác biệt" (new after all) or "trùng lặp" (a duplicate)."""
    decision = parse_decision(request.form.get("decision", ""))
    writing = db.write()
    found = similarity_or_404(writing, similarity_id)
    decide(writing, found, decision, _me())
    flash(_("Đã ghi kết luận: %(decision)s.", decision=DECISION_NAMES[decision]))
    target = request.form.get("back", "")
    if target == "record":
        return redirect(url_for("library.record", initiative_id=found.initiative_id))
    return redirect(url_for("library.novelty"))


def _access_page(status: int = 200) -> ResponseReturnValue:
    page = render_template(
        "initiatives/library/access.html", readers=readers(db.session()), names=READER_NAMES
    )
    return page, status


@bp.route("/access")
@admin_required
def access() -> ResponseReturnValue:
    """Who may read the library: anyone who reaches this server, or the Ban Tổ chức only."""
    return _access_page()


@bp.route("/access", methods=["POST"])
@admin_required
def save_access() -> ResponseReturnValue:
    """Choose who may read the library."""
    try:
        chosen = LibraryReaders(request.form.get("readers", ""))
    except ValueError:
        flash(_("Hãy chọn ai được xem thư viện."), "error")
        return _access_page(422)
    changed = set_readers(db.write(), chosen, _me())
    flash(
        _("Đã lưu: %(who)s.", who=READER_NAMES[chosen]) if changed else _("Không có gì thay đổi.")
    )
    return redirect(url_for("library.access"))


def admin_link(_sender: None) -> AdminLink:
    return AdminLink(lazy_gettext("Kiểm tra tính mới"), "library.novelty", position=40)


def init_app(app: Flask) -> None:
    app.config.setdefault(EXPORT_LIMIT, "10 per minute")
    app.register_blueprint(bp)
    signals.admin_menu.connect(admin_link, weak=False)
