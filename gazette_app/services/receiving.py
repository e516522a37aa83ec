"""Receiving documents: files in, a receipt and a background job out; then, once staff confirm
the proposal, a registered Document with its files, text, relations and deadline.

The request only checks the files (name, size, real type, PDF that opens) and stores them; the
slow work (LibreOffice, OCR, text, proposal) is the "receive" job. Nothing is stored for a file
that is refused, and a group of files sent as one document is refused as a whole.
"""
from __future__ import annotations

import io
import logging
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import cast

from flask import current_app
from marshmallow import ValidationError, validate
from pypdf import PdfWriter
from sqlalchemy import select

from ..extensions import db
from ..faults import checkpoint
from ..intake import IntakeError
from ..intake.checks import missing as missing_checks
from ..intake.checks import receipt_line
from ..intake.files import KINDS, Kind, office_hazards, sniff
from ..intake.reading import propose_document, with_sender_metadata
from ..intake.relations import ProposedRelation, extract_relations
from ..intake.text import clean_rendition, legacy_encoding, needs_ocr, page_texts, read_pdf
from ..intake.tools import OCR_SETTINGS_LABEL, libreoffice_to_pdf, ocr_pdf
from ..jobs import JobFailed, Progress, enqueue, handler
from ..models import Document, DocumentFile, DocumentRelation, Issuer, Job, Receipt, User
from ..notation import NotationError, parse_notation
from ..schemas import DocumentFieldsSchema, Text, _non_empty
from ..storage import get_store, storage_failure, work_dir
from .audit import record
from .records import add_checked, build_document, get_or_create_issuer
from .statuses import refresh_document

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 2_000_000  # text kept for search; a longer body is cut, never refused
RELATION_KINDS = {
    "amends": "Sửa đổi, bổ sung",
    "replaces": "Thay thế",
    "repeals": "Bãi bỏ",
    "suspends": "Ngưng hiệu lực",
    "corrects": "Đính chính",
    "guides": "Hướng dẫn",
}
DOCUMENT_KINDS = ("pdf", "docx", "doc")  # a main file; spreadsheets only come as annexes


@dataclass
class ReceiveResult:
    receipts: list[Receipt] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # shown name, Vietnamese reason


def shown_name(raw: str | None) -> str:
    """A file name fit to repeat in a message: control characters and folders dropped."""
    name = "".join(ch for ch in (raw or "") if unicodedata.category(ch)[0] != "C")
    return name.replace("\\", "/").rsplit("/", 1)[-1][:120] or "(không tên)"


