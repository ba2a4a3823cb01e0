"""Who is asking, and what they may do.

Organisers log in with a password and hold a role per event (owner, manager, viewer); a site
administrator may do anything. Judges and ballots hold random tokens (``scoring.auth``,
``kiosk``): long random strings, so a SHA-256 digest is enough to store them (a leaked database
leaks no working link, and lookup is one indexed query).

Every view says who may use it, with one of the decorators below; each sets ``view.audience``,
which ``tests/core/test_routes.py`` reads to try every route with every kind of visitor.

The venue network is hostile, so the organisers' door is guarded too: attempts are counted per
address and per account (``limiter``, limits in ``core.views``), the slow password hash runs off
the event loop (:func:`off_the_loop`), every refusal costs the same hash, and a logout or a new
password ends every session of the account (``Organiser.session_generation``).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, user_loaded_from_cookie, user_logged_in
from flask_wtf.csrf import CSRFProtect
from gevent.threadpool import ThreadPool
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.security import check_password_hash, generate_password_hash

from core import db
from core.errors import Forbidden, Unauthenticated, wants_json
from core.i18n import nfc
from core.models import Event, EventMember, EventRole, Organiser

login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are declared on the views they guard; the storage is RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address)

P = ParamSpec("P")
T = TypeVar("T")

# A view function; the decorators below take one and give one, marked with its audience.
View = Callable[..., ResponseReturnValue]

_NOBODY = "sangtao.nobody"
_HASHING = "sangtao.hashing"
ANYONE = "anyone"
ORGANISER = "organiser"
ADMINISTRATOR = "administrator"
# A tablet an organiser put in kiosk mode for one event (``kiosk.auth``): it registers exhibits
# and nothing else.
KIOSK = "kiosk"


def audience(who: str) -> Callable[[View], View]:
    """Say who may use a view; the decorators below say it for themselves."""

    def mark(view: View) -> View:
        view.audience = who  # type: ignore[attr-defined]
        return view

    return mark


public = audience(ANYONE)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def off_the_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run CPU-bound work (a password hash) where it cannot hold up other requests.

    Under gevent every request shares one thread: scrypt there would stall every judge's tablet
    for its whole duration. A gevent thread pool runs it on real threads (hashlib lets go of the
    GIL) while the event loop serves the others; a pool of its own, of PASSWORD_HASH_THREADS,
    so that a crowd of guessers cannot take every core from the loop (they wait their turn).
    Under threading (the test suite) each request has a thread of its own already.
    """
    if current_app.config["SOCKETIO_ASYNC_MODE"] != "gevent":
        return work(*args, **kwargs)
    pool = current_app.extensions.get(_HASHING)
    if pool is None:  # made by the server's event loop, on the first login
        pool = ThreadPool(current_app.config["PASSWORD_HASH_THREADS"])
        current_app.extensions[_HASHING] = pool
    done, result = pool.apply(_outcome, (work, *args), kwargs)
    if not done:
        raise result
    returned: T = result
    return returned


