"""Command line of operations: ``backup``, ``restore`` and ``recover``."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .recovery import recover
from .services.backup import BackupError, backup, restore


@click.command("backup")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of backups; each snapshot is a new folder gazette-<UTC time> in it.")
@click.option("--keep", type=click.IntRange(min=1),
              help="Keep only this many newest snapshots in --out (older ones are removed).")
@with_appcontext
def backup_command(out: Path, keep: int | None) -> None:
    """Take a consistent snapshot (database, file store, manifest) while the app serves."""
    try:
        result = backup(out, keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
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
    try:
        manifest = restore(source, progress=lambda step: click.echo(f"restoring {step}"))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
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


COMMANDS = (backup_command, restore_command, recover_command)