def check_filename(raw: str | None) -> str:
    """The name as the sender gave it, refused when it tries to be a path or hides characters.
    It is only ever shown and stored as text; the file system sees the SHA-256."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise IntakeError("Tệp không có tên.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in name):
        raise IntakeError("Tên tệp chứa ký tự điều khiển; hãy đổi tên tệp rồi gửi lại.")
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise IntakeError("Tên tệp không được chứa đường dẫn (“/”, “\\”, “..”) hoặc bắt đầu bằng "
                          "dấu chấm; hãy đổi tên tệp rồi gửi lại.")
    if len(name) > 255:
        raise IntakeError("Tên tệp dài quá 255 ký tự.")
    return name


def check_file(filename: str | None, data: bytes) -> tuple[str, Kind]:
    """Everything that can be checked at once: name, size, real type, a PDF that opens."""
    name = check_filename(filename)
    limit = current_app.config["MAX_FILE_BYTES"]
    if len(data) > limit:
        size = f"{limit / 1048576:g} MB" if limit >= 1048576 else f"{limit // 1024} KB"
        raise IntakeError(f"Tệp lớn hơn giới hạn {size}.")
    kind = sniff(data, name)
    if kind.name == "pdf":
        read_pdf(data)  # refuses a broken or password-protected PDF now, not in the job
    return name, kind


def receive(files: list[tuple[str | None, bytes]], *, together: bool = False,
            actor: User | None = None, channel: str = "upload") -> ReceiveResult:
    """Check and store files, one receipt per document (or one for all when ``together``:
    the first document file is the main one, the rest are its annexes) and queue the jobs."""
    result = ReceiveResult()
    checked: list[tuple[str, Kind, bytes]] = []
    for filename, data in files:
        try:
            name, kind = check_file(filename, data)
            checked.append((name, kind, data))
        except IntakeError as error:
            result.refused.append((shown_name(filename), str(error)))
    if together and checked:
        if result.refused:
            result.refused += [(name, "Không tiếp nhận: tệp khác trong cùng văn bản bị từ chối.")
                               for name, _, _ in checked]
            return result
        mains = [c for c in checked if c[1].name in DOCUMENT_KINDS]
        if not mains:
            result.refused += [(checked[0][0], "Cần một tệp văn bản chính (PDF, DOC, DOCX).")]
            return result
        groups = [[mains[0]] + [c for c in checked if c is not mains[0]]]
    else:
        groups = []
        for item in checked:
            if item[1].name in DOCUMENT_KINDS:
                groups.append([item])
            else:
                result.refused.append((item[0], "Tệp Excel chỉ tiếp nhận làm phụ lục: gửi cùng "
                                                "tệp văn bản chính và chọn “các tệp là một văn "
                                                "bản”."))
    try:
        for group in groups:
            result.receipts.append(_store_group(group, actor, channel))
        checkpoint("receive.stored")
        db.session.commit()
    except OSError as error:  # disk full, store unreachable: nothing is received
        db.session.rollback()
        log.error("Could not store received files: %s", error)
        result.receipts = []
        result.refused += [(name, storage_failure(error)) for group in groups
                           for name, _, _ in group]
    return result


def store_group(group: list[tuple[str, Kind, bytes]]) -> list[dict]:
    """Put checked files into the store unchanged; their entries for ``Receipt.files``."""
    store = get_store()
    stored = []
    for index, (name, kind, data) in enumerate(group):
        blob = store.put_bytes(data)
        stored.append({"sha256": blob.sha256, "size": blob.size, "filename": name,
                       "kind": kind.name, "role": "main" if index == 0 else "annex"})
    return stored


def _store_group(group: list[tuple[str, Kind, bytes]], actor: User | None,
                 channel: str) -> Receipt:
    stored = store_group(group)
    receipt = Receipt(files=stored, channel=channel,
                      received_by_id=actor.id if actor else None)
    db.session.add(receipt)
    db.session.flush()
    enqueue("receive", receipt_id=receipt.id)
    record("receipt.create", "receipt", receipt.id, actor=actor,
           after={"files": [f"{f['filename']} ({f['sha256'][:12]})" for f in stored]})
    return receipt


# --- the job --------------------------------------------------------------------------------

def _receipt_failed(job: Job) -> None:
    receipt = db.session.get(Receipt, job.receipt_id) if job.receipt_id else None
    if receipt is not None and receipt.state in ("queued", "processing"):
        receipt.state, receipt.message = "failed", job.error


@handler("receive", on_failure=_receipt_failed)
def process_receipt(job: Job, progress: Progress) -> None:
    receipt = db.session.get(Receipt, job.receipt_id)
    if receipt is None or receipt.state not in ("queued", "processing"):
        return  # discarded while waiting
    receipt.state = "processing"
    progress(5, "Bắt đầu xử lý")
    try:
        _process(receipt, progress)
    except IntakeError as error:
        raise JobFailed(str(error)) from None


def _process(receipt: Receipt, progress: Progress) -> None:
    config = current_app.config
    main = receipt.main_file
    notes = []
    with work_dir("receive") as folder:
        pdf = _as_pdf(main, folder, progress, 15)
        texts = page_texts(read_pdf(pdf))
        if needs_ocr(texts):
            progress(35, "Đang nhận dạng chữ (OCR) bản quét")
            scan = folder / "scan.pdf"
            scan.write_bytes(pdf)
            pdf = ocr_pdf(scan, timeout=config["OCR_TIMEOUT"])
            texts = page_texts(read_pdf(pdf))
            receipt.ocr = True
            receipt.ocr_settings = OCR_SETTINGS_LABEL
            notes.append("Bản quét: chữ được nhận dạng tự động (OCR), cần đối chiếu kỹ.")
        main_pdf = pdf  # the main document alone, before its annexes are appended
        annexes = [f for f in receipt.files[1:] if f.get("role") != "source"]
        if annexes:
            parts = [pdf] + [_as_pdf(annex, folder, progress, 60) for annex in annexes]
            pdf = _concatenate(parts)
            notes.append(f"Bản PDF gồm văn bản chính và {len(annexes)} phụ lục, theo thứ tự gửi.")
    notes += _withhold_active_content(receipt)
    pdf, removed = clean_rendition(pdf)
    if removed:
        notes.append("Bản PDF công bố đã loại bỏ nội dung chủ động: " + "; ".join(removed) + ".")
    progress(80, "Đang đọc nội dung và đề xuất thông tin")
    blob = get_store().put_bytes(pdf)
    receipt.pdf_sha256, receipt.pdf_pages = blob.sha256, len(read_pdf(pdf).pages)
    receipt.text = "\n\n".join(texts)[:MAX_TEXT_CHARS]
    receipt.legacy_encoding = legacy_encoding(receipt.text)
    if receipt.legacy_encoding:
        notes.append(f"Văn bản gõ bằng phông cũ {receipt.legacy_encoding} (không phải Unicode): "
                     "chữ tiếng Việt trích ra bị sai, cần xin lại bản Unicode hoặc nhập tay.")
    # The editable copy sent beside a signed PDF is read directly when it is a Word file.
    read = next((f for f in receipt.files if f.get("role") == "source" and f["kind"] == "docx"),
                main)
    proposal, layout = propose_document(read["kind"], get_store().path(read["sha256"]).read_bytes(),
                                        main_pdf, main["filename"],
                                        db.session.scalars(select(Issuer.name)).all(),
                                        ocr=receipt.ocr)
    notes += with_sender_metadata(proposal, receipt.sender_metadata or {})
    receipt.proposal = proposal.as_form()
    receipt.relations = [relation_row(r) for r in
                         extract_relations(proposal.abstract + "\n" + receipt.text)]
    missing = [label for name, label in (("number", "số, ký hiệu"), ("issued", "ngày ban hành"),
                                         ("abstract", "trích yếu"), ("issuer", "cơ quan"))
               if not receipt.proposal.get(name)]
    if missing:
        notes.append("Chưa đọc được: " + ", ".join(missing) + "; cần nhập tay.")
    receipt.checks = missing_checks([f["kind"] for f in receipt.files], layout)
    if receipt.checks:
        notes.append(receipt_line(receipt.checks))
    receipt.message = " ".join(notes)
    receipt.state = "proposed"


def _withhold_active_content(receipt: Receipt) -> list[str]:
    """Mark each received file that carries active content (PDF scripts and actions, Office
    macros and external links): it is kept byte for byte for staff, never offered to the
    public as it came. Returns the notes for staff."""
    files, notes = [], []
    for stored in receipt.files:
        data = get_store().path(stored["sha256"]).read_bytes()
        hazards = clean_rendition(data)[1] if stored["kind"] == "pdf" else \
            office_hazards(data, stored["kind"])
        files.append(dict(stored, hazards=hazards))
        if hazards:
            notes.append(f"Tệp {stored['filename']} có nội dung chủ động ({'; '.join(hazards)}): "
                         "giữ nguyên bản để đối chiếu, chỉ cán bộ xem được, không công bố.")
    receipt.files = files  # a new list: the JSON column sees the change
    return notes


def _as_pdf(stored: dict, folder: Path, progress: Progress, percent: int) -> bytes:
    """A stored file as PDF bytes: a PDF as it is, anything else through LibreOffice."""
    kind = KINDS[stored["kind"]]
    source = get_store().path(stored["sha256"])
    if kind.name == "pdf":
        return source.read_bytes()
    progress(percent, f"Đang chuyển {stored['filename'][:80]} sang PDF (LibreOffice)")
    # The copy is named by its hash: the sender's name never reaches a path.
    copy = folder / (stored["sha256"] + kind.suffix)
    shutil.copyfile(source, copy)
    return libreoffice_to_pdf(copy, timeout=current_app.config["CONVERT_TIMEOUT"])


def _concatenate(parts: list[bytes]) -> bytes:
    """The main document followed by its annexes, as one PDF (the form it is printed in)."""
    writer = PdfWriter()
    for part in parts:
        writer.append(read_pdf(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- relations ------------------------------------------------------------------------------

def relation_row(relation: ProposedRelation) -> dict:
    target = find_target(relation.target_notation, relation.target_date)
    return {"kind": relation.kind, "target_type": relation.target_type,
            "target_notation": relation.target_notation, "target_date": relation.target_date,
            "partial": relation.partial, "target_id": target.id if target else None}


def _written_date(text: str) -> date | None:
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def find_target(notation_text: str, written_date: str = "") -> Document | None:
    """The archived document a citation names, when exactly one fits: notation key and year,
    narrowed by the cited date, then by the province's organs (a citation without a place)."""
    try:
        notation = parse_notation(notation_text)
    except NotationError:
        return None
    query = select(Document).where(Document.notation_key == notation.key,
                                   Document.state != "withdrawn")
    if notation.year:
        query = query.where(Document.year == notation.year)
    candidates = db.session.scalars(query).all()
    cited = _written_date(written_date) if written_date else None
    if len(candidates) > 1 and cited:
        candidates = [d for d in candidates if d.issued == cited] or candidates
    if len(candidates) > 1:
        candidates = [d for d in candidates if d.issuer.level == "province"] or candidates
    return candidates[0] if len(candidates) == 1 else None


