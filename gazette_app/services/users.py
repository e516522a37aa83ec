"""Staff accounts: creation, password policy, roles, and the login throttle."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import AuditEvent, Role, User
from ..models.types import utcnow
from .audit import record


class AccountError(ValueError):
    """A refused account change; the message is Vietnamese, for the user."""


def check_password_policy(password: str, username: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError(f"Mật khẩu phải có ít nhất {minimum} ký tự.")
    if username and username.casefold() in password.casefold():
        raise AccountError("Mật khẩu không được chứa tên đăng nhập.")
    if len(set(password)) < 4:
        raise AccountError("Mật khẩu quá đơn giản.")


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise AccountError(f"Vai trò “{value}” không hợp lệ; chọn một trong: {allowed}.") from None


def create_user(username: str, password: str, role: str, full_name: str = "",
                actor: User | None = None) -> User:
    username = username.strip().lower()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "")\
            .replace("-", "").isalnum():
        raise AccountError("Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới, gạch ngang.")
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"Tên đăng nhập “{username}” đã có.")
    check_password_policy(password, username)
    user = User(username=username, full_name=full_name.strip(), role=parse_role(role).value)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, after=user.audit_state(), actor=actor)
    db.session.commit()
    return user


def set_password(user: User, password: str, actor: User | None = None) -> None:
    check_password_policy(password, user.username)
    user.set_password(password)
    user.end_sessions()  # a stolen session must not outlive the password it was opened with
    record("user.password", "user", user.id, note="password changed", actor=actor)
    db.session.commit()


def update_user(user: User, role: str, active: bool, actor: User | None = None) -> None:
    before = user.audit_state()
    user.role = parse_role(role).value
    user.active = active
    if before != user.audit_state():
        user.end_sessions()  # the account's open sessions were opened with other rights
        record("user.update", "user", user.id, before=before, after=user.audit_state(),
               actor=actor)
    db.session.commit()


ADDRESS_FACTOR = 4  # failures from one address: this many times the account limit


def _recent_failures(column, value: str, since_success: bool) -> int:
    """Failed logins within the lock window; for an account, only those since its last
    successful login (the owner proved who they are). An address's count never restarts on a
    success: one good password must not buy a guesser another round."""
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    if since_success:
        last_success = db.session.scalar(select(func.max(AuditEvent.at)).where(
            AuditEvent.action == "auth.login", column == value))
        if last_success is not None and last_success > since:
            since = last_success
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "auth.login_failed", column == value, AuditEvent.at > since)) or 0


def login_locked(username: str, remote_addr: str) -> bool:
    """True after LOGIN_MAX_FAILURES failures for this account since its last success, or
    ADDRESS_FACTOR times that from this address within the lock window.

    The throttle reads the audit trail, so it holds across processes and restarts."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    return (_recent_failures(AuditEvent.object_id, username, since_success=True) >= limit
            or _recent_failures(AuditEvent.remote_addr, remote_addr, since_success=False)
            >= ADDRESS_FACTOR * limit)


_DUMMY_HASH: list[str] = []


def _burn_password_check(password: str) -> None:
    """Hash the password against a throw-away hash, so that an unknown or inactive account
    answers as slowly as a known one (no user names found by timing)."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash(secrets.token_hex(16)))
    check_password_hash(_DUMMY_HASH[0], password)


def authenticate(username: str, password: str, remote_addr: str) -> User | None:
    """The user if the password is right and the account not locked; audits every attempt."""
    username = username.strip().lower()[:64]
    if login_locked(username, remote_addr):
        record("auth.login_refused", "user", username, actor_name=username or "anonymous",
               note="locked after repeated failures")
        db.session.commit()
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        _burn_password_check(password)
    if user is None or not user.active or not user.check_password(password):
        record("auth.login_failed", "user", username, actor_name=username or "anonymous")
        db.session.commit()
        return None
    user.last_login_at = utcnow()
    record("auth.login", "user", username, actor=user)
    db.session.commit()
    return user
