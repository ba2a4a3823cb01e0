"""Who is asking: organisers log in with a password; judges hold a magic-link token.

Judge tokens are long random strings, so a SHA-256 digest is enough to store them: a leaked
database does not leak working links, and lookup stays a single indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import LoginManager, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select

from core import db
from core.i18n import nfc
from core.links import safe_next
from core.models import Judge, Organiser

login_manager = LoginManager()
csrf = CSRFProtect()
bp = Blueprint("auth", __name__)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def judge_by_token(token: str) -> Judge | None:
    judge = db.session().scalar(select(Judge).where(Judge.token_hash == hash_token(token)))
    return judge if judge is not None and judge.active else None


def sign_in_judge(judge: Judge) -> None:
    session.permanent = True
    session["judge_id"] = judge.id


def signed_in_judge() -> Judge | None:
    judge_id = session.get("judge_id")
    if judge_id is None:
        return None
    judge = db.session().get(Judge, judge_id)
    return judge if judge is not None and judge.active else None


def judge_required(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """A judge's page: the signed-in judge is passed as the first argument."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        judge = signed_in_judge()
        if judge is None:
            message = _("Hãy mở đường dẫn hoặc quét mã QR trên thẻ giám khảo của bạn.")
            return render_template("core/error.html", status=401, message=message), 401
        return view(judge, *args, **kwargs)

    return wrapper


@login_manager.user_loader
def load_organiser(organiser_id: str) -> Organiser | None:
    return db.session().get(Organiser, int(organiser_id))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The organiser's login."""
    if request.method == "POST":
        email = nfc(request.form.get("email", "")).strip().lower()
        organiser = db.session().scalar(select(Organiser).where(Organiser.email == email))
        if organiser is not None and organiser.check_password(request.form.get("password", "")):
            login_user(organiser, remember=True)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Email hoặc mật khẩu không đúng."), "error")
        return render_template("core/login.html", email=email), 401
    return render_template("core/login.html", email="")


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    return redirect(url_for("core.home"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Vui lòng đăng nhập để mở trang này.")
    csrf.init_app(app)
    app.register_blueprint(bp)