# --- registration ---------------------------------------------------------------------------

class RegistrationSchema(DocumentFieldsSchema):
    """The confirmed proposal: the document's fields plus its issuer."""

    issuer = Text(required=True, validate=[_non_empty("Cơ quan ban hành"),
                                           validate.Length(max=200)])


class RegistrationError(ValueError):
    """Registration refused; ``messages`` maps field names to Vietnamese messages."""

    def __init__(self, messages: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in messages.items()))
        self.messages = messages


@dataclass
class ConfirmedRelation:
    kind: str
    notation: str
    target_date: str = ""
    partial: bool = False


def register(receipt: Receipt, form: dict, relations: list[ConfirmedRelation],
             actor: User | None = None) -> Document:
    """Register the document staff confirmed: fields validated, files attached, relations
    linked to archived targets (their status changed from the effective date)."""
    if receipt.state != "proposed":
        raise RegistrationError({"receipt": "Hồ sơ này không ở trạng thái chờ xác nhận."})
    try:
        values = RegistrationSchema().load(form)
    except ValidationError as error:
        raise RegistrationError({k: " ".join(map(str, v)) if isinstance(v, list) else str(v)
                                 for k, v in cast(dict, error.messages).items()}) from None
    bad = [r.notation for r in relations if r.kind not in RELATION_KINDS or not _parses(r.notation)]
    if bad:
        raise RegistrationError({"relations": "Số, ký hiệu văn bản liên quan không hợp lệ: "
                                              + ", ".join(bad[:5])})
    document = build_document(values, get_or_create_issuer(values["issuer"]))
    document.received_at = receipt.deadline_from  # the corrected copy's time, if one came
    document.body_text = receipt.text
    document.state = "ready"
    document.files = _document_files(receipt)
    add_checked(document)
    record("document.register", "document", document.id, actor=actor,
           after=document.audit_state(), note=f"receipt #{receipt.id}")
    for relation in relations:
        link_relation(document, relation, actor)
    receipt.state, receipt.document_id = "registered", document.id
    db.session.commit()
    return document


