"""What the commands share: the acting user named on the command line."""
from __future__ import annotations

import click
from sqlalchemy import select

from ..extensions import db
from ..models import User


def acting_user(username: str | None) -> User | None:
    """The user a command acts as (``--user``), recorded in the audit trail; None for the
    system. An unknown name stops the command."""
    if not username:
        return None
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user
