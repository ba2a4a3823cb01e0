"""Who runs an event (its Ban Tổ chức), and the organisers' accounts.

An event's owners (and the administrators) add organisers to it by e-mail with a role, change a
member's role and take members off it; its viewers and managers see the list. An event never
loses its last owner: someone must always be able to hand out the roles.

Administrators make the accounts: they create one (with a temporary password, shown once),
reset a password and grant or take back administrator rights, never their own and never the last
administrator's. Every organiser changes their own password on ``/manage/account``. A new
password ends every session of the account (``core.auth.save_organiser``).

Every change is written to the audit log; no password nor hash ever is.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import login_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from core import audit, db, signals
from core.auth import (
    admin_required,
    can_manage,
    check_password,
    hash_password,
    limiter,
    organiser_required,
    save_organiser,
    signed_in_organiser,
)
from core.errors import Conflict, Invalid, NotFound, status_of
from core.i18n import nfc
from core.links import safe_next
from core.lookup import event_by_slug
from core.manage import ROLE_NAMES, MenuItem, event_page
from core.models import Event, EventMember, EventRole, Organiser
from core.models.base import MAX_ID
from core.views import MIN_PASSWORD, setting

bp = Blueprint("people", __name__)

MAX_NAME = 200
MAX_EMAIL = 254
MAX_PASSWORD = 200
# Letters and digits that cannot be read one for another (no l/1, o/0), for a password that is
# read aloud or copied from a screen: 12 of 31 signs, about 59 bits.
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


# --- Reads --------------------------------------------------------------------------------------


def event_members(session: Session, event: Event) -> list[EventMember]:
    """The event's Ban Tổ chức: owners first, then managers, then viewers, each by name."""
    rows = session.scalars(
        select(EventMember)
        .join(Organiser, EventMember.organiser_id == Organiser.id)
        .options(joinedload(EventMember.organiser))
        .where(EventMember.event_id == event.id)
        .order_by(Organiser.name, Organiser.email)
    ).all()
    return sorted(rows, key=lambda member: -member.role.rank)


def organisers(session: Session) -> list[Organiser]:
    return list(session.scalars(select(Organiser).order_by(Organiser.name, Organiser.email)))


def temporary_password() -> str:
    """Three groups of four readable signs, such as ``k7mq-p2xa-9dft``."""
    return "-".join("".join(secrets.choice(READABLE) for _ in range(4)) for _ in range(3))


def parse_role(value: str) -> EventRole:
    try:
        return EventRole(value)
    except ValueError:
        raise Invalid("invalid_role", _("Hãy chọn một vai trò.")) from None


def clean_email(value: str) -> str:
    return nfc(value).strip().lower()


def looks_like_email(email: str) -> bool:
    return "@" in email and len(email) <= MAX_EMAIL


def password_problem(password: str) -> str | None:
    """Why a new password cannot be used, if it cannot."""
    if len(password) < MIN_PASSWORD:
        return str(_("Mật khẩu cần ít nhất %(count)s ký tự.", count=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        return str(_("Mật khẩu dài quá %(count)s ký tự.", count=MAX_PASSWORD))
    return None


# --- Writes: each takes the write session, flushes, audits and raises domain errors -------------


def member_or_404(session: Session, event: Event, member_id: int) -> EventMember:
    member = session.get(EventMember, member_id) if 0 < member_id <= MAX_ID else None
    if member is None or member.event_id != event.id:
        raise NotFound("member_not_found", _("Người này không có trong Ban Tổ chức của sự kiện."))
    return member


def organiser_or_404(session: Session, organiser_id: int) -> Organiser:
    organiser = session.get(Organiser, organiser_id) if 0 < organiser_id <= MAX_ID else None
    if organiser is None:
        raise NotFound("organiser_not_found", _("Không tìm thấy tài khoản này."))
    return organiser


def add_member(
    session: Session, event: Event, email: str, role: EventRole, actor: Organiser
) -> EventMember:
    """Give the organiser with ``email`` a role in ``event``; one already in it is left as is."""
    email = clean_email(email)
    if not looks_like_email(email):
        raise Invalid("invalid_email", _("Hãy nhập một địa chỉ email hợp lệ."), field="email")
    organiser = session.scalar(select(Organiser).where(Organiser.email == email))
    if organiser is None:
        message = _("Chưa có tài khoản nào với email %(email)s.", email=email)
        raise Invalid("no_account", message, field="email")
    found = session.scalar(
        select(EventMember).where(
            EventMember.event_id == event.id, EventMember.organiser_id == organiser.id
        )
    )
    if found is not None:
        message = _(
            "%(name)s đã ở trong Ban Tổ chức của sự kiện, với vai trò %(role)s; "
            "không có gì thay đổi.",
            name=organiser.name,
            role=ROLE_NAMES[found.role],
        )
        raise Conflict("already_member", message, field="email")
    member = EventMember(event_id=event.id, organiser_id=organiser.id, role=role)
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        "member.added",
        audit.actor(organiser),
        event_id=event.id,
        after={"email": organiser.email, "role": role.value},
    )
    session.flush()
    return member


def _owners(session: Session, event_id: int) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(EventMember)
        .where(EventMember.event_id == event_id, EventMember.role == EventRole.OWNER)
    )
    return count or 0