def _parses(notation: str) -> bool:
    try:
        parse_notation(notation)
        return True
    except NotationError:
        return False


def _document_files(receipt: Receipt) -> list[DocumentFile]:
    files = []
    main = receipt.main_file
    if main["kind"] != "pdf" or main["sha256"] != receipt.pdf_sha256:
        # A PDF kept beside a different rendition: the scan before OCR, or the signed file
        # before its annexes were appended. Word files are the "original" the e-edition attaches.
        # A file with active content is "received": kept as sent, for staff only.
        role = ("scan" if receipt.ocr else "signed") if main["kind"] == "pdf" else "original"
        role = "received" if main.get("hazards") else role
        files.append(DocumentFile(role=role, sha256=main["sha256"], size=main["size"],
                                  media_type=KINDS[main["kind"]].media_type,
                                  filename=main["filename"]))
    pdf_name = main["filename"].rsplit(".", 1)[0] + ".pdf"
    files.append(DocumentFile(role="pdf", sha256=receipt.pdf_sha256,
                              size=get_store().path(cast(str, receipt.pdf_sha256)).stat().st_size,
                              media_type="application/pdf", filename=pdf_name,
                              page_count=receipt.pdf_pages))
    for annex in receipt.files[1:]:
        role = "original" if annex.get("role") == "source" else "attachment"
        role = "received" if annex.get("hazards") else role
        files.append(DocumentFile(role=role, sha256=annex["sha256"], size=annex["size"],
                                  media_type=KINDS[annex["kind"]].media_type,
                                  filename=annex["filename"]))
    return files


def link_relation(document: Document, relation: ConfirmedRelation, actor: User | None) -> None:
    """Record a confirmed relation; the target's validity follows from it (a repeal ends it
    from this document's effective date: at once when that day has come, else on that day
    through the daily refresh of statuses)."""
    target = find_target(relation.notation, relation.target_date)
    when = f" ngày {relation.target_date}" if relation.target_date else ""
    link = DocumentRelation(source=document, kind=relation.kind, target=target,
                            target_text=f"{relation.notation}{when}"[:255], confirmed=True,
                            partial=relation.partial)
    db.session.add(link)
    if target is not None:
        db.session.flush()
        db.session.refresh(target, ["acted_on_by"])
        refresh_document(target)


@handler("apply_status")
def apply_scheduled_status(job: Job, progress: Progress) -> None:
    """Jobs queued by earlier releases for a relation's start day: today's status of the
    target (the daily refresh now does this for every document)."""
    target = db.session.get(Document, job.payload.get("document_id"))
    if target is None:
        raise JobFailed("Văn bản của lịch đổi tình trạng hiệu lực không còn.")
    refresh_document(target)
    db.session.commit()


def discard(receipt: Receipt, actor: User | None = None) -> None:
    """Staff drop a receipt (wrong file, sent twice). The stored files stay: the store keeps
    everything it was given, and the audit trail says who discarded what."""
    if receipt.state == "registered":
        raise RegistrationError({"receipt": "Hồ sơ đã vào sổ, không huỷ được."})
    receipt.state = "discarded"
    record("receipt.discard", "receipt", receipt.id, actor=actor)
    db.session.commit()