def _outcome(work: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """What ``work`` returned, or the exception it raised, handed back rather than raised in the
    pool's thread: gevent prints the traceback of every exception raised there, and a refusal
    (a photo that is not one) is no fault of the server's."""
    try:
        return True, work(*args, **kwargs)
    except Exception as error:
        return False, error


def hash_password(password: str) -> str:
    """Slow on purpose (scrypt); call it before any write transaction begins."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    return off_the_loop(generate_password_hash, password, method=method)


def check_password(organiser: Organiser | None, password: str) -> bool:
    """Slow on purpose, and exactly as slow for an unknown email: one hash with the cost
    parameters of real ones, made when the app starts, so the answer does not tell which."""
    stored = current_app.extensions[_NOBODY] if organiser is None else organiser.password_hash
    matches = off_the_loop(check_password_hash, stored, password)
    return matches and organiser is not None


# Key of the signed session cookie: True when it is a site administrator's session.
ADMIN_SESSION = "sangtao_admin"


def admin_session() -> bool:
    """Does the request carry a site administrator's session? Read from the signed cookie alone,
    before any body or transaction (``core.db.read_body_first``: only an administrator may send
    the roll-up's or the restore's large body); the view still checks the administrator in the
    database, so a flag left by an account since demoted lets through a body, never an action."""
    return "_user_id" in cookie and cookie.get(ADMIN_SESSION) is True


def _mark_session(_app: Flask, user: Any = None, **_extra: Any) -> None:
    """On every sign-in (by password, or by the "remember me" cookie): is this an administrator?"""
    cookie[ADMIN_SESSION] = isinstance(user, Organiser) and user.is_admin


def signed_in_organiser() -> Organiser | None:
    user = current_user
    return user if isinstance(user, Organiser) else None


def can_manage(event: Event, role: EventRole = EventRole.VIEWER) -> bool:
    """May the signed-in organiser act in ``event`` with at least ``role``?"""
    organiser = signed_in_organiser()
    if organiser is None:
        return False
    if organiser.is_admin:
        return True
    roles = _held_roles()
    if event.id not in roles:
        roles[event.id] = db.session().scalar(
            select(EventMember.role).where(
                EventMember.event_id == event.id, EventMember.organiser_id == organiser.id
            )
        )
    held = roles[event.id]
    return held is not None and held.rank >= role.rank


def _held_roles() -> dict[int, EventRole | None]:
    """The signed-in organiser's role per event, read once per request (a menu asks often)."""
    if "held_roles" not in g:
        g.held_roles = {}
    found: dict[int, EventRole | None] = g.held_roles
    return found


def organiser_required(view: View) -> View:
    """Any signed-in organiser; the page shows only what they may see."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if signed_in_organiser() is None:
            return unauthorized()
        return view(*args, **kwargs)

    return audience(ORGANISER)(wrapper)


def admin_required(view: View) -> View:
    """A page of the site administrators only."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        organiser = signed_in_organiser()
        if organiser is None:
            return unauthorized()
        if not organiser.is_admin:
            message = _("Chỉ quản trị viên hệ thống mới mở được trang này.")
            raise Forbidden("forbidden", message)
        return view(*args, **kwargs)

    return audience(ADMINISTRATOR)(wrapper)


def event_audience(role: EventRole) -> str:
    return f"event {role.value}"


def save_organiser(
    session: Session,
    *,
    email: str,
    name: str,
    password_hash: str,
    admin: bool = False,
    temporary: bool = False,
) -> Organiser:
    """Create an organiser account, or give an existing one (same email) a new password.

    ``password_hash`` comes from :func:`hash_password`, computed before the write began.
    An administrator stays one. A ``temporary`` password, which an administrator chose, must be
    replaced by its owner before anything else (:func:`own_password_first`).
    """
    email = nfc(email).strip().lower()
    organiser = session.scalar(select(Organiser).where(Organiser.email == email))
    if organiser is None:
        organiser = Organiser(email=email, name=nfc(name).strip())
        session.add(organiser)
    elif organiser.password_hash != password_hash:
        end_sessions(session, organiser)  # whoever knew the old password is signed out
    organiser.password_hash = password_hash
    organiser.password_temporary = temporary
    organiser.is_admin = organiser.is_admin or admin
    session.flush()
    return organiser


def end_sessions(session: Session, organiser: Organiser) -> None:
    """End every session and "remember me" cookie of the account, in every browser: they name
    the generation before this one (:meth:`Organiser.get_id`)."""
    organiser.session_generation += 1
    session.flush()


def load_organiser(user_id: str) -> Organiser | None:
    """The organiser a session or remember cookie names, if it is of their current generation."""
    try:
        organiser_id, generation = (int(part) for part in user_id.split(":"))
    except ValueError:  # a cookie from before generations, or not ours
        return None
    organiser = db.session().get(Organiser, organiser_id)
    if organiser is None or organiser.session_generation != generation:
        return None
    return organiser


def unauthorized() -> ResponseReturnValue:
    """A page sends the visitor to the login, then back; the API answers 401 in JSON."""
    if wants_json():
        raise Unauthenticated("unauthorized", _("Bạn cần đăng nhập."))
    flash(_("Vui lòng đăng nhập để mở trang này."), "info")
    return redirect(url_for("core.login", next=request.full_path.rstrip("?")))


# What an organiser with a temporary password may still open: the page that changes it, and the
# way out.
PASSWORD_FIRST_EXEMPT = frozenset({"people.account", "core.logout", "core.language", "static"})


def own_password_first() -> ResponseReturnValue | None:
    """Before any organiser page or API: an organiser whose password an administrator set is
    sent to choose their own, so that the administrator no longer knows it."""
    organiser = signed_in_organiser()
    if organiser is None or not organiser.password_temporary:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if request.endpoint in PASSWORD_FIRST_EXEMPT or getattr(view, "audience", ANYONE) == ANYONE:
        return None
    message = _("Hãy đặt mật khẩu của riêng bạn trước khi tiếp tục.")
    if wants_json():
        raise Forbidden("password_change_required", message)
    flash(message, "info")
    return redirect(url_for("people.account", next=request.full_path.rstrip("?")))


def retry_after() -> int:
    """Seconds until the limit this request broke lets the next attempt through."""
    broken: RequestLimit | None = limiter.current_limit
    if broken is None:
        return 60
    return max(1, math.ceil(broken.window.reset_time - time.time()))


def throttle_message() -> str:
    minutes = math.ceil(retry_after() / 60)
    return str(
        _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.", minutes=minutes)
    )


def throttled(error: RateLimitExceeded) -> ResponseReturnValue:
    """Too many attempts: say when to try again, in words and in ``Retry-After``. A route may
    have built its own page (a limit's ``on_breach``); others get the error page."""
    db.rollback()
    answer: Response
    if isinstance(error.response, Response):
        answer = error.response
    elif wants_json():
        answer = jsonify(error="too_many_requests", message=throttle_message())
    else:
        page = render_template("core/error.html", status=429, message=throttle_message())
        answer = Response(page, mimetype="text/html")
    answer.status_code = 429
    answer.headers["Retry-After"] = str(retry_after())
    return answer


class CookieSession(SecureCookieSessionInterface):
    """Flask's signed cookie session, with every cookie made ``Secure`` when the request came
    over HTTPS (``request.is_secure``, which believes a proxy only under ``TRUST_PROXY``).

    Flask saves the session after every ``after_request`` hook, so the remember cookie that
    Flask-Login sets in one of them is marked here too.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        super().save_session(app, session, response)
        if request.is_secure:
            cookies = response.headers.getlist("Set-Cookie")
            response.headers.setlist(
                "Set-Cookie",
                [c if "; secure" in c.lower() else f"{c}; Secure" for c in cookies],
            )


def init_app(app: Flask) -> None:
    if proxies := app.config["TRUST_PROXY"]:
        # Each of the proxies appends one address to X-Forwarded-For: trust only theirs.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    app.session_interface = CookieSession()
    # One hash of a random password, with the cost of real ones: checked against when the email
    # is unknown, so that such a refusal takes as long as a wrong password.
    nobody = secrets.token_urlsafe(16)
    app.extensions[_NOBODY] = generate_password_hash(
        nobody, method=app.config["PASSWORD_HASH_METHOD"]
    )
    login_manager.user_loader(load_organiser)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.init_app(app)
    user_logged_in.connect(_mark_session)
    user_loaded_from_cookie.connect(_mark_session)
    csrf.init_app(app)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, throttled)
    app.before_request(own_password_first)
