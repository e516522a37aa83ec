"""Command line of past issues: ``import-issue`` reads a published issue's PDF (made by any
software or print shop) into its documents with the engine ``issues.importing`` and prints what
it found. Registering them needs the gazette titles (a former province's Công báo), which are
not built yet: only ``--dry-run`` works for now."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from issues.importing import ImportedIssue, IssueReadError, import_issue
from print_templates.dates import short_date


@click.command("import-issue")
@click.option("--year", type=click.IntRange(1945, 2100), required=True)
@click.option("--number", type=click.IntRange(1, 999), required=True)
@click.option("--dry-run", is_flag=True, help="Print what the importer found; register nothing.")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_issue_command(year: int, number: int, dry_run: bool, pdf: Path) -> None:
    """Read a past issue's PDF: its contents, each document's pages, what needs staff."""
    if not dry_run:
        raise click.ClickException(
            "registering past issues needs gazette titles, which are not built yet: "
            "run with --dry-run to see what the importer reads")
    try:
        result = import_issue(pdf, ocr_timeout=current_app.config["OCR_TIMEOUT"])
    except IssueReadError as error:
        raise click.ClickException(str(error)) from None
    for line in report_lines(result, year, number):
        click.echo(line)


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
                 "(dry run: nothing registered)")
    return lines


COMMANDS = (import_issue_command,)
