"""Login and logout at /login and /logout."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..security import safe_local_path, start_session
from ..services.audit import record
from ..services.users import authenticate, login_locked
from .blueprint import bp


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The session's user, if the session is still one the server knows: "<id>:<version>"
    with the account's current session version (raised at logout, password or role change
    and deactivation), so a copied cookie dies with the session it came from. A deactivated
    account loses its open sessions at once."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(session_id) > 40:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    if request.method == "POST":
        username = request.form.get("username", "")
        user = authenticate(username, request.form.get("password", ""),
                            request.remote_addr or "")
        if user is not None:
            start_session()
            login_user(user)
            return redirect(safe_local_path(request.args.get("next"),
                                            url_for("staff.dashboard")))
        if login_locked(username.strip().lower(), request.remote_addr or ""):
            flash("Tài khoản tạm khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau.", "error")
            return render_template("auth/login.html"), 429
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
        return render_template("auth/login.html"), 401
    return render_template("auth/login.html")


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        current_user.end_sessions()  # the cookie, even copied, no longer opens anything
        record("auth.logout", "user", current_user.username)
        db.session.commit()
    logout_user()
    session.clear()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("public.home"))
