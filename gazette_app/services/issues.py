"""The issue workflow: draft -> composed preview -> approved -> published.

Publishing is atomic: the PDF (and the signed e-edition) are first written to the
content-addressed store, where an unreferenced file is harmless; then one database transaction
moves the issue from "approved" to "published" with a conditional update, so that of two staff
publishing at once exactly one succeeds, and a failure at any step leaves the issue approved.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, func, select, update

from issues.compose import compose_issue
from issues.model import CompositionError, IssueDocument, IssueSpec
from issues.numbering import NumberingError, check_numbers
from issues.ordering import order_documents
from issues.signing import SigningError
from print_templates.dates import short_date

from .. import clock
from ..extensions import db
from ..faults import checkpoint
from ..masthead import current_masthead
from ..models import (
    Document,
    DocumentFile,
    DocumentState,
    Issue,
    IssueEntry,
    IssueNumber,
    IssueState,
    Role,
    User,
    current_title_id,
    in_current_title,
)
from ..models.types import utcnow
from ..storage import get_store, work_dir
from .audit import record
from .deadlines import due_date
from .freeze import fingerprint
from .signing import sign_issue_pdf


class IssueWorkflowError(ValueError):
    """A refused step of the workflow; the message is Vietnamese, for the user."""


def taken_numbers(year: int, title_id: int | None = None) -> set[int]:
    """Numbers of the year taken in a title (the current one unless given)."""
    return set(db.session.scalars(select(IssueNumber.number).where(
        IssueNumber.year == year,
        IssueNumber.title_id == (title_id if title_id is not None else current_title_id()))))


def find_issue(year: int, number: int) -> Issue | None:
    """The current title's issue taking that number."""
    return db.session.scalar(select(Issue).join(IssueNumber).where(
        IssueNumber.year == year, IssueNumber.number == number, in_current_title()))


def available_documents(before: date | None = None) -> list[Document]:
    """Documents with a PDF, not published, not withdrawn, not waiting for duplicate review
    and in no other issue."""
    in_issue = select(IssueEntry.document_id)
    query = select(Document).where(Document.state == DocumentState.READY, Document.review == "ok",
                                   Document.id.not_in(in_issue))
    if before is not None:
        query = query.where(Document.issued <= before)
    return list(db.session.scalars(query.order_by(Document.received_at, Document.id)))


@dataclass
class QueueRow:
    document: Document
    due: date
    pages: int


@dataclass
class IssueQueue:
    """What waits for an issue, soonest due first, with a proposal that fills a page budget."""

    rows: list[QueueRow]
    proposed: set[int]
    issuers: list[tuple[str, str]]  # (code, name) of every issuer waiting, for the filter

    @property
    def proposed_pages(self) -> int:
        return sum(row.pages for row in self.rows if row.document.id in self.proposed)


def issue_queue(issuer_code: str | None = None, part: str | None = None,
                doc_type: str | None = None, received_from: date | None = None,
                received_to: date | None = None, budget: int = 100) -> IssueQueue:
    """The documents waiting (``available_documents``), filtered; the proposal takes the
    soonest due until ``budget`` pages are filled (at least one document)."""
    waiting = available_documents()
    issuers = sorted({(d.issuer.code, d.issuer.name) for d in waiting}, key=lambda i: i[1])
    rows = []
    for document in waiting:
        received = clock.local_day(document.received_at)
        if (issuer_code and document.issuer.code != issuer_code) or \
                (part and document.legal != (part == "legal")) or \
                (doc_type and document.doc_type != doc_type) or \
                (received_from and received < received_from) or \
                (received_to and received > received_to):
            continue
        pdf = document.file("pdf")
        rows.append(QueueRow(document, due_date(document.received_at),
                             pdf.page_count or 1 if pdf else 1))
    rows.sort(key=lambda row: (row.due, row.document.received_at, row.document.id))
    proposed: set[int] = set()
    pages = 0
    for row in rows:
        if proposed and pages + row.pages > budget:
            break
        proposed.add(row.document.id)
        pages += row.pages
    return IssueQueue(rows, proposed, issuers)


