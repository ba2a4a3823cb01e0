"""``/verify/<code>``: anyone holding a certificate, or a photo of one, checks it on this server.

The page says who, for which initiative, which prize, at which event, and the seal of the results
it was issued under: that seal's SHA-256, and whether it is still in force or its round was
reopened since. A code that no certificate carries (mistyped, or made up) says so plainly. Codes
cannot be guessed (``scoring.models.new_certificate_code``); failed look-ups are limited per
address all the same.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core import db
from core.auth import limiter, public
from core.views import by_address, setting
from scoring.manage.paperwork import TIER_NAMES
from scoring.manage.results import PRIZE_NAMES
from scoring.models import CODE_ALPHABET, Certificate

bp = Blueprint("scoring_verify", __name__)


def typed_code(code: str) -> str:
    """The code as typed off paper: any case, with or without the dash and spaces."""
    return "".join(code.split()).replace("-", "").upper()


def _not_found(response: Response) -> bool:
    return response.status_code == 404


@bp.route("/verify/<code>")
@public
@limiter.limit(setting("VERIFY_LIMIT_PER_ADDRESS"), key_func=by_address, deduct_when=_not_found)
def verify(code: str) -> ResponseReturnValue:
    """A certificate's verification page, or a clear "no such certificate"."""
    typed = typed_code(code)
    found = None
    if typed and all(char in CODE_ALPHABET for char in typed):
        found = db.session().scalar(select(Certificate).where(Certificate.code == typed))
    if found is None:
        message = _(
            "Không có giấy chứng nhận nào mang mã %(code)s. Hãy kiểm tra lại từng ký tự của mã "
            "in dưới mã QR; nếu mã đúng mà vẫn không tìm thấy, giấy chứng nhận này không do hệ "
            "thống cấp.",
            code=code[:40],
        )
        page = render_template("scoring/verify_unknown.html", message=message)
        return page, 404
    return render_template(
        "scoring/verify.html",
        certificate=found,
        prize=PRIZE_NAMES.get(found.prize, found.prize),
        issuer=TIER_NAMES[found.tier],
    )
