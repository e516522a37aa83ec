"""Command line of past issues and gazette titles: ``title-add`` adds a former province's
Công báo; ``import-issue`` reads a published issue's PDF (made by any software or print shop)
with the engine ``issues.importing`` and registers it in its title when every document's
pages were verified; ``import-issues`` does a whole folder, and can be run again after an
interruption; ``confirm-entry`` settles an entry the engine could not verify (the staff page
``/staff/past-issues`` shows it side by side with the page)."""
from __future__ import annotations

import re
from pathlib import Path

import click
from flask.cli import with_appcontext

from issues.importing import ImportedIssue, IssueReadError, import_issue
from print_templates.dates import short_date

from ..extensions import db
from ..models import PastIssueImport
from ..models.past_issue import ImportState
from ..services.past_issues import (
    PastIssueError,
    PastIssueSource,
    confirm_entry,
    read_past_issue,
    register,
)
from ..services.titles import (
    TitleError,
    add_title,
    current_title,
    read_masthead_file,
    title_by_slug,
    title_name,
)
from .common import acting_user, refusal_stops

YEAR = click.IntRange(1945, 2100)
# "2024-045.pdf", "cong-bao-2024-so-45.pdf": the year, then the number
FILE_NUMBER = re.compile(r"(?<!\d)((?:19|20)\d{2})\D{1,12}?(\d{1,3})(?!\d)")