def create_issue(year: int, numbers: list[int], issue_date: date,
                 document_ids: list[int] | None, actor: User | None,
                 gap_reason: str = "") -> Issue:
    """A draft issue taking ``numbers``; documents in the engine's default order."""
    if issue_date.year != year:
        raise IssueWorkflowError(f"Ngày phát hành {short_date(issue_date)} không thuộc năm {year}.")
    if gap_reason.strip() and actor is not None and not actor.has_role(Role.ADMIN):
        raise IssueWorkflowError("Chỉ quản trị viên được bỏ số Công báo.")
    try:
        check_numbers(numbers, taken_numbers(year), gap_reason)
    except NumberingError as error:
        raise IssueWorkflowError(str(error)) from None
    documents = _pick_documents(document_ids, issue_date)
    ordered = _order(documents)
    issue = Issue(year=year, date=issue_date, created_by_id=actor.id if actor else None,
                  gap_reason=gap_reason.strip(),
                  page_mode=current_app.config["GAZETTE_PAGE_NUMBERING"])
    issue.numbers = [IssueNumber(year=year, number=n) for n in sorted(numbers)]
    issue.entries = [IssueEntry(document=d, position=i, part="legal" if d.legal else "other")
                     for i, d in enumerate(ordered, start=1)]
    db.session.add(issue)
    db.session.flush()
    record("issue.create", "issue", issue.id, after=issue.audit_state(), actor=actor,
           note=f"{issue.label}/{year}" + (f"; bỏ số: {gap_reason.strip()}" if gap_reason else ""))
    db.session.commit()
    return issue


def _pick_documents(document_ids: list[int] | None, issue_date: date) -> list[Document]:
    if document_ids is None:
        return available_documents(issue_date)
    documents = list(db.session.scalars(select(Document).where(Document.id.in_(document_ids))))
    missing = set(document_ids) - {d.id for d in documents}
    if missing:
        raise IssueWorkflowError(f"Không có văn bản mã {', '.join(map(str, sorted(missing)))}.")
    busy = set(db.session.scalars(select(IssueEntry.document_id).where(
        IssueEntry.document_id.in_(document_ids))))
    for document in documents:
        if document.state != DocumentState.READY or document.id in busy:
            reason = ("chưa có tệp PDF" if document.state == DocumentState.RECEIVED else
                      "đã thuộc một số Công báo khác" if document.id in busy else
                      document.state_label.lower())
            raise IssueWorkflowError(f"Văn bản {document.notation} không đưa vào số được: "
                                     f"{reason}.")
        if document.review != "ok":
            raise IssueWorkflowError(f"Văn bản {document.notation} đang chờ xem xét trùng lặp.")
        if document.issued > issue_date:
            raise IssueWorkflowError(f"Văn bản {document.notation} ban hành sau ngày phát hành.")
    return documents


def _order(documents: list[Document]) -> list[Document]:
    by_key = {str(d.id): d for d in documents}
    return [by_key[item.key] for item in order_documents(
        [_engine_document(d, Path("/dev/null")) for d in documents])]


def _engine_document(document: Document, pdf_path: Path) -> IssueDocument:
    return IssueDocument(key=str(document.id), notation=document.notation,
                         type_name=document.type_name, doc_type=document.doc_type,
                         issuer=document.issuer.name, issued=document.issued,
                         abstract=document.abstract, legal=document.legal, seq=document.seq,
                         pdf_path=pdf_path)


def _require_draft(issue: Issue) -> None:
    if issue.state != IssueState.DRAFT:
        raise IssueWorkflowError(f"{issue.label} đang ở trạng thái “{issue.state_label}”; "
                                 "chỉ sửa được bản nháp.")


def reorder(issue: Issue, document_ids: list[int], actor: User | None) -> None:
    """Staff order before approval; any earlier preview is discarded."""
    _require_draft(issue)
    entries = {e.document_id: e for e in issue.entries}
    if sorted(document_ids) != sorted(entries):
        raise IssueWorkflowError("Danh sách sắp xếp phải gồm đúng các văn bản của số này.")
    before = issue.audit_state()
    for position, document_id in enumerate(document_ids, start=1):
        entries[document_id].position = position
    issue.entries.sort(key=lambda e: e.position)
    _discard_preview(issue)
    record("issue.reorder", "issue", issue.id, before=before, after=issue.audit_state(),
           actor=actor)
    db.session.commit()


