"""Command line of the archive: ``build-volume`` binds a quarter, ``verify`` re-hashes the store."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import cast

import click
from flask.cli import with_appcontext

from issues.volume import VolumeError

from ..services.volumes import build_volume, verify
from ..storage import get_store
from .common import acting_user, refusal_stops


@click.command("build-volume")
@click.option("--year", type=int, required=True)
@click.option("--quarter", type=click.IntRange(1, 4), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also copy the volume PDF here.")
@click.option("--single-sided", is_flag=True, help="No blank backs: issues follow each other.")
@click.option("--by", "username", help="Staff account recorded as the builder.")
@with_appcontext
def build_volume_command(year: int, quarter: int, out: Path | None, single_sided: bool,
                         username: str | None) -> None:
    """Bind the quarter's published issues into one archival volume with its manifest."""
    with refusal_stops(VolumeError):
        result = build_volume(year, quarter, double_sided=False if single_sided else None,
                              actor=acting_user(username))
    volume = result.volume
    click.echo(f"volume {volume.label}: {len(volume.issues)} issues, {volume.page_count} pages, "
               f"{volume.sheet_count} sheets ({'double' if volume.double_sided else 'single'}"
               "-sided)")
    click.echo(f"pdf sha256 {volume.pdf_sha256}")
    click.echo(f"manifest sha256 {volume.manifest_sha256} (content {volume.content_sha256})")
    if out:
        shutil.copyfile(get_store().path(cast(str, volume.pdf_sha256)), out)
        click.echo(f"written to {out}")


@click.command("verify")
@with_appcontext
def verify_command() -> None:
    """Re-hash every stored file; exit 1 if any is missing or altered."""
    run = verify("cli")
    click.echo(f"checked {run.files_checked} files ({run.bytes_checked} bytes)")
    for item in run.missing:
        click.echo(f"MISSING {item['sha256']} {item['what']}")
    for item in run.altered:
        click.echo(f"ALTERED {item['sha256']} {item['what']}")
    for item in run.problems:
        click.echo(f"PROBLEM {item['what']}")
    if not run.ok:
        raise SystemExit(1)
    click.echo("store verified: every file present and unaltered")


COMMANDS = (build_volume_command, verify_command)
