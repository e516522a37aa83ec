"""Past issues brought in from their published PDFs (issue 22).

``read_past_issue`` keeps the PDF byte for byte in the store and reads it with the engine
``issues.importing``; what the engine verified is kept as found, the rest waits for staff
(``confirm_entry``, side by side with the page). ``register`` then records the issue as
published in its title, with its PDF as the published original (hashed, bound into volumes,
re-hashed by ``verify``), and each document as published in it with its page range, cut from
the same PDF. Nothing is registered with a range neither the engine nor staff verified.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from flask import current_app
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from sqlalchemy import select

from issues.importing import ImportedIssue, IssueReadError, ListedEntry, import_issue
from print_templates.dates import short_date

from .. import clock
from ..extensions import db
from ..intake.metadata import issuer_name
from ..intake.text import page_texts
from ..models import (
    Document,
    DocumentFile,
    DocumentState,
    GazetteTitle,
    Issue,
    IssueEntry,
    IssueNumber,
    IssueState,
    PastIssueImport,
    User,
)
from ..models.past_issue import EntryState, ImportState
from ..notation import NotationError, parse_notation
from ..storage import get_store
from ..vocabulary import issuer_display_name
from .audit import record
from .freeze import fingerprint
from .issues import taken_numbers
from .receiving import MAX_TEXT_CHARS
from .records import get_or_create_issuer

# "2 CÔNG BÁO/Số 20/Ngày 15-5-2024" (page number before or after), wherever the text layer put it
RUNNING_HEAD = re.compile(r"(?:^[ \t]*\d{1,4}\s+)?C[ÔO]NG\s*B[ÁA]O\s*/\s*S[ỐO]\s*\d[\d +]*/\s*"
                          r"NG[ÀA]Y\s*\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}(?:\s+\d{1,4}\b)?",
                          re.IGNORECASE | re.MULTILINE)


class PastIssueError(ValueError):
    """A refused import step; the message is Vietnamese, for staff."""


@dataclass(frozen=True)
class PastIssueSource:
    """What staff say of a past issue's file: its title, year and (first) number; the year
    and number the cover prints are taken when they are not given (a folder of files)."""

    title: GazetteTitle
    year: int | None = None
    number: int | None = None
    issue_date: date | None = None  # when the cover's date cannot be read


def _entry_row(entry: ListedEntry, state: str, first: int | None, last: int | None,
               reason: str = "", page_checked: bool = False) -> dict:
    return {"position": entry.position, "notation": entry.notation,
            "type_name": entry.type_name, "issuer": entry.issuer,
            "issued": entry.issued.isoformat() if entry.issued else None,
            "abstract": entry.abstract, "printed_page": entry.printed_page,
            "first_page": first, "last_page": last, "state": state, "reason": reason,
            "page_checked": page_checked, "confirmed_by": None}


def entry_rows(result: ImportedIssue) -> list[dict]:
    """The engine's reading as stored rows, in the contents' order."""
    rows = [_entry_row(found.entry, EntryState.FOUND, found.first_page, found.last_page,
                       page_checked=True) | {"notation": found.notation}
            for found in result.documents]
    rows += [_entry_row(waiting.entry, EntryState.CONFIRM, waiting.proposed_first,
                        waiting.proposed_last, waiting.reason, waiting.first_page_checked)
             for waiting in result.unmatched]
    return sorted(rows, key=lambda row: row["position"])


def _numbers(result: ImportedIssue, number: int | None) -> list[int]:
    """The issue's numbers: the cover's when they include the one staff gave (a double issue
    "Số 44 + 45") or when none was given, else the one given."""
    if number is None:
        if not result.numbers:
            raise PastIssueError("Không đọc được số Công báo trên trang bìa; hãy cho biết số.")
        return list(result.numbers)
    return list(result.numbers) if number in result.numbers else [number]


def already_read(title: GazetteTitle, sha256: str) -> PastIssueImport | None:
    return db.session.scalar(select(PastIssueImport).where(
        PastIssueImport.title_id == title.id, PastIssueImport.pdf_sha256 == sha256))


def read_past_issue(source: PastIssueSource, pdf: Path, actor: User | None = None,
                    source_name: str = "") -> PastIssueImport:
    """Keep and read one past issue's PDF. The same file read again for the same title gives
    the earlier reading back (so a folder import can be resumed)."""
    data = _read_pdf_bytes(pdf)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = already_read(source.title, sha256)
    if earlier is not None:
        return earlier
    try:
        result = import_issue(pdf, ocr_timeout=current_app.config["OCR_TIMEOUT"])
    except IssueReadError as error:
        raise PastIssueError(str(error)) from None
    numbers = _numbers(result, source.number)
    issue_date = result.issue_date or source.issue_date
    if issue_date is None:
        raise PastIssueError("Không đọc được ngày phát hành trên trang bìa; hãy cho biết ngày.")
    year = source.year or issue_date.year
    if issue_date.year != year:
        raise PastIssueError(f"Trang bìa ghi ngày {short_date(issue_date)}, không thuộc năm "
                             f"{year}.")
    clash = sorted(set(numbers) & taken_numbers(year, source.title.id))
    if clash:
        raise PastIssueError(f"{source.title.name} đã có Số {clash[0]:02d}/{year}.")
    problems = list(result.problems)
    if result.numbers and source.number is not None and source.number not in result.numbers:
        problems.append(f"Trang bìa ghi Số {' + '.join(map(str, result.numbers))}, "
                        f"không phải Số {source.number}.")
    stored = get_store().put_bytes(data)  # the published original, byte for byte
    imported = PastIssueImport(
        title_id=source.title.id, year=year, numbers=numbers, issue_date=issue_date,
        source_name=(source_name or pdf.name)[:255], pdf_sha256=stored.sha256,
        page_count=result.page_count, page_offset=result.page_offset, layout=result.layout,
        ocr_pages=list(result.ocr_pages), problems=problems, entries=entry_rows(result),
        created_by_id=actor.id if actor else None)
    imported.state = ImportState.TO_CONFIRM if imported.waiting or not imported.entries \
        else ImportState.READY
    db.session.add(imported)
    db.session.flush()
    record("past_issue.read", "past_issue_import", imported.id, actor=actor,
           note=f"{source.title.name}, {imported.label}: {len(imported.entries)} văn bản, "
                f"{len(imported.waiting)} chờ xác nhận")
    db.session.commit()
    return imported


def _read_pdf_bytes(pdf: Path) -> bytes:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    try:
        size = pdf.stat().st_size
        if size > limit:
            raise PastIssueError(f"Tệp {pdf.name} lớn hơn giới hạn {limit // 2**20} MB.")
        data = pdf.read_bytes()
    except OSError as error:
        raise PastIssueError(f"Không đọc được tệp {pdf.name}: {error.strerror}.") from None
    if not data.lstrip()[:5] == b"%PDF-":
        raise PastIssueError(f"Tệp {pdf.name} không phải PDF.")
    return data


def confirm_entry(imported: PastIssueImport, position: int, first_page: int, last_page: int,
                  notation: str | None = None, actor: User | None = None) -> None:
    """Staff confirm or correct one entry's pages (and its notation as printed on the page)."""
    if imported.state == ImportState.REGISTERED:
        raise PastIssueError("Số này đã được đăng ký; không sửa được nữa.")
    rows = [dict(row) for row in imported.entries]
    row = next((r for r in rows if r["position"] == position), None)
    if row is None:
        raise PastIssueError("Không có mục này trong mục lục.")
    if not 1 <= first_page <= last_page <= imported.page_count:
        raise PastIssueError(f"Trang phải trong khoảng 1–{imported.page_count} và trang đầu "
                             "không sau trang cuối.")
    for other in rows:
        if other is not row and other["state"] != EntryState.CONFIRM and other["first_page"] \
                and first_page <= other["last_page"] and other["first_page"] <= last_page:
            raise PastIssueError(f"Trang {first_page}–{last_page} trùng với văn bản "
                                 f"{other['notation']} (trang {other['first_page']}–"
                                 f"{other['last_page']}).")
    if notation is not None and notation.strip():
        try:
            parse_notation(notation)
        except NotationError as error:
            raise PastIssueError(str(error)) from None
        row["notation"] = notation.strip()
    before = {key: row[key] for key in ("notation", "first_page", "last_page", "state")}
    row |= {"first_page": first_page, "last_page": last_page, "state": EntryState.CONFIRMED,
            "confirmed_by": actor.username if actor else ""}
    imported.entries = rows  # a new list: the JSON column sees the change
    if not imported.waiting:
        imported.state = ImportState.READY
    record("past_issue.confirm", "past_issue_import", imported.id, actor=actor, before=before,
           after={key: row[key] for key in ("notation", "first_page", "last_page", "state")})
    db.session.commit()


