"""What every response and every staff session gets, whatever the route: security headers, an
idle timeout, the client address as the reverse proxy saw it, and safe local redirects.

The Content-Security-Policy allows no inline script or style (the templates have none; the
one script, receive.js, is a static file), so an injected ``<script>`` would not run even if
escaping failed somewhere. PDFs may be shown in an ``<object>`` of our own pages, so they may
be framed by this site only; pages may not be framed at all (clickjacking).
"""
from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

from .errors import respond

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
               "form-action 'self'")
OTHER_POLICY = "default-src 'none'; frame-ancestors 'self'"
HSTS = "max-age=31536000; includeSubDomains"


def safe_local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``: an open redirect would help
    phishing ("//evil.example", "/\\evil.example" and "https://…" are all refused)."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not urlsplit(target).netloc \
            and not any(ord(c) < 32 for c in target):
        return target
    return default


def absolute_url(path: str) -> str:
    """``path`` (from ``url_for``) on the site's public address, GAZETTE_PUBLIC_URL: absolute
    links are never built from the Host header a client sent, which a shared cache would then
    serve to everyone (feeds, sitemap and API answers are cacheable)."""
    base = urlsplit(current_app.config["GAZETTE_PUBLIC_URL"])
    return f"{base.scheme}://{base.netloc}{path}"


def public_url_for(endpoint: str, **values) -> str:
    """``url_for(endpoint, _external=True)``, on GAZETTE_PUBLIC_URL (see ``absolute_url``)."""
    return absolute_url(url_for(endpoint, **values))


def _headers(response: Response) -> Response:
    html = response.mimetype == "text/html"
    headers = response.headers
    headers.setdefault("Content-Security-Policy", PAGE_POLICY if html else OTHER_POLICY)
    headers.setdefault("X-Frame-Options", "DENY" if html else "SAMEORIGIN")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith(("/staff", "/login")):
        headers["Cache-Control"] = "no-store"  # staff pages never stay in a shared cache
    return response


# C0 controls and DEL: never part of a search, a name or a number; a NUL breaks XML (feeds) and
# PostgreSQL text. Form and JSON text may hold tab and line breaks (a feedback message).
_CONTROLS = {chr(c) for c in range(32)} | {"\x7f"}
_TEXT_CONTROLS = _CONTROLS - {"\t", "\n", "\r"}


def _has(characters: set[str], text: str) -> bool:
    return not characters.isdisjoint(text)


def _refuse_control_characters():
    """400 for control characters anywhere in the path, the query string or a form, before any
    of it reaches a query, a template or an XML feed. (JSON text is checked by the schemas'
    ``Text`` field, which names the field.)"""
    if _has(_CONTROLS, request.path) or any(
            _has(_CONTROLS, key) or _has(_CONTROLS, value)
            for key, value in request.args.items(multi=True)):
        return _refused_input()
    if request.method in ("POST", "PUT", "PATCH"):
        texts = [t for key, value in request.form.items(multi=True) for t in (key, value)]
        if any(_has(_TEXT_CONTROLS, text) for text in texts):
            return _refused_input()
    return None


def _refused_input():
    return respond(400, "Dữ liệu gửi lên chứa ký tự điều khiển không hợp lệ.")


def _lifetime_seconds(app: Flask) -> int:
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    return int(lifetime.total_seconds()) if hasattr(lifetime, "total_seconds") else int(lifetime)


def _expire_session() -> None:
    """Log out a staff session unused for SESSION_IDLE_MINUTES, or opened more than
    SESSION_MINUTES ago however busy it is (the cookie is re-signed on every request, so its
    own expiry moves; the login time written at login does not)."""
    if not current_user.is_authenticated:
        return
    now, seen, opened = int(time.time()), session.get("seen"), session.get("login_at")
    if not opened or now - int(opened) > _lifetime_seconds(current_app):
        _end_session("Phiên làm việc đã hết thời hạn tối đa; vui lòng đăng nhập lại.")
        return
    if seen and now - int(seen) > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        _end_session("Phiên làm việc đã hết hạn do lâu không thao tác; vui lòng đăng nhập lại.")
        return
    if not seen or now - int(seen) > 30:  # not a new cookie on every request
        session["seen"] = now


def _end_session(message: str) -> None:
    logout_user()
    session.clear()
    flash(message, "info")


def start_session() -> None:
    """At login: a fresh session (nothing carried over from before), expiring after
    PERMANENT_SESSION_LIFETIME counted from now."""
    session.clear()
    session.permanent = True
    session["seen"] = session["login_at"] = int(time.time())


class TrustedHosts:
    """WSGI middleware: a request for a host name not in TRUSTED_HOSTS gets a plain 400 before
    the app sees it (no page, no link, nothing a shared cache could keep for that name)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        try:
            get_host(environ, self.app.config["TRUSTED_HOSTS"])
        except SecurityError:
            logging.getLogger(__name__).warning("Refused untrusted Host %r",
                                                environ.get("HTTP_HOST", "")[:100])
            answer = Response("Tên miền không hợp lệ cho trang này.\n", 400,
                              mimetype="text/plain", headers={
                                  "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
            return answer(environ, start_response)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    # The host check sees the host ProxyFix took from nginx's X-Forwarded-Host, so it wraps
    # the app first and ProxyFix wraps it.
    app.wsgi_app = TrustedHosts(app, app.wsgi_app)  # type: ignore[method-assign]
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:  # behind nginx: the client's address and https come from its headers
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.before_request(_refuse_control_characters)
    app.before_request(_expire_session)
    app.after_request(_headers)
