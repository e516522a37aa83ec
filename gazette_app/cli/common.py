"""What the commands share: the acting user named on the command line, and how a refused
step ends a command."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def refusal_stops(*refusals: type[Exception]) -> Iterator[None]:
    """A service's refusal (its message says why, in Vietnamese) ends the command with that
    message and exit code 1, never a traceback: the command line's ``staff.steps.run_step``."""
    try:
        yield
    except refusals as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
