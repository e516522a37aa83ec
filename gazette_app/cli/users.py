"""Accounts and API keys: ``create-user``, ``set-password``, ``create-api-key``."""
from __future__ import annotations

import os
import secrets
import sys

import click
from flask.cli import with_appcontext
from limits import parse_many
from sqlalchemy import select

from ..extensions import db
from ..models import ApiKey, Role, User
from ..services.audit import record
from ..services.users import AccountError, create_user, set_password
from .common import refusal_stops

PASSWORD_ENV = "GAZETTE_USER_PASSWORD"


def _password(env_name: str) -> str:
    """From the environment variable for scripts, else asked twice at the prompt."""
    value = os.environ.get(env_name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise click.UsageError(f"No terminal to ask the password: set {env_name}.")
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@with_appcontext
@click.option("--username", prompt="Tên đăng nhập")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.EDITOR.value,
              show_default=True)
@click.option("--full-name", default="")
@click.option("--password-env", default=PASSWORD_ENV, show_default=True,
              help="Environment variable holding the password (for scripts).")
def create_user_command(username: str, role: str, full_name: str, password_env: str) -> None:
    """Create a staff account (asks for the password unless the variable is set)."""
    with refusal_stops(AccountError):
        user = create_user(username, _password(password_env), role, full_name)
    click.echo(f"created user {user.username} with role {user.role}")


@click.command("set-password")
@with_appcontext
@click.argument("username")
@click.option("--password-env", default=PASSWORD_ENV, show_default=True)
def set_password_command(username: str, password_env: str) -> None:
    """Set a new password for an existing account."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    with refusal_stops(AccountError):
        set_password(user, _password(password_env))
    click.echo(f"password changed for {user.username}")


@click.command("create-api-key")
@click.argument("name")
@click.option("--rate", default="1200 per minute", show_default=True,
              help="rate limit for this key, as flask-limiter reads it")
@with_appcontext
def create_api_key_command(name: str, rate: str) -> None:
    """Create an API key for a client app; the key is printed once and only its hash kept."""
    try:
        parse_many(rate)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--rate") from None
    key = secrets.token_urlsafe(32)
    api_key = ApiKey(name=name[:120], key_hash=ApiKey.hash(key), rate_limit=rate)
    db.session.add(api_key)
    db.session.flush()
    record("api_key.create", "api_key", api_key.id, after={"name": api_key.name, "rate": rate})
    db.session.commit()
    click.echo(f"API key for {api_key.name} (keep it; it is not shown again): {key}")



COMMANDS = (create_user_command, set_password_command, create_api_key_command)