def former_issuer_name(heading: str, title: GazetteTitle) -> str:
    """The issuer of a document listed under a contents heading ("ỦY BAN NHÂN DÂN TỈNH"), as
    the register writes it; a former province's keeps its province: "UBND tỉnh Bình Phước"."""
    name = issuer_name([heading]) if heading.strip() else ""
    name = issuer_display_name(name or "UBND tỉnh")
    if title.current or title.province.lower() in name.lower():
        return name
    return f"{name} {title.province}" if name.lower().endswith("tỉnh") else name


def register(imported: PastIssueImport, actor: User | None = None) -> Issue:
    """Record the issue as published in its title with every document in it, in one unit of
    work: all of it or nothing."""
    if imported.state == ImportState.REGISTERED:
        raise PastIssueError("Số này đã được đăng ký.")
    if imported.waiting or not imported.entries:
        raise PastIssueError(f"Còn {len(imported.waiting)} văn bản chờ xác nhận trang.")
    title = imported.title
    clash = sorted(set(imported.numbers) & taken_numbers(imported.year, title.id))
    if clash:
        raise PastIssueError(f"{title.name} đã có Số {clash[0]:02d}/{imported.year}.")
    store = get_store()
    try:
        reader = PdfReader(store.path(imported.pdf_sha256))
        pages_text = page_texts(reader)
    except (OSError, PdfReadError) as error:
        raise PastIssueError(f"Không mở được tệp PDF đã lưu: {error}") from None
    offset = imported.page_offset or 0
    issue = Issue(title_id=title.id, year=imported.year, date=imported.issue_date,
                  state=IssueState.PUBLISHED, page_mode="issue" if offset >= 0 else "year",
                  first_page=1 - offset, page_count=imported.page_count,
                  pdf_sha256=imported.pdf_sha256, created_by_id=actor.id if actor else None,
                  approved_at=clock.start_of_day(imported.issue_date),
                  published_at=clock.start_of_day(imported.issue_date))
    issue.numbers = [IssueNumber(title_id=title.id, year=imported.year, number=n)
                     for n in sorted(imported.numbers)]
    for position, row in enumerate(imported.entries, start=1):
        document = _registered_document(row, imported, title, reader, pages_text)
        issue.entries.append(IssueEntry(
            document=document, position=position, part="legal" if document.legal else "other",
            start_page=row["first_page"], page_count=row["last_page"] - row["first_page"] + 1,
            pdf_sha256=document.files[0].sha256, metadata_sha256=fingerprint(document)))
    db.session.add(issue)
    db.session.flush()
    for entry in issue.entries:  # from here on the publication guard keeps them as they are
        entry.document.state = DocumentState.PUBLISHED
    imported.state, imported.issue_id = ImportState.REGISTERED, issue.id
    imported.registered_at = clock.now()
    record("past_issue.register", "issue", issue.id, actor=actor, after=issue.audit_state(),
           note=f"{title.name}, {imported.label}, từ tệp {imported.source_name}")
    db.session.commit()
    return issue


