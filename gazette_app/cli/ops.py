"""Command line of operations: backup, restore, recover, reindex, search-sync."""
from __future__ import annotations

from pathlib import Path
from typing import cast

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..extensions import db
from ..models import Document, public_documents
from ..recovery import recover
from ..search import drain, reindex
from ..services.backup import BackupError, backup, restore
from .common import refusal_stops


@click.command("backup")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of backups; each snapshot is a new folder gazette-<UTC time> in it.")
@click.option("--keep", type=click.IntRange(min=1),
              help="Keep only this many newest snapshots in --out (older ones are removed).")
@with_appcontext
def backup_command(out: Path, keep: int | None) -> None:
    """Take a consistent snapshot (database, file store, manifest) while the app serves."""
    with refusal_stops(BackupError):
        result = backup(out, keep)
    rows = result.manifest["rows"]
    click.echo(f"backup {result.folder}: {len(result.manifest['store'])} stored files, "
               f"{rows.get('documents', 0)} documents, {rows.get('issues', 0)} issues")
    for folder in result.removed:
        click.echo(f"removed old backup {folder}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(source: Path) -> None:
    """Rebuild this empty instance from a backup (a snapshot folder, or the newest in SOURCE)."""
    with refusal_stops(BackupError):
        manifest = restore(source, progress=lambda step: click.echo(f"restoring {step}"))
    click.echo(f"restored the backup of {manifest['created_at']}: "
               f"{manifest['rows'].get('documents', 0)} documents, "
               f"{len(manifest['store'])} stored files; search index rebuilt. "
               "Run `flask --app wsgi verify` to check the store.")


@click.command("recover")
@click.option("--temporary-age", type=click.FloatRange(min=0), default=360.0, show_default=True,
              help="Minutes after which temporary work of a process that cannot be asked "
                   "(another server) counts as abandoned.")
@click.option("--move-orphans", is_flag=True,
              help="Move stored files no record refers to (older than a day) into the store's "
                   "orphans/ folder.")
@with_appcontext
def recover_command(temporary_age: float, move_orphans: bool) -> None:
    """Put right what a crashed process left: temporary files, jobs, the search index."""
    report = recover(temporary_age=temporary_age * 60, move_unreferenced=move_orphans)
    for line in report.lines():
        click.echo(line)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database."""
    total = cast(int, db.session.scalar(select(func.count()).select_from(Document)
                                        .where(public_documents())))
    with click.progressbar(length=total, label="reindex", show_pos=True) as bar:
        indexed = reindex(progress=bar.update)
    click.echo(f"indexed {indexed} documents with {current_app.config['SEARCH_BACKEND']}")


@click.command("search-sync")
@with_appcontext
def search_sync_command() -> None:
    """Apply index work left in the outbox (after a crash); normally done after each commit."""
    click.echo(f"index updated for {drain()} documents")


COMMANDS = (backup_command, restore_command, recover_command, reindex_command,
            search_sync_command)