@click.command("title-add")
@click.option("--slug", required=True, help="Its address: /cong-bao/<slug>/<year>/<number>.")
@click.option("--province", required=True, help="The former province: “Bình Phước”.")
@click.option("--first-year", type=YEAR)
@click.option("--last-year", type=YEAR)
@click.option("--note", default="", help="“Từ 01/7/2025 sáp nhập vào tỉnh Đồng Nai”.")
@click.option("--masthead", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Its masthead settings (keys of print_templates/masthead.toml).")
@click.option("--by", "username", help="Staff account recorded in the audit trail.")
@with_appcontext
def title_add_command(slug, province, first_year, last_year, note, masthead, username) -> None:
    """Add a former province's Công báo, kept under its own title."""
    with refusal_stops(TitleError):
        title = add_title(slug, province, first_year, last_year, note,
                          read_masthead_file(masthead) if masthead else None,
                          acting_user(username))
    db.session.commit()
    click.echo(f"title {title.slug}: {title.name} ({title.years_label or '-'})")


def _title(slug: str):
    try:
        return title_by_slug(slug)
    except LookupError:
        raise click.ClickException(f"no former title {slug!r} (add it with title-add)") from None


@click.command("import-issue")
@click.option("--title", "slug", help="The former title's slug; the current title when absent.")
@click.option("--year", type=YEAR, required=True)
@click.option("--number", type=click.IntRange(1, 999), required=True)
@click.option("--date", "issue_date", type=click.DateTime(["%Y-%m-%d"]),
              help="The issue's date, when its cover's cannot be read.")
@click.option("--dry-run", is_flag=True, help="Print what the importer found; keep nothing.")
@click.option("--by", "username", help="Staff account recorded in the audit trail.")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_issue_command(slug, year, number, issue_date, dry_run, username, pdf) -> None:
    """Read a past issue's PDF and register it, or say what waits for staff."""
    if dry_run:
        with refusal_stops(IssueReadError):
            result = import_issue(pdf)
        for line in report_lines(result, year, number):
            click.echo(line)
        return
    title = _title(slug) if slug else None
    with refusal_stops(PastIssueError, TitleError):
        source = PastIssueSource(title or current_title(), year, number,
                                 issue_date.date() if issue_date else None)
        imported = read_past_issue(source, pdf, acting_user(username))
        _finish(imported, acting_user(username))


def _finish(imported: PastIssueImport, actor) -> None:
    """Register what is ready and print where the issue stands."""
    if imported.state == ImportState.READY:
        issue = register(imported, actor)
        click.echo(f"registered {title_name(imported.title)}, {imported.label}: "
                   f"{len(issue.entries)} documents, {issue.page_count} pages, "
                   f"pdf sha256 {issue.pdf_sha256}")
        return
    if imported.state == ImportState.REGISTERED:
        click.echo(f"already registered {title_name(imported.title)}, {imported.label}")
        return
    click.echo(f"kept {title_name(imported.title)}, {imported.label} (import #{imported.id}): "
               f"{len(imported.waiting)} of {len(imported.entries)} documents wait for staff")
    for row in imported.waiting:
        pages = f"{row['first_page']}-{row['last_page']}?" if row["first_page"] else "?"
        click.echo(f"CONFIRM position {row['position']} pages {pages} {row['notation']}: "
                   f"{row['reason']}")


@click.command("import-issues")
@click.option("--title", "slug", required=True, help="The former title's slug.")
@click.option("--by", "username", help="Staff account recorded in the audit trail.")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def import_issues_command(slug: str, username: str | None, folder: Path) -> None:
    """Every PDF of a folder, in name order: the year and number from the file's name
    ("2024-045.pdf") or else from its cover. Run it again after an interruption: files read
    before are not read again, and what became ready is registered."""
    title = _title(slug)
    actor = acting_user(username)
    counts = {"registered": 0, "waiting": 0, "refused": 0}
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
    for index, pdf in enumerate(files, start=1):
        year, number = _from_name(pdf.name)
        try:
            imported = read_past_issue(PastIssueSource(title, year, number), pdf, actor)
            if imported.state == ImportState.READY:
                register(imported, actor)
        except PastIssueError as error:
            db.session.rollback()
            counts["refused"] += 1
            click.echo(f"[{index}/{len(files)}] REFUSED {pdf.name}: {error}")
            continue
        state = "registered" if imported.state == ImportState.REGISTERED else "waiting"
        counts[state] += 1
        click.echo(f"[{index}/{len(files)}] {state.upper()} {pdf.name}: {imported.label}"
                   + (f", {len(imported.waiting)} to confirm" if imported.waiting else ""))
    click.echo(f"{len(files)} files: {counts['registered']} registered, {counts['waiting']} "
               f"waiting for staff, {counts['refused']} refused")


def _from_name(name: str) -> tuple[int | None, int | None]:
    match = FILE_NUMBER.search(name)
    return (int(match[1]), int(match[2])) if match else (None, None)


@click.command("confirm-entry")
@click.argument("import_id", type=click.IntRange(1, 2_147_483_647))
@click.option("--position", type=click.IntRange(0, 999), required=True,
              help="The entry's position in the contents (as import-issue prints it).")
@click.option("--pages", required=True, help="The PDF pages it takes: “5-9”.")
@click.option("--notation", help="The notation as its first page prints it, when it differs.")
@click.option("--by", "username", required=True, help="Staff account confirming it.")
@with_appcontext
def confirm_entry_command(import_id, position, pages, notation, username) -> None:
    """Confirm or correct one entry's pages; the issue is registered once none waits."""
    imported = db.session.get(PastIssueImport, import_id)
    if imported is None:
        raise click.ClickException(f"no past-issue import #{import_id}")
    match = re.fullmatch(r"\s*(\d{1,4})\s*-\s*(\d{1,4})\s*", pages)
    if match is None:
        raise click.ClickException("--pages must be two page numbers: 5-9")
    actor = acting_user(username)
    with refusal_stops(PastIssueError):
        confirm_entry(imported, position, int(match[1]), int(match[2]), notation, actor)
        _finish(imported, actor)


def report_lines(result: ImportedIssue, year: int, number: int) -> list[str]:
    numbers = " + ".join(f"{n:02d}" for n in result.numbers) or "?"
    when = short_date(result.issue_date) if result.issue_date else "?"
    lines = [f"issue Số {numbers} ({when}): {result.page_count} pages, contents on pages "
             f"{', '.join(map(str, result.contents_pages)) or '-'} ({result.layout or '-'}), "
             f"page offset {result.page_offset}, OCR'd pages {len(result.ocr_pages)}"]
    if result.numbers and number not in result.numbers:
        lines.append(f"WARNING the cover reads Số {numbers}, not {number}")
    if result.issue_date and result.issue_date.year != year:
        lines.append(f"WARNING the cover's date is in {result.issue_date.year}, not {year}")
    lines += [f"PROBLEM {problem}" for problem in result.problems]
    for found in result.documents:
        lines.append(f"OK pages {found.first_page}-{found.last_page} {found.notation} "
                     f"({found.entry.type_name}; {found.entry.issuer or '-'}): "
                     f"{found.entry.abstract[:80]}")
    for entry in result.unmatched:
        proposed = (f"pages {entry.proposed_first}-{entry.proposed_last}?"
                    if entry.proposed_first else "pages ?")
        lines.append(f"CONFIRM {proposed} {entry.entry.notation}: {entry.reason}")
    lines.append(f"{len(result.documents)} documents found, {len(result.unmatched)} to confirm "
                 "(dry run: nothing kept)")
    return lines


COMMANDS = (title_add_command, import_issue_command, import_issues_command,
            confirm_entry_command)