def _keep_an_owner(session: Session, member: EventMember) -> None:
    if member.role == EventRole.OWNER and _owners(session, member.event_id) <= 1:
        raise Conflict(
            "last_owner",
            _(
                "Sự kiện cần ít nhất một người Phụ trách sự kiện. Hãy giao vai trò này cho "
                "người khác trước."
            ),
        )


def change_role(session: Session, member: EventMember, role: EventRole, actor: Organiser) -> None:
    """Give a member another role; the event's last owner stays one."""
    if member.role == role:
        return
    _keep_an_owner(session, member)
    before = member.role
    member.role = role
    audit.record(
        session,
        actor,
        "member.role_changed",
        f"organiser:{member.organiser_id}",
        event_id=member.event_id,
        before={"role": before.value},
        after={"role": role.value},
    )
    session.flush()


def remove_member(session: Session, member: EventMember, actor: Organiser) -> None:
    """Take a member off the event; the event's last owner stays."""
    _keep_an_owner(session, member)
    audit.record(
        session,
        actor,
        "member.removed",
        f"organiser:{member.organiser_id}",
        event_id=member.event_id,
        before={"email": member.organiser.email, "role": member.role.value},
    )
    session.delete(member)
    session.flush()


def create_organiser(
    session: Session, *, name: str, email: str, password_hash: str, actor: Organiser
) -> Organiser:
    """A new account; an e-mail that has one already is refused (its password stays)."""
    email = clean_email(email)
    if session.scalar(select(Organiser.id).where(Organiser.email == email)) is not None:
        message = _("Đã có tài khoản với email %(email)s.", email=email)
        raise Conflict("email_taken", message, field="email")
    organiser = save_organiser(
        session, email=email, name=name, password_hash=password_hash, temporary=True
    )
    audit.record(
        session,
        actor,
        "organiser.created",
        audit.actor(organiser),
        after={"name": organiser.name, "email": organiser.email, "admin": False},
    )
    session.flush()
    return organiser


def reset_password(
    session: Session, organiser: Organiser, password_hash: str, actor: Organiser
) -> None:
    """A new password for someone else's account: every session of theirs ends."""
    if organiser.id == actor.id:
        raise Conflict(
            "own_password",
            _("Hãy đổi mật khẩu của chính bạn ở trang Tài khoản của tôi."),
        )
    _save_password(session, organiser, password_hash, temporary=True)
    audit.record(session, actor, "organiser.password_reset", audit.actor(organiser))
    session.flush()


def change_own_password(session: Session, organiser: Organiser, password_hash: str) -> None:
    """The organiser's new password: their sessions in every other browser end."""
    _save_password(session, organiser, password_hash)
    audit.record(session, organiser, "organiser.password_changed", audit.actor(organiser))
    session.flush()


def _save_password(
    session: Session, organiser: Organiser, password_hash: str, *, temporary: bool = False
) -> None:
    save_organiser(
        session,
        email=organiser.email,
        name=organiser.name,
        password_hash=password_hash,
        temporary=temporary,
    )


def set_admin(session: Session, organiser: Organiser, admin: bool, actor: Organiser) -> None:
    """Grant or take back administrator rights: never one's own, never the last administrator's."""
    if organiser.id == actor.id:
        raise Conflict(
            "own_rights",
            _("Bạn không thể tự thay đổi quyền quản trị của mình; hãy nhờ một quản trị viên khác."),
        )
    if organiser.is_admin == admin:
        return
    if not admin:
        admins = session.scalar(
            select(func.count()).select_from(Organiser).where(Organiser.is_admin.is_(True))
        )
        if (admins or 0) <= 1:
            raise Conflict(
                "last_admin",
                _(
                    "Hệ thống cần ít nhất một quản trị viên; không thể bỏ quyền của người cuối "
                    "cùng."
                ),
            )
    organiser.is_admin = admin
    audit.record(
        session,
        actor,
        "organiser.admin_granted" if admin else "organiser.admin_revoked",
        audit.actor(organiser),
        before={"admin": not admin},
        after={"admin": admin},
    )
    session.flush()


# --- Pages of an event --------------------------------------------------------------------------


