"""The front door: the events of this server, the organisers' login, and the first run."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_login import login_user, logout_user
from sqlalchemy import select

from core import db
from core.auth import (
    check_password,
    end_sessions,
    hash_password,
    limiter,
    organiser_required,
    public,
    save_organiser,
    signed_in_organiser,
    throttle_message,
)
from core.i18n import nfc
from core.links import LOOPBACK, safe_next
from core.models import Event, Organiser

bp = Blueprint("core", __name__)

MIN_PASSWORD = 8
SET_UP = "sangtao.set_up"
# The organiser's way in, which leads to the first-run page until the first account exists.
GATED = frozenset({"core.home", "core.login"})


@bp.route("/")
@public
def home() -> ResponseReturnValue:
    events = db.session().scalars(select(Event).order_by(Event.held_on.desc())).all()
    return render_template("core/home.html", events=events)


@bp.route("/healthz")
@public
def health() -> ResponseReturnValue:
    return {"ok": True}


@bp.route("/lang/<code>")
@public
def language(code: str) -> ResponseReturnValue:
    """The language switch on every page; the choice is remembered in the session."""
    if code in current_app.config["LANGUAGES"]:
        session.permanent = True
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def setting(key: str) -> Callable[[], str]:
    """A limit read from the app's configuration at each request (tests shorten them)."""
    return lambda: str(current_app.config[key])


def submitted_email() -> str:
    return nfc(request.form.get("email", "")).strip().lower()


def by_address() -> str:
    return f"address:{request.remote_addr}"


def by_account() -> str:
    """Guesses at one account from many addresses are counted together."""
    return f"account:{submitted_email()[:254]}"


def _from_this_laptop() -> bool:
    return request.remote_addr in LOOPBACK and "X-Forwarded-For" not in request.headers


def _login_throttled(_limit: RequestLimit) -> Response:
    """The login form as usual, saying when to try again (``core.auth.throttled`` sends it)."""
    flash(throttle_message(), "error")
    return Response(render_template("core/login.html", email=submitted_email()), 429)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    setting("LOGIN_LIMIT_PER_ADDRESS"),
    key_func=by_address,
    methods=["POST"],
    on_breach=_login_throttled,
)
# Anyone can lock an account out by failing on purpose: not for the organiser at the laptop
# that runs the day, who still has the limit of their address.
@limiter.limit(
    setting("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=by_account,
    methods=["POST"],
    exempt_when=_from_this_laptop,
    on_breach=_login_throttled,
)
def login() -> ResponseReturnValue:
    """The organiser's login. It only reads: the slow password check holds no lock.

    Every attempt counts towards the limits, not only the failed ones: a burst of guesses
    sent at once cannot all pass a check made before the first of them has failed.
    """
    if request.method == "POST":
        email = submitted_email()
        organiser = db.session().scalar(select(Organiser).where(Organiser.email == email))
        if check_password(organiser, request.form.get("password", "")):
            login_user(organiser, remember=True)
            return redirect(safe_next(request.args.get("next"), url_for("manage.events")))
        flash(_("Email hoặc mật khẩu không đúng."), "error")
        return render_template("core/login.html", email=email), 401
    return render_template("core/login.html", email="")


@bp.route("/logout", methods=["POST"])
@organiser_required
def logout() -> ResponseReturnValue:
    """Ends every session of the account, in every browser, not only this one."""
    organiser = signed_in_organiser()
    assert organiser is not None
    end_sessions(db.write(), organiser)
    logout_user()
    return redirect(url_for("core.home"))


def setup_code(app: Flask) -> str:
    """The code that ``sangtao serve`` prints on a fresh install: whoever creates the first
    account from another machine than this laptop must have seen the server's console."""
    digest = hmac.new(app.config["SECRET_KEY"].encode(), b"first-run", hashlib.sha256)
    letters = "".join(c for c in digest.hexdigest().upper() if c not in "01")[:8]
    return f"{letters[:4]}-{letters[4:]}"


def is_set_up() -> bool:
    """Has anyone an account yet? Once true, it stays true for this process."""
    if current_app.extensions.get(SET_UP):
        return True
    found = db.session().scalar(select(Organiser.id).limit(1))
    current_app.extensions[SET_UP] = found is not None
    return found is not None


def first_run_gate() -> ResponseReturnValue | None:
    """Until the first account exists, the organiser's pages lead to the first-run page."""
    gated = request.endpoint in GATED or request.blueprint == "manage"
    if not gated or is_set_up():
        return None
    return redirect(url_for("core.setup"))


@bp.route("/setup", methods=["GET", "POST"])
@public
# From another computer the form asks for the code the server printed: guesses are counted.
@limiter.limit(
    setting("SETUP_LIMIT_PER_ADDRESS"),
    key_func=by_address,
    methods=["POST"],
    exempt_when=_from_this_laptop,
)
def setup() -> ResponseReturnValue:
    """First run: create the site administrator from the browser, no command line needed."""
    if is_set_up():
        return redirect(url_for("core.login"))
    needs_code = not _from_this_laptop()
    form = {key: nfc(request.form.get(key, "")).strip() for key in ("name", "email", "code")}
    if request.method == "GET":
        return render_template("core/setup.html", form=form, needs_code=needs_code, errors={})
    password = request.form.get("password", "")
    errors = _setup_errors(form, password, request.form.get("confirm", ""), needs_code)
    if errors:
        return render_template(
            "core/setup.html", form=form, needs_code=needs_code, errors=errors
        ), 422
    password_hash = hash_password(password)
    writing = db.write()
    if writing.scalar(select(Organiser.id).limit(1)) is not None:
        return redirect(url_for("core.login"))  # someone else finished the first run meanwhile
    admin = save_organiser(
        writing, email=form["email"], name=form["name"], password_hash=password_hash, admin=True
    )
    login_user(admin, remember=True)
    flash(_("Đã tạo tài khoản quản trị. Chào mừng %(name)s!", name=admin.name), "info")
    return redirect(url_for("manage.events"))


def _setup_errors(
    form: dict[str, str], password: str, confirm: str, needs_code: bool
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form["name"]:
        errors["name"] = _("Hãy nhập họ và tên.")
    if "@" not in form["email"] or len(form["email"]) > 254:
        errors["email"] = _("Hãy nhập một địa chỉ email hợp lệ.")
    if len(password) < MIN_PASSWORD:
        errors["password"] = _("Mật khẩu cần ít nhất %(count)s ký tự.", count=MIN_PASSWORD)
    elif password != confirm:
        errors["confirm"] = _("Hai lần nhập mật khẩu không khớp.")
    code = form["code"].upper().replace(" ", "")
    if needs_code and not hmac.compare_digest(code, setup_code(current_app)):
        errors["code"] = _("Mã cài đặt không đúng. Mã được in trên màn hình của máy chủ.")
    return errors


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(first_run_gate)
