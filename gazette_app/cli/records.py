"""Records in bulk: ``import-records`` (JSON lines) and ``demo`` (the bundled Sơn La 2026
gazette replayed through the real services)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import cast

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..demo.former import load_former_title
from ..demo.gazette import bind_demo_volumes, replay_year
from ..extensions import db
from ..models import Role, User
from ..services.records import import_records
from ..services.users import create_user, set_password

DEMO_RECORDS = Path(__file__).resolve().parent.parent / "demo" / "sonla-2026-documents.jsonl"


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
@click.option("--former-title/--no-former-title", default=True, show_default=True,
              help="with the issues, also a former province's title and its past issues, "
                   "brought in from their PDFs")
@with_appcontext
def demo_command(issues: bool, former_title: bool) -> None:
    """Load the bundled demo gazette into this instance (idempotent) and a demo admin."""
    _run_import(DEMO_RECORDS)
    username, password = ensure_demo_admin()
    if issues:
        admin = cast(User, db.session.scalar(select(User).where(User.username == username)))
        for label in replay_year(admin):
            click.echo(f"published {label}")
        for label in bind_demo_volumes(admin):
            click.echo(f"volume bound: {label}")
        for label in load_former_title(admin, DEMO_RECORDS) if former_title else ():
            click.echo(f"former title: {label}")
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


COMMANDS = (import_records_command, demo_command)