def _people_page(
    event: Event,
    *,
    status: int = 200,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    problem: str = "",
    no_account: bool = False,
) -> ResponseReturnValue:
    page = render_template(
        "core/manage/people.html",
        event=event,
        members=event_members(db.session(), event),
        may_edit=can_manage(event, EventRole.OWNER),
        roles=list(EventRole),
        form=form or {"role": EventRole.VIEWER.value},
        errors=errors or {},
        problem=problem,
        no_account=no_account,
        section="people",
    )
    return page, status


def _me() -> Organiser:
    organiser = signed_in_organiser()
    assert organiser is not None  # the view's decorator let only organisers in
    return organiser


@bp.route("/manage/<slug>/people")
@event_page()
def people(event: Event) -> ResponseReturnValue:
    """The event's Ban Tổ chức; its owners change it here, the others read it."""
    return _people_page(event)


@bp.route("/manage/<slug>/people/add", methods=["POST"])
@event_page(EventRole.OWNER)
def add_person(event: Event) -> ResponseReturnValue:
    """Add an organiser who has an account, by e-mail, with a role."""
    form = {key: nfc(request.form.get(key, "")).strip() for key in ("email", "role")}
    try:
        role = parse_role(form["role"])
        member = add_member(db.write(), event, form["email"], role, _me())
    except (Invalid, Conflict) as error:
        db.rollback()
        field = error.details.get("field", "role")
        no_account = error.code == "no_account"
        return _people_page(
            event,
            status=status_of(error),
            form=form,
            errors={field: error.message},
            no_account=no_account,
        )
    flash(
        _(
            "Đã thêm %(name)s vào Ban Tổ chức với vai trò %(role)s.",
            name=member.organiser.name,
            role=ROLE_NAMES[member.role],
        ),
        "info",
    )
    return redirect(url_for("people.people", slug=event.slug))


@bp.route("/manage/<slug>/people/<int:member_id>/role", methods=["POST"])
@event_page(EventRole.OWNER)
def person_role(event: Event, member_id: int) -> ResponseReturnValue:
    """Give a member another role."""
    writing = db.write()
    member = member_or_404(writing, event, member_id)
    try:
        change_role(writing, member, parse_role(request.form.get("role", "")), _me())
    except (Invalid, Conflict) as error:
        db.rollback()
        return _people_page(event, status=status_of(error), problem=error.message)
    flash(
        _(
            "%(name)s giờ có vai trò %(role)s.",
            name=member.organiser.name,
            role=ROLE_NAMES[member.role],
        ),
        "info",
    )
    return redirect(url_for("people.people", slug=event.slug))


@bp.route("/manage/<slug>/people/<int:member_id>/remove", methods=["POST"])
@event_page(EventRole.OWNER)
def remove_person(event: Event, member_id: int) -> ResponseReturnValue:
    """Take a member off the event's Ban Tổ chức (their account stays)."""
    writing = db.write()
    member = member_or_404(writing, event, member_id)
    name = member.organiser.name
    try:
        remove_member(writing, member, _me())
    except Conflict as error:
        db.rollback()
        return _people_page(event, status=status_of(error), problem=error.message)
    flash(_("Đã bớt %(name)s khỏi Ban Tổ chức của sự kiện.", name=name), "info")
    return redirect(url_for("people.people", slug=event.slug))


def menu_item(_event: Event) -> MenuItem:
    return MenuItem("people", lazy_gettext("Ban Tổ chức"), "people.people", position=90)


# --- Accounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    """What the form to create an account says, and what is wrong with it."""

    name: str
    email: str
    password: str
    event: str
    role: str
    errors: dict[str, str]

    @classmethod
    def read(cls, form: Mapping[str, str]) -> NewAccount:
        name = nfc(form.get("name", "")).strip()
        email = clean_email(form.get("email", ""))
        password = form.get("password", "")
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = _("Hãy nhập họ và tên.")
        elif len(name) > MAX_NAME:
            errors["name"] = _("Họ và tên dài quá %(count)s ký tự.", count=MAX_NAME)
        if not looks_like_email(email):
            errors["email"] = _("Hãy nhập một địa chỉ email hợp lệ.")
        if password and (problem := password_problem(password)):
            errors["password"] = problem
        event, role = form.get("event", "").strip(), form.get("role", "").strip()
        if event and role not in {role.value for role in EventRole}:
            errors["role"] = _("Hãy chọn một vai trò.")
        return cls(name, email, password, event, role, errors)


