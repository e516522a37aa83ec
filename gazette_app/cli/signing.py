"""Command line of the e-edition's long-term validity: ``retimestamp`` re-stamps the archive."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from issues.signing import SigningError

from .. import clock
from ..services.signing_archive import (
    default_threshold,
    is_due,
    restamp,
    signed_issues,
    stored_state,
)


@click.command("retimestamp")
@click.option("--before", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Re-stamp e-editions whose last timestamp is older than this day (UTC); "
                   "default: GAZETTE_RETIMESTAMP_AGE_DAYS ago.")
@click.option("--dry-run", is_flag=True, help="Only list the e-editions that are due.")
@with_appcontext
def retimestamp_command(before: dt.datetime | None, dry_run: bool) -> None:
    """Add a fresh document timestamp (PAdES B-LTA) to every published e-edition whose last
    timestamp is older than the threshold or whose TSA certificate expires soon. The published
    bytes are kept: each re-stamping is an incremental update stored as a new revision."""
    now = clock.wall_now()
    threshold = before.replace(tzinfo=dt.UTC) if before else default_threshold(now)
    done = failed = 0
    for issue in signed_issues():
        state = stored_state(issue)
        if not is_due(state, before=threshold, now=now):
            continue
        last = state.timestamped_at.isoformat() if state and state.timestamped_at else "none"
        if dry_run:
            click.echo(f"due {issue.label}/{issue.year} (last timestamp {last})")
            continue
        try:
            result = restamp(issue)
        except SigningError as error:
            failed += 1
            click.echo(f"FAILED {issue.label}/{issue.year}: {error}", err=True)
            continue
        done += 1
        click.echo(f"re-stamped {issue.label}/{issue.year}: {result.sha256} "
                   f"({result.state.level}, timestamp {result.state.timestamped_at})")
    click.echo(f"{done} e-editions re-stamped, {failed} failed (threshold {threshold.date()})")
    if failed:
        raise SystemExit(1)


COMMANDS = (retimestamp_command,)
