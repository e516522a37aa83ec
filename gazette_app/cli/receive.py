"""Command line of receiving: ``receive`` files as staff would upload them, and a ``worker``
that runs background jobs when the app's processes do not (``GAZETTE_JOB_RUNNER=manual``)."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import cast

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.local import LocalProxy

from .. import jobs
from ..extensions import db
from ..models import Job, Receipt
from ..recovery import recover_at_start
from ..services import receiving, relations
from .common import acting_user


@click.command("receive")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--together", is_flag=True,
              help="The files are one document: the first PDF/DOC/DOCX is the main file, the "
                   "others its annexes.")
@click.option("--register", "register_now", is_flag=True,
              help="Register each document with the proposed metadata when it is complete.")
@click.option("--user", "username", help="Staff account recorded as the receiver.")
@with_appcontext
def receive_command(paths: tuple[Path, ...], together: bool, register_now: bool,
                    username: str | None) -> None:
    """Receive document files: store, convert, OCR, extract text, propose metadata."""
    actor = acting_user(username)
    files: list[tuple[str | None, bytes]] = [(path.name, path.read_bytes()) for path in paths]
    result = receiving.receive(files, together=together, actor=actor, channel="cli")
    failed = bool(result.refused)
    for name, reason in result.refused:
        click.echo(f"refused {name}: {reason}", err=True)
    for receipt in result.receipts:
        click.echo(f"receipt #{receipt.id}: {receipt.main_file['filename']}")
        job = jobs.claim(cast(Job, receipt.job).id, jobs.worker_name())
        if job is not None:
            jobs.run(job, lambda percent, step: click.echo(f"  {percent:3d}% {step}"))
        failed |= not _report(receipt, register_now, actor)
    if failed:
        raise SystemExit(1)


def _report(receipt, register_now: bool, actor) -> bool:
    receipt = db.session.get(Receipt, receipt.id, populate_existing=True)
    if receipt.state != "proposed":
        click.echo(f"  failed: {receipt.message}", err=True)
        return False
    for name in ("number", "doc_type", "issuer", "issued", "abstract", "signer"):
        click.echo(f"  {name}: {receipt.proposal.get(name, '')}")
    for row in receipt.relations:
        where = f"document #{row['target_id']}" if row["target_id"] else "not in the archive"
        click.echo(f"  relation: {row['kind']} {row['target_notation']} ({where})")
    if receipt.message:
        click.echo(f"  note: {receipt.message}")
    if not register_now:
        click.echo(f"  confirm at /staff/receipts/{receipt.id}")
        return True
    relations = [relations.ConfirmedRelation(r["kind"], r["target_notation"], r["target_date"],
                                             r["partial"]) for r in receipt.relations]
    try:
        document = receiving.register(receipt, receipt.proposal, relations, actor)
    except receiving.RegistrationError as error:
        click.echo(f"  not registered: {error}", err=True)
        return False
    click.echo(f"  registered document #{document.id} {document.notation}")
    return True


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs due now, then stop.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Run background jobs (receiving, scheduled status changes) until stopped."""
    recover_at_start()
    app, idle = cast("LocalProxy[Flask]", current_app)._get_current_object(), threading.Event()
    while True:
        count = jobs.run_pending()
        if count:
            click.echo(f"ran {count} job(s)")
        if once:
            return
        jobs.wait_for_work(app, idle)


COMMANDS = (receive_command, worker_command)
