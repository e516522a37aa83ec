"""Command line: thin commands that parse, call a service and print.

``flask --app wsgi create-user | set-password | import-records | demo``
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import cast

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .extensions import db
from .models import Role, User
from .services.records import import_records
from .services.users import AccountError, create_user, set_password

DEMO_RECORDS = Path(__file__).parent / "demo" / "sonla-2026-documents.jsonl"
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
    try:
        user = create_user(username, _password(password_env), role, full_name)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
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
    try:
        set_password(user, _password(password_env))
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"password changed for {user.username}")


@click.command("import-records")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_records_command(path: Path) -> None:
    """Import document metadata from a JSON Lines file (idempotent)."""
    _run_import(path)


def _run_import(path: Path) -> None:
    with path.open(encoding="utf-8", errors="replace") as handle:
        summary = import_records(handle)
    click.echo(f"import {path.name}")
    for line in summary.lines():
        click.echo(line)


@click.command("demo")
@click.option("--issues/--no-issues", default=True, show_default=True,
              help="also generate document PDFs and publish the demo issues")
@with_appcontext
def demo_command(issues: bool) -> None:
    """Load the bundled demo gazette into this instance (idempotent) and a demo admin."""
    _run_import(DEMO_RECORDS)
    username, password = ensure_demo_admin()
    if issues:
        from .demo.gazette import bind_demo_volumes, replay_year
        admin = cast(User, db.session.scalar(select(User).where(User.username == username)))
        for label in replay_year(admin):
            click.echo(f"published {label}")
        for label in bind_demo_volumes(admin):
            click.echo(f"volume bound: {label}")
    click.echo(f"demo admin: {username} / password: {password}")


def ensure_demo_admin() -> tuple[str, str]:
    """The demo admin account; its generated password is kept in the instance (mode 600)
    so that every `make run` can print it again."""
    path = Path(current_app.instance_path) / "demo-admin-password"
    user = db.session.scalar(select(User).where(User.username == "admin"))
    if user is not None and path.exists():
        return user.username, path.read_text().strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        create_user("admin", password, Role.ADMIN.value, "Quản trị (demo)")
    else:
        set_password(user, password)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password)
    return "admin", password


@click.command("create-api-key")
@click.argument("name")
@click.option("--rate", default="1200 per minute", show_default=True,
              help="rate limit for this key, as flask-limiter reads it")
@with_appcontext
def create_api_key_command(name: str, rate: str) -> None:
    """Create an API key for a client app; the key is printed once and only its hash kept."""
    from limits import parse_many

    from .models import ApiKey
    from .services.audit import record
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


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database."""
    from sqlalchemy import func

    from .models import Document, public_documents
    from .search import reindex
    total = cast(int, db.session.scalar(select(func.count()).select_from(Document)
                                        .where(public_documents())))
    with click.progressbar(length=total, label="reindex", show_pos=True) as bar:
        indexed = reindex(progress=bar.update)
    click.echo(f"indexed {indexed} documents with {current_app.config['SEARCH_BACKEND']}")


@click.command("search-sync")
@with_appcontext
def search_sync_command() -> None:
    """Apply index work left in the outbox (after a crash); normally done after each commit."""
    from .search import drain
    click.echo(f"index updated for {drain()} documents")


def init_app(app: Flask) -> None:
    from .cli_intake import COMMANDS as INTAKE_COMMANDS
    from .cli_issues import COMMANDS
    from .cli_ops import COMMANDS as OPERATION_COMMANDS
    from .cli_receive import COMMANDS as RECEIVE_COMMANDS
    from .cli_volumes import COMMANDS as VOLUME_COMMANDS
    for command in (create_user_command, set_password_command, import_records_command,
                    demo_command, reindex_command, search_sync_command, create_api_key_command,
                    *COMMANDS, *RECEIVE_COMMANDS, *VOLUME_COMMANDS, *OPERATION_COMMANDS,
                    *INTAKE_COMMANDS):
        app.cli.add_command(command)
