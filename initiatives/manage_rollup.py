"""The administrators' roll-up page (Tổng hợp từ các đơn vị) at ``/manage/rollup``: this
instance's public key and its signed library file to send up; the units' keys this instance
trusts; the import of the units' files. ``sangtao rollup-import FILE...`` does the same import
from a shell. The rules are in ``initiatives.rollup``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import click
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import db, signals
from core.admin import AdminLink, unit_lines
from core.auth import admin_required, signed_in_organiser
from core.errors import Invalid, NotFound
from core.models import Organiser
from core.models.base import MAX_ID
from initiatives.models import RollupSigner
from initiatives.rollup import (
    Merged,
    import_files,
    instance_key,
    public_hex,
    register_signer,
    remove_signer,
    signed_file,
    spaced,
)

bp = Blueprint("rollup", __name__, url_prefix="/manage/rollup", template_folder="templates")

# A unit's library of 10.000 initiatives is a few megabytes; far more is not a roll-up file.
MAX_FILE = 64 * 1024 * 1024


def _me() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only administrators in
    return organiser


def _page(
    errors: Mapping[str, str] | None = None, problem: str = "", status: int = 200
) -> ResponseReturnValue:
    session = db.session()
    signers = session.scalars(
        select(RollupSigner).options(joinedload(RollupSigner.unit)).order_by(RollupSigner.name)
    ).all()
    own = public_hex(instance_key(Path(current_app.instance_path)))
    page = render_template(
        "initiatives/rollup/rollup.html",
        own_key=spaced(own),
        signers=signers,
        spaced=spaced,
        units=unit_lines(session),
        errors=errors or {},
        form=request.form if errors else {},
        problem=problem,
    )
    return page, status


@bp.route("")
@admin_required
def rollup() -> ResponseReturnValue:
    """This instance's key and file, the keys it trusts, and the import."""
    return _page()


@bp.route("/library.sangtao")
@admin_required
def export() -> ResponseReturnValue:
    """This instance's library as one signed file, to send to the corporation."""
    data = signed_file(db.session(), instance_key(Path(current_app.instance_path)))
    name = f"tong-hop-sang-kien-{date.today():%Y-%m-%d}.sangtao"
    return Response(
        data,
        mimetype="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/signers", methods=["POST"])
@admin_required
def add_signer() -> ResponseReturnValue:
    """Trust the files of a unit's instance, by its public key."""
    unit = request.form.get("unit", "")
    unit_id = int(unit) if unit.isdigit() and 0 < int(unit) <= MAX_ID else None
    try:
        signer = register_signer(
            db.write(),
            request.form.get("name", ""),
            request.form.get("public_key", ""),
            unit_id,
            _me(),
        )
    except Invalid as error:
        db.rollback()
        return _page(error.details.get("fields", {}), status=422)
    flash(_("Đã đăng ký khóa của “%(name)s”.", name=signer.name), "info")
    return redirect(url_for("rollup.rollup"))


@bp.route("/signers/<int:signer_id>/remove", methods=["POST"])
@admin_required
def remove(signer_id: int) -> ResponseReturnValue:
    """Stop trusting a unit's key; what was imported with it stays."""
    writing = db.write()
    signer = writing.get(RollupSigner, signer_id) if 0 < signer_id <= MAX_ID else None
    if signer is None:
        raise NotFound("signer_not_found", _("Không tìm thấy khóa này."))
    name = signer.name
    remove_signer(writing, signer, _me())
    flash(_("Đã bỏ khóa của “%(name)s”.", name=name), "info")
    return redirect(url_for("rollup.rollup"))


def summary(merged: Merged) -> str:
    return str(
        _(
            "Đã nhập %(files)s tệp: %(created)s sáng kiến mới, %(updated)s được cập nhật, "
            "%(unchanged)s không đổi; %(units)s đơn vị mới.",
            files=len(merged.files),
            created=merged.created,
            updated=merged.updated,
            unchanged=merged.unchanged,
            units=merged.units_created,
        )
    )


@bp.route("/import", methods=["POST"])
@admin_required
def import_page() -> ResponseReturnValue:
    """Import the units' files: all of them, or none if one is refused."""
    uploads = [upload for upload in request.files.getlist("files") if upload.filename]
    if not uploads:
        return _page(problem=_("Hãy chọn ít nhất một tệp tổng hợp."), status=422)
    files = [(upload.filename or "", upload.read(MAX_FILE + 1)) for upload in uploads]
    if any(len(data) > MAX_FILE for _name, data in files):
        return _page(problem=_("Tệp quá lớn để là một tệp tổng hợp."), status=422)
    try:
        merged = import_files(db.write(), files, _me())
    except Invalid as error:
        db.rollback()
        return _page(problem=error.message, status=422)
    flash(summary(merged), "info")
    return redirect(url_for("rollup.rollup"))


@click.command("rollup-import")
@with_appcontext
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def rollup_import(files: tuple[Path, ...]) -> None:
    """Import the units' signed roll-up files (all of them, or none if one is refused)."""
    db.upgrade(current_app.config["DATABASE_URL"])
    with force_locale("vi"), current_app.test_request_context():
        try:
            with db.unit_of_work(write=True) as session:
                merged = import_files(
                    session, [(path.name, path.read_bytes()) for path in files], "cli"
                )
        except Invalid as error:
            raise click.ClickException(error.message) from None
        click.echo(summary(merged))


def admin_link(_sender: None) -> AdminLink:
    return AdminLink(lazy_gettext("Tổng hợp từ các đơn vị"), "rollup.rollup", position=40)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(rollup_import)
    signals.admin_menu.connect(admin_link, weak=False)