def _discard_preview(issue: Issue) -> None:
    issue.pdf_sha256 = None
    issue.page_count = None
    for entry in issue.entries:
        entry.start_page = entry.page_count = None


def _first_page(issue: Issue) -> int:
    """1, or in year-continuous mode the page after the year's previous issue."""
    if issue.page_mode != "year":
        return 1
    previous = db.session.scalars(select(Issue).join(IssueNumber).where(
        Issue.year == issue.year, Issue.id != issue.id, Issue.title_id == issue.title_id,
        IssueNumber.number < issue.first_number).order_by(IssueNumber.number.desc())).first()
    if previous is None:
        return 1
    if previous.state != IssueState.PUBLISHED or not previous.page_count:
        raise IssueWorkflowError(f"Đánh số trang theo năm: {previous.label} phải phát hành "
                                 "trước.")
    return cast(int, previous.last_page) + 1


def compose(issue: Issue, actor: User | None) -> None:
    """Compose the preview PDF, store it, and record every document's pages."""
    _require_draft(issue)
    store = get_store()
    documents = []
    for entry in issue.entries:
        pdf = entry.document.file("pdf")
        if pdf is None or not store.exists(pdf.sha256):
            raise IssueWorkflowError(f"Văn bản {entry.document.notation} chưa có tệp PDF.")
        documents.append(_engine_document(entry.document, store.path(pdf.sha256)))
    first_page = _first_page(issue)
    spec = IssueSpec(issue.year, tuple(issue.number_list), issue.date, tuple(documents),
                     first_page=first_page, public_url=public_issue_url(issue))
    with work_dir("compose") as tmp:
        try:
            result = compose_issue(spec, current_masthead(), tmp / "issue.pdf")
        except CompositionError as error:
            raise IssueWorkflowError(str(error)) from None
        blob = store.put_file(result.path)
    before = issue.audit_state()
    placed = {e.key: e for e in result.entries}
    for entry in issue.entries:
        entry.start_page = placed[str(entry.document_id)].start_page
        entry.page_count = placed[str(entry.document_id)].page_count
        entry.pdf_sha256 = cast(DocumentFile, entry.document.file("pdf")).sha256
        entry.metadata_sha256 = fingerprint(entry.document)
    issue.pdf_sha256 = blob.sha256
    issue.page_count = result.page_count
    issue.first_page = first_page
    issue.composed_by_id = actor.id if actor else None
    issue.composed_at = utcnow()
    record("issue.compose", "issue", issue.id, before=before, after=issue.audit_state(),
           actor=actor, note=f"{result.page_count} trang")
    db.session.commit()


def public_issue_url(issue: Issue) -> str:
    base = current_app.config["GAZETTE_PUBLIC_URL"].rstrip("/")
    return f"{base}/cong-bao/{issue.year}/{issue.first_number}"


def approve(issue: Issue, actor: User) -> None:
    """An approver approves the composed PDF; not its composer when two staff exist."""
    if not actor.has_role(Role.APPROVER):
        raise IssueWorkflowError("Chỉ người duyệt mới được duyệt số Công báo.")
    _require_draft(issue)
    if not issue.pdf_sha256:
        raise IssueWorkflowError("Cần dàn trang (tạo bản xem trước) trước khi duyệt.")
    staff = cast(int, db.session.scalar(
        select(func.count()).select_from(User).where(User.active.is_(True))))
    if staff >= 2 and issue.composed_by_id == actor.id:
        raise IssueWorkflowError("Người dàn trang không tự duyệt được: cần một người duyệt khác.")
    before = issue.audit_state()
    issue.state = IssueState.APPROVED
    issue.approved_by_id = actor.id
    issue.approved_at = utcnow()
    record("issue.approve", "issue", issue.id, before=before, after=issue.audit_state(),
           actor=actor)
    db.session.commit()


