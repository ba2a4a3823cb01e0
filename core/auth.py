"""Who is asking, and what they may do.

Organisers log in with a password and hold a role per event (owner, manager, viewer); a site
administrator may do anything. Judges and ballots hold random tokens (``scoring.auth``,
``kiosk``): long random strings, so a SHA-256 digest is enough to store them (a leaked database
leaks no working link, and lookup is one indexed query).

Every view says who may use it, with one of the decorators below; each sets ``view.audience``,
which ``tests/core/test_routes.py`` reads to try every route with every kind of visitor.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core import db
from core.errors import Unauthenticated, wants_json
from core.i18n import nfc
from core.models import Event, EventMember, EventRole, Organiser

login_manager = LoginManager()
csrf = CSRFProtect()

# A view function; the decorators below take one and give one, marked with its audience.
View = Callable[..., ResponseReturnValue]

_NOBODY = "sangtao.nobody"
ANYONE = "anyone"
ORGANISER = "organiser"


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


def hash_password(password: str) -> str:
    """Slow on purpose (scrypt); call it before any write transaction begins."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(organiser: Organiser | None, password: str) -> bool:
    """Slow on purpose, and as slow for an unknown email: the answer does not tell which."""
    if organiser is None:
        nobody = current_app.extensions.get(_NOBODY) or hash_password(secrets.token_hex(8))
        current_app.extensions[_NOBODY] = nobody
        check_password_hash(nobody, password)
        return False
    return check_password_hash(organiser.password_hash, password)


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


def event_audience(role: EventRole) -> str:
    return f"event {role.value}"


def save_organiser(
    session: Session, *, email: str, name: str, password_hash: str, admin: bool = False
) -> Organiser:
    """Create an organiser account, or give an existing one (same email) a new password.

    ``password_hash`` comes from :func:`hash_password`, computed before the write began.
    An administrator stays one.
    """
    email = nfc(email).strip().lower()
    organiser = session.scalar(select(Organiser).where(Organiser.email == email))
    if organiser is None:
        organiser = Organiser(email=email, name=nfc(name).strip())
        session.add(organiser)
    organiser.password_hash = password_hash
    organiser.is_admin = organiser.is_admin or admin
    session.flush()
    return organiser


def load_organiser(organiser_id: str) -> Organiser | None:
    return db.session().get(Organiser, int(organiser_id))


def unauthorized() -> ResponseReturnValue:
    """A page sends the visitor to the login, then back; the API answers 401 in JSON."""
    if wants_json():
        raise Unauthenticated("unauthorized", _("Bạn cần đăng nhập."))
    flash(_("Vui lòng đăng nhập để mở trang này."), "info")
    return redirect(url_for("core.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_organiser)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.init_app(app)
    csrf.init_app(app)
