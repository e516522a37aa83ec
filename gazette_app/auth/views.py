"""Login and logout at /login and /logout."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..security import safe_local_path, start_session
from ..services.audit import record
from ..services.users import authenticate, login_locked

bp = Blueprint("auth", __name__, template_folder="templates")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user; a deactivated account loses its open sessions at once."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


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
        record("auth.logout", "user", current_user.username)
        db.session.commit()
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("public.home"))