def return_to_draft(issue: Issue, actor: User, reason: str) -> None:
    """An approver withdraws an approval (before publication), with a reason kept in the
    audit trail, so the issue and its documents can be changed again."""
    if not actor.has_role(Role.APPROVER):
        raise IssueWorkflowError("Chỉ người duyệt mới trả số đã duyệt về bản nháp được.")
    if issue.state != IssueState.APPROVED:
        raise IssueWorkflowError("Chỉ số đã duyệt mới trả lại bản nháp được.")
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise IssueWorkflowError("Cần ghi lý do trả số đã duyệt về bản nháp.")
    before = issue.audit_state()
    issue.state = IssueState.DRAFT
    issue.approved_by_id = issue.approved_at = None
    record("issue.unapprove", "issue", issue.id, before=before, after=issue.audit_state(),
           actor=actor, note=reason)
    db.session.commit()


def changed_since_composed(issue: Issue) -> list[str]:
    """Documents whose PDF or metadata differ from what the issue's PDF was built from."""
    changed = []
    for entry in issue.entries:
        pdf = entry.document.file("pdf")
        if entry.pdf_sha256 is None or pdf is None or pdf.sha256 != entry.pdf_sha256 or \
                entry.metadata_sha256 != fingerprint(entry.document):
            changed.append(entry.document.notation)
    return changed


def publish(issue: Issue, actor: User | None) -> None:
    """Freeze the issue, its PDF and hash, and mark its documents published with their pages.

    One transaction: a kill at any point leaves the issue approved and unpublished, or
    published with all its documents; the search index follows through the outbox. The
    signed edition is stored first: a kill right after it leaves only an unreferenced file."""
    issue_id = issue.id
    if issue.state == IssueState.PUBLISHED:
        raise IssueWorkflowError(f"{issue.label}/{issue.year} đã phát hành.")
    if issue.state != IssueState.APPROVED:
        raise IssueWorkflowError("Số Công báo phải được duyệt trước khi phát hành.")
    store = get_store()
    if not issue.pdf_sha256 or store.hash_of(issue.pdf_sha256) != issue.pdf_sha256:
        raise IssueWorkflowError("Tệp PDF đã duyệt bị thiếu hoặc sai mã băm; cần dàn trang lại.")
    changed = changed_since_composed(issue)
    if changed:
        raise IssueWorkflowError(
            "Không phát hành được: văn bản " + ", ".join(changed[:5]) + " đã thay đổi (tệp "
            "hoặc thông tin) sau khi dàn trang; người duyệt trả số về bản nháp để dàn trang lại.")
    signed, signature = sign_edition(issue) or (None, None)  # stored; not in the database yet
    checkpoint("publish.signed")
    before = issue.audit_state()
    try:
        moved = cast(CursorResult, db.session.execute(
            update(Issue).where(Issue.id == issue_id, Issue.state == IssueState.APPROVED)
            .values(state=IssueState.PUBLISHED, published_at=utcnow(), signed_pdf_sha256=signed,
                    signature_state=signature)
            .execution_options(synchronize_session=False))).rowcount
        if moved != 1:
            db.session.rollback()
            raise IssueWorkflowError("Số Công báo vừa được người khác phát hành hoặc thay đổi.")
        for entry in issue.entries:
            if entry.document.state == DocumentState.PUBLISHED:
                raise IssueWorkflowError(f"Văn bản {entry.document.notation} đã đăng ở số khác.")
            entry.document.state = DocumentState.PUBLISHED
        db.session.flush()
        checkpoint("publish.flushed")
        db.session.expire(issue)
        record("issue.publish", "issue", issue_id, before=before, after=issue.audit_state(),
               actor=actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def sign_edition(issue: Issue) -> tuple[str, dict] | None:
    """The signed electronic edition when a certificate is configured (see services.signing)."""
    try:
        return sign_issue_pdf(issue)
    except SigningError as error:
        raise IssueWorkflowError(str(error)) from None
