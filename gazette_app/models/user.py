"""Staff accounts and their roles."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import Model
from .types import UTCDateTime, utcnow


class Role(str, enum.Enum):
    """Each role can do everything the roles before it can."""

    EDITOR = "editor"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    @property
    def label(self) -> str:
        return {"editor": "Biên tập viên", "approver": "Người duyệt",
                "admin": "Quản trị"}[self.value]


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.EDITOR.value)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session's identity: raising it ends all the account's open sessions
    # (logout, new password, new role, deactivation), whatever their cookies still say.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What flask-login keeps in the session: the id and the session version, so a session
        the server has ended cannot be replayed (see ``auth.views.load_user``)."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """End every open session of this account (the caller commits)."""
        self.session_version = (self.session_version or 1) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, role: Role) -> bool:
        return Role(self.role).rank >= role.rank

    def audit_state(self) -> dict:
        return {"username": self.username, "full_name": self.full_name,
                "role": self.role, "active": self.active}

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"
