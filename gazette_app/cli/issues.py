"""Command line of the issue workflow, for scripts:

compose-issue, approve-issue, unapprove-issue, publish-issue, issue-pdf, attach-pdf,
demo-certificate.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from issues.archival import check_archival, make_archival

from ..extensions import db
from ..models import Document, DocumentState, Issue
from ..models.types import utcnow
from ..notation import NotationError, parse_notation
from ..services import issues as workflow
from ..services.documents import UploadError, attach_pdf
from ..services.freeze import DocumentFrozen
from ..services.signing import ensure_demo_certificate
from ..storage import get_store
from .common import acting_user, refusal_stops


def _document(reference: str) -> Document:
    """A document by id ("17") or by notation ("37/2026/QĐ-UBND", accents optional)."""
    if reference.isdigit():
        document = db.session.get(Document, int(reference))
        if document is None:
            raise click.ClickException(f"no document with id {reference}")
        return document
    with refusal_stops(NotationError):
        key = parse_notation(reference).key
    found = list(db.session.scalars(select(Document).where(
        Document.notation_key == key, Document.state != DocumentState.WITHDRAWN)))
    if len(found) != 1:
        ids = ", ".join(f"{d.id} ({d.issuer.name})" for d in found) or "none"
        raise click.ClickException(f"{reference}: {len(found)} documents match ({ids}); "
                                   "give the id")
    return found[0]


def _issue(year: int, number: int) -> Issue:
    issue = workflow.find_issue(year, number)
    if issue is None:
        raise click.ClickException(f"no issue number {number} in {year}")
    return issue


def _numbers(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace("+", ",").split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter("numbers look like 12 or 44,45") from None


@click.command("compose-issue")
@click.option("--year", type=int, required=True)
@click.option("--numbers", required=True, help="12, or 44,45 for a double issue")
@click.option("--date", "issue_date", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--by", "username", help="staff account composing (recorded in the audit)")
@click.option("--gap-reason", default="", help="why numbers are skipped (administrators)")
@click.argument("documents", nargs=-1)
@with_appcontext
def compose_issue_command(year, numbers, issue_date, username, gap_reason, documents):
    """Create a draft issue and compose its preview PDF. Without DOCUMENT ids or notations,
    every ready document issued by the date is taken."""
    actor = acting_user(username)
    ids = [_document(ref).id for ref in documents] if documents else None
    with refusal_stops(workflow.IssueWorkflowError):
        issue = workflow.create_issue(year, _numbers(numbers), issue_date.date(), ids, actor,
                                      gap_reason)
        workflow.compose(issue, actor)
    click.echo(f"composed {issue.label}/{year}: {issue.page_count} pages, "
               f"{len(issue.entries)} documents, pdf sha256 {issue.pdf_sha256}")
    for entry in issue.entries:
        click.echo(f"  p.{entry.start_page:>4}  {entry.document.notation}  "
                   f"({entry.page_count} pages)")


@click.command("approve-issue")
@click.option("--year", type=int, required=True)
@click.option("--number", type=int, required=True)
@click.option("--by", "username", required=True, help="the approver's account")
@with_appcontext
def approve_issue_command(year, number, username):
    """Approve a composed issue (the approver must not be its composer)."""
    issue = _issue(year, number)
    with refusal_stops(workflow.IssueWorkflowError):
        workflow.approve(issue, acting_user(username))
    click.echo(f"approved {issue.label}/{year}")


@click.command("unapprove-issue")
@click.option("--year", type=int, required=True)
@click.option("--number", type=int, required=True)
@click.option("--by", "username", required=True, help="the approver's account")
@click.option("--reason", required=True, help="why the approval is withdrawn (audited)")
@with_appcontext
def unapprove_issue_command(year, number, username, reason):
    """Return an approved issue to draft so that it and its documents can change again."""
    issue = _issue(year, number)
    with refusal_stops(workflow.IssueWorkflowError):
        workflow.return_to_draft(issue, acting_user(username), reason)
    click.echo(f"returned {issue.label}/{year} to draft")


@click.command("publish-issue")
@click.option("--year", type=int, required=True)
@click.option("--number", type=int, required=True)
@click.option("--by", "username", help="staff account publishing (recorded in the audit)")
@with_appcontext
def publish_issue_command(year, number, username):
    """Publish an approved issue: freeze it and mark its documents published."""
    issue = _issue(year, number)
    with refusal_stops(workflow.IssueWorkflowError):
        workflow.publish(issue, acting_user(username))
    issue = _issue(year, number)
    signed = f", signed e-edition {issue.signed_pdf_sha256}" if issue.signed_pdf_sha256 else ""
    click.echo(f"published {issue.label}/{year}: pdf sha256 {issue.pdf_sha256}{signed}")


@click.command("issue-pdf")
@click.option("--year", type=int, required=True)
@click.option("--number", type=int, required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--signed", is_flag=True, help="the signed electronic edition")
@click.option("--archival", is_flag=True,
              help="an archival rendition intended as PDF/A-2b, checked before it is written")
@with_appcontext
def issue_pdf_command(year, number, out, signed, archival):
    """Copy an issue's PDF (print edition, --signed e-edition, --archival rendition)."""
    issue = _issue(year, number)
    sha = issue.current_signed_sha256 if signed else issue.pdf_sha256
    if not sha:
        raise click.ClickException("this issue has no such PDF yet")
    if archival:
        make_archival(get_store().path(sha), out, utcnow())
        problems = check_archival(out)
        for problem in problems:
            click.echo(f"PDF/A check: {problem}", err=True)
        click.echo(f"wrote {out} (archival rendition of {sha}; "
                   f"{'no problem found by the checks' if not problems else 'see problems'})")
        return
    shutil.copyfile(get_store().path(sha), out)
    click.echo(f"wrote {out} ({sha})")


@click.command("attach-pdf")
@click.argument("document")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def attach_pdf_command(document, path):
    """Attach the signed PDF of a registered DOCUMENT (id or notation)."""
    target = _document(document)
    with refusal_stops(UploadError, DocumentFrozen):
        stored = attach_pdf(target, path.read_bytes(), path.name)
    click.echo(f"attached {stored.filename} ({stored.page_count} pages) to {target.notation}")


@click.command("demo-certificate")
@with_appcontext
def demo_certificate_command():
    """Create the instance's demo signing certificate (once), so the demo's e-editions are
    signed; its name says it has no legal value. Not used in production."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("GAZETTE_PRODUCTION is set: configure the province's "
                                   "certificate (GAZETTE_SIGNING_PKCS12) instead")
    click.echo(f"demo signing certificate: {ensure_demo_certificate()}")


COMMANDS = (compose_issue_command, approve_issue_command, unapprove_issue_command,
            publish_issue_command,
            issue_pdf_command, attach_pdf_command, demo_certificate_command)