def _password_page(
    organiser: Organiser, password: str, *, created: bool, event: Event | None = None
) -> ResponseReturnValue:
    """The password, shown on this answer only: no browser nor proxy keeps it."""
    page = render_template(
        "core/admin/password.html",
        organiser=organiser,
        password=password,
        created=created,
        event=event,
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/manage/organisers")
@admin_required
def organisers_page() -> ResponseReturnValue:
    """Every account, and what the administrator may do with each."""
    return render_template(
        "core/admin/organisers.html", organisers=organisers(db.session()), me=_me()
    )


@bp.route("/manage/organisers/new", methods=["GET", "POST"])
@admin_required
def new_organiser() -> ResponseReturnValue:
    """Create an account; its password, typed or made up, is shown once. Coming from an
    event's page (``event`` and ``role``), the new organiser joins that event too."""
    source = request.form if request.method == "POST" else request.args
    account = NewAccount.read(source)
    event = event_by_slug(account.event) if account.event else None
    if account.event and event is None:
        abort(404)
    if request.method == "GET" or account.errors:
        status = 200 if request.method == "GET" else 422
        errors = account.errors if request.method == "POST" else {}
        page = render_template(
            "core/admin/organiser_form.html", account=account, event=event, errors=errors
        )
        return page, status
    password = account.password or temporary_password()
    password_hash = hash_password(password)  # slow: before the write transaction begins
    writing = db.write()
    try:
        organiser = create_organiser(
            writing,
            name=account.name,
            email=account.email,
            password_hash=password_hash,
            actor=_me(),
        )
    except Conflict as error:
        db.rollback()
        page = render_template(
            "core/admin/organiser_form.html",
            account=account,
            event=event,
            errors={"email": error.message},
        )
        return page, 422
    if event is not None:
        add_member(writing, event, organiser.email, EventRole(account.role), _me())
    return _password_page(organiser, password, created=True, event=event)


@bp.route("/manage/organisers/<int:organiser_id>/password", methods=["POST"])
@admin_required
def new_password(organiser_id: int) -> ResponseReturnValue:
    """Reset someone's password (typed, or made up): shown once; their sessions end."""
    password = request.form.get("password", "")
    if password and (problem := password_problem(password)):
        raise Invalid("invalid_password", problem)
    password = password or temporary_password()
    password_hash = hash_password(password)
    writing = db.write()
    organiser = organiser_or_404(writing, organiser_id)
    reset_password(writing, organiser, password_hash, _me())
    return _password_page(organiser, password, created=False)


@bp.route("/manage/organisers/<int:organiser_id>/admin", methods=["POST"])
@admin_required
def admin_rights(organiser_id: int) -> ResponseReturnValue:
    """Grant (``admin=1``) or take back (``admin=0``) administrator rights."""
    writing = db.write()
    organiser = organiser_or_404(writing, organiser_id)
    admin = request.form.get("admin") == "1"
    set_admin(writing, organiser, admin, _me())
    if admin:
        flash(_("%(name)s giờ là quản trị viên hệ thống.", name=organiser.name), "info")
    else:
        flash(_("%(name)s không còn là quản trị viên hệ thống.", name=organiser.name), "info")
    return redirect(url_for("people.organisers_page"))


def _password_changer() -> str:
    """Guesses at the current password are counted per account, as at the login."""
    organiser = signed_in_organiser()
    return f"password-change:{organiser.id if organiser else request.remote_addr}"


@bp.route("/manage/account", methods=["GET", "POST"])
@organiser_required
@limiter.limit(setting("LOGIN_LIMIT_PER_ACCOUNT"), key_func=_password_changer, methods=["POST"])
def account() -> ResponseReturnValue:
    """The organiser's own account: change the password (current one, new one twice). This
    browser stays signed in; every other one is signed out."""
    me = _me()
    back = safe_next(request.values.get("next"), url_for("people.account"))
    if request.method == "GET":
        return render_template("core/manage/people_account.html", errors={}, back=back)
    errors = _password_change_errors(me, request.form)
    if errors:
        return render_template("core/manage/people_account.html", errors=errors, back=back), 422
    password_hash = hash_password(request.form["password"])
    change_own_password(db.write(), me, password_hash)
    login_user(me, remember=True)  # this browser, in the account's new session generation
    flash(_("Đã đổi mật khẩu. Các trình duyệt khác đã được đăng xuất."), "info")
    return redirect(back)


def _password_change_errors(me: Organiser, form: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    password = form.get("password", "")
    if problem := password_problem(password):
        errors["password"] = problem
    elif password != form.get("confirm", ""):
        errors["confirm"] = _("Hai lần nhập mật khẩu không khớp.")
    # Checked last, and always: it is the slow part, and it is what a guesser would aim at.
    if not check_password(me, form.get("current", "")):
        errors["current"] = _("Mật khẩu hiện tại không đúng.")
    return errors


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    signals.management_menu.connect(menu_item, weak=False)
