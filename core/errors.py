"""Errors are part of the interface: JSON ``{"error", "message"}`` under /api/, a page elsewhere.

Services raise the domain errors below, never HTTP ones; this module maps each to a status.
Messages are in the user's language. A failed request's session is rolled back before the reply,
so nothing is left half-written.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from core import db

log = logging.getLogger(__name__)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    503: "busy",
}


class DomainError(Exception):
    """A refusal the user can act on: a stable code for programs, a message for people (in their
    language) and optional details, such as the criterion at fault."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class Invalid(DomainError):
    """The input breaks a rule (a score out of range, a missing field)."""


class Malformed(DomainError):
    """The input is not even of the right shape (not JSON, not an object)."""


class NotFound(DomainError):
    """What was asked for does not exist, or not where it was looked for."""


class Conflict(DomainError):
    """The input is fine, but the state of things refuses it (a locked round)."""


class Forbidden(DomainError):
    """This person may not do this."""


class Unauthenticated(DomainError):
    """We do not know who is asking."""


STATUS: dict[type[DomainError], int] = {
    Malformed: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
}


def _message_for(status: int) -> str:
    messages = {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Bạn cần đăng nhập."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy trang hoặc dữ liệu được yêu cầu."),
        405: _("Phương thức không được hỗ trợ."),
        409: _("Dữ liệu đã thay đổi, vui lòng tải lại."),
        413: _("Dữ liệu gửi lên quá lớn."),
        422: _("Dữ liệu không hợp lệ."),
        503: _("Máy chủ đang bận, vui lòng thử lại sau giây lát."),
    }
    return str(messages.get(status, _("Đã có lỗi xảy ra. Vui lòng thử lại.")))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _reply(status: int, code: str, message: str, **details: Any) -> ResponseReturnValue:
    db.rollback()
    if wants_json():
        return jsonify(error=code, message=message, **details), status
    return render_template("core/error.html", status=status, message=message), status


def status_of(error: DomainError) -> int:
    """The HTTP status of a refusal: a page that shows it in its own form answers with it too."""
    return next(STATUS[kind] for kind in type(error).__mro__ if kind in STATUS)


def domain_error(error: DomainError) -> ResponseReturnValue:
    return _reply(status_of(error), error.code, error.message, **error.details)


def http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    return _reply(status, STATUS_CODES.get(status, "error"), _message_for(status))


def csrf_error(_error: CSRFError) -> ResponseReturnValue:
    message = _("Phiên làm việc đã hết hạn. Vui lòng tải lại trang rồi thử lại.")
    return _reply(400, "csrf", message)


def integrity_error(error: IntegrityError) -> ResponseReturnValue:
    """A unique or foreign key constraint refused the commit: someone else changed the same
    thing at the same moment. Services check what they can first; this is the race they lose."""
    log.info("integrity error answered as a conflict: %s", error.orig)
    return _reply(409, "conflict", _message_for(409))


def operational_error(error: OperationalError) -> ResponseReturnValue:
    """The database is busy (SQLite's lock waited out its timeout) or briefly unreachable:
    worth trying again, which the judges' tablets do by themselves."""
    log.warning("database unavailable: %s", error.orig)
    return _reply(503, "busy", _message_for(503))


def server_error(error: Exception) -> ResponseReturnValue:
    log.exception("unhandled error", exc_info=error)
    return _reply(500, "server_error", _message_for(500))


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(IntegrityError, integrity_error)
    app.register_error_handler(OperationalError, operational_error)
    app.register_error_handler(Exception, server_error)
