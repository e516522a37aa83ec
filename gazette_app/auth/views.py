"""Login and logout at /login and /logout."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..services.audit import record
from ..services.users import authenticate, login_locked

bp = Blueprint("auth", __name__, template_folder="templates")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str:
    """Only paths on this site: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("staff.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    if request.method == "POST":
        username = request.form.get("username", "")
        user = authenticate(username, request.form.get("password", ""),
                            request.remote_addr or "")
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
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