def _registered_document(row: dict, imported: PastIssueImport, title: GazetteTitle,
                         reader: PdfReader, pages_text: list[str]) -> Document:
    try:
        notation = parse_notation(row["notation"])
    except NotationError as error:
        raise PastIssueError(f"Văn bản ở trang {row['first_page']}: {error}") from None
    issued = date.fromisoformat(row["issued"]) if row["issued"] else imported.issue_date
    issuer = get_or_create_issuer(former_issuer_name(row["issuer"], title))
    document = Document(
        issuer=issuer, notation=row["notation"], notation_key=notation.key, seq=notation.seq,
        year=notation.year or issued.year, type_code=notation.type_code,
        issuer_code=notation.issuer_code, legal=notation.legal,
        doc_type=row["type_name"] or notation.type_name, abstract=row["abstract"] or "",
        issued=issued, state=DocumentState.READY,  # published with its issue, below
        received_at=clock.start_of_day(imported.issue_date),  # the gazette had it by then
        body_text="\n\n".join(_without_running_heads(page) for page in
                                pages_text[row["first_page"] - 1:row["last_page"]])
        [:MAX_TEXT_CHARS],
        source_files=[{"issue_pdf_sha256": imported.pdf_sha256,
                       "pages": [row["first_page"], row["last_page"]]}])
    document.status = document.status_on(clock.today())
    data = _pages(reader, row["first_page"], row["last_page"])
    blob = get_store().put_bytes(data)
    document.files.append(DocumentFile(
        role="pdf", sha256=blob.sha256, size=blob.size, media_type="application/pdf",
        filename=f"{notation.seq}-{imported.year}-trang-{row['first_page']}-{row['last_page']}"
                 ".pdf", page_count=row["last_page"] - row["first_page"] + 1))
    db.session.add(document)
    return document


def _without_running_heads(page: str) -> str:
    """A page's text without the issue's running head ("2 CÔNG BÁO/Số 20/Ngày 15-5-2024"),
    which is the gazette's, not the document's."""
    return RUNNING_HEAD.sub("", page).strip()


def _pages(reader: PdfReader, first: int, last: int) -> bytes:
    """The document's pages cut from the issue, as a PDF of their own."""
    writer = PdfWriter()
    for index in range(first - 1, last):
        writer.add_page(reader.pages[index])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()

