"""Error pages in Vietnamese; JSON errors under /api/. Never a traceback to the user."""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Vui lòng đăng nhập.",
    403: "Bạn không có quyền truy cập trang này.",
    404: "Không tìm thấy trang hoặc tài liệu yêu cầu.",
    405: "Phương thức không được hỗ trợ.",
    413: "Tệp gửi lên quá lớn.",
    429: "Quá nhiều yêu cầu; vui lòng thử lại sau.",
    500: "Đã có lỗi trong hệ thống; vui lòng thử lại sau.",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "too_large", 429: "rate_limited", 500: "server_error"}


def respond(status: int, message: str | None = None):
    message = message or MESSAGES.get(status, MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify(error={"code": CODES.get(status, "error"), "message": message}), status
    return render_template("error.html", status=status, message=message), status


def given_description(error: HTTPException) -> str | None:
    """What the code said with ``abort(400, "...")``, shown to the user; None when it is
    werkzeug's own English default (the page then says MESSAGES' Vietnamese)."""
    description = error.description
    if not description or description == type(error).description:
        return None
    return description


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log.warning("CSRF refused on %s: %s", request.path, error.description)
        return respond(400, "Biểu mẫu đã hết hạn hoặc không hợp lệ; vui lòng tải lại trang "
                             "và gửi lại.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 401 and not request.path.startswith("/api/"):
            return login_manager.unauthorized()
        if error.code == 413:
            limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            return respond(413, f"Tệp gửi lên quá lớn: mỗi lần gửi tối đa {limit} MB. Không có "
                                 "tệp nào được lưu; hãy gửi ít tệp hơn mỗi lần.")
        return respond(error.code or 500, given_description(error))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return respond(InternalServerError.code)
