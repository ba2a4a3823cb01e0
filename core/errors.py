"""Errors are part of the interface: JSON ``{"error", "message"}`` under /api/, a page elsewhere.

Messages are in the user's language. A failed request's session is rolled back before the reply,
so nothing is left half-written.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
}


class ApiError(Exception):
    """A refusal with a stable machine code, an HTTP status and a message for people."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


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
    }
    return str(messages.get(status, _("Đã có lỗi xảy ra. Vui lòng thử lại.")))


def _rollback() -> None:
    current = g.get("db_session")
    if current is not None:
        current.rollback()


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(error: ApiError) -> ResponseReturnValue:
    _rollback()
    return jsonify(error=error.code, message=error.message, **error.details), error.status


def http_error(error: HTTPException) -> ResponseReturnValue:
    _rollback()
    status = error.code or 500
    if _wants_json():
        code = STATUS_CODES.get(status, "error")
        return jsonify(error=code, message=_message_for(status)), status
    return render_template("core/error.html", status=status, message=_message_for(status)), status


def csrf_error(_error: CSRFError) -> ResponseReturnValue:
    _rollback()
    message = _("Phiên làm việc đã hết hạn. Vui lòng tải lại trang rồi thử lại.")
    if _wants_json():
        return jsonify(error="csrf", message=message), 400
    return render_template("core/error.html", status=400, message=message), 400


def server_error(error: Exception) -> ResponseReturnValue:
    log.exception("unhandled error", exc_info=error)
    _rollback()
    message = _message_for(500)
    if _wants_json():
        return jsonify(error="server_error", message=message), 500
    return render_template("core/error.html", status=500, message=message), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, api_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, server_error)
