"""Changing registered documents: metadata corrections and duplicate review."""
from __future__ import annotations

from io import BytesIO

from issues.compose import open_document_pdf
from issues.model import CompositionError

from ..extensions import db
from ..intake import IntakeError
from ..intake.files import KINDS
from ..intake.text import clean_rendition, page_texts
from ..models import Document, DocumentFile, DocumentState, DuplicateFlag, User
from ..models.types import utcnow
from ..notation import parse_notation
from ..storage import get_store
from ..validity import RECORDED_STATUSES
from .audit import record
from .freeze import check_mutable
from .receiving import MAX_TEXT_CHARS
from .statuses import refresh_document


def update_metadata(document: Document, values: dict) -> None:
    """Apply validated metadata (DocumentFieldsSchema) and audit what changed. Refused
    (DocumentFrozen) while the document is in an approved issue, and once it is published.

    A status that dates explain ("Còn hiệu lực", "Chưa có hiệu lực") is not stored: it follows
    the dates; one they cannot explain ("Hết hiệu lực" with no date) is kept as recorded."""
    check_mutable(db.session, document)
    before = document.audit_state()
    notation = parse_notation(values["number"])
    document.notation = values["number"]
    document.notation_key = notation.key
    document.seq = notation.seq
    document.year = notation.year or values["issued"].year
    document.type_code = notation.type_code
    document.issuer_code = notation.issuer_code
    document.legal = notation.legal
    for name in ("doc_type", "abstract", "issued", "effective", "expires"):
        setattr(document, name, values[name])
    document.signer = values["signer"] or ""
    document.field = values["field"] or ""
    status = values["status"]
    document.recorded_status = status if status in RECORDED_STATUSES else None
    refresh_document(document)
    after = document.audit_state()
    if after != before:
        record("document.update", "document", document.id, before=before, after=after)
    db.session.commit()


def resolve_flag(flag: DuplicateFlag, resolution: str, actor: User) -> None:
    """"distinct": both stay; "duplicate": the flagged document is withdrawn, nothing deleted."""
    document = flag.document
    if resolution == "duplicate":
        check_mutable(db.session, document)
    before = document.audit_state()
    flag.resolved_at = utcnow()
    flag.resolution = resolution
    flag.resolved_by_id = actor.id
    if resolution == "duplicate":
        document.state = DocumentState.WITHDRAWN
    if not document.open_flags:
        document.review = "ok"
    record("document.review", "document", document.id, before=before,
           after=document.audit_state(),
           note=f"duplicate flag #{flag.id} against #{flag.candidate_id}: {resolution}")
    db.session.commit()


class UploadError(ValueError):
    """A refused file; the message is Vietnamese, for the user."""


def display_name(filename: str | None) -> str:
    """A file name fit to show: no folders, no control characters. Never used as a path."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "tep.pdf"


def attach_pdf(document: Document, data: bytes, filename: str | None,
               actor: User | None = None) -> DocumentFile:
    """Store the document's PDF (checked by parsing it) and mark the document ready."""
    if document.state == DocumentState.WITHDRAWN:
        raise UploadError("Văn bản đã loại bỏ; không thay tệp được.")
    check_mutable(db.session, document)
    if not data:
        raise UploadError("Tệp rỗng (0 byte).")
    if not data.lstrip()[:5] == b"%PDF-":
        raise UploadError("Tệp không phải PDF (nội dung không bắt đầu bằng %PDF).")
    try:
        reader = open_document_pdf(BytesIO(data), document.notation, str(document.id))
    except CompositionError as error:
        raise UploadError(str(error)) from None
    original = data
    before = document.audit_state()
    try:
        data, removed = clean_rendition(data)
    except IntakeError as error:
        raise UploadError(str(error)) from None
    if removed:  # the file as sent stays, for staff only; the public gets the clean one
        document.files.append(DocumentFile(role="received", sha256=get_store().put_bytes(
            original).sha256, size=len(original), media_type="application/pdf",
            filename=display_name(filename), page_count=len(reader.pages)))
    blob = get_store().put_bytes(data)
    stored = DocumentFile(role="pdf", sha256=blob.sha256, size=blob.size,
                          media_type="application/pdf", filename=display_name(filename),
                          page_count=len(reader.pages))
    document.files.append(stored)
    if not document.body_text:  # attached alone (command line, demo): the text to read and find
        document.body_text = "\n\n".join(page_texts(reader))[:MAX_TEXT_CHARS]
    if document.state == DocumentState.RECEIVED:
        document.state = DocumentState.READY
    record("document.attach_pdf", "document", document.id, before=before,
           after=document.audit_state() | {"pdf_sha256": blob.sha256}, actor=actor,
           note=f"{stored.filename}, {stored.page_count} trang"
           + (f"; đã loại bỏ: {'; '.join(removed)}" if removed else ""))
    db.session.commit()
    return stored


# Word and Excel sources, as the intake recognises them (Circular 02/2025 attaches them).
MEDIA_TYPES = {kind.suffix: kind.media_type for kind in KINDS.values() if kind.name != "pdf"}
SOURCE_SUFFIXES = tuple(MEDIA_TYPES)


def attach_source(document: Document, data: bytes, filename: str | None,
                  actor: User | None = None) -> DocumentFile:
    """Keep a source file (Word, Excel) unchanged beside the PDF; the signed e-edition
    attaches it (Circular 02/2025)."""
    name = display_name(filename)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    check_mutable(db.session, document)
    if suffix not in SOURCE_SUFFIXES:
        raise UploadError("Tệp nguồn phải là .doc, .docx, .xls hoặc .xlsx.")
    if not data:
        raise UploadError("Tệp rỗng (0 byte).")
    blob = get_store().put_bytes(data)
    stored = DocumentFile(role="original", sha256=blob.sha256, size=blob.size,
                          media_type=MEDIA_TYPES[suffix], filename=name)
    document.files.append(stored)
    record("document.attach_source", "document", document.id,
           after={"filename": name, "sha256": blob.sha256}, actor=actor)
    db.session.commit()
    return stored

