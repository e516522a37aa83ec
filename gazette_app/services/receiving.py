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
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from flask import current_app
from marshmallow import ValidationError
from pypdf import PdfWriter
from sqlalchemy import select

from ..extensions import db
from ..faults import checkpoint
from ..intake import IntakeError
from ..intake.checks import DOCUMENT_KINDS, check_file, shown_name
from ..intake.circular02 import missing as missing_checks
from ..intake.circular02 import receipt_line
from ..intake.files import KINDS, Kind, office_hazards
from ..intake.reading import propose_document, with_sender_metadata
from ..intake.relations import extract_relations
from ..intake.tables import with_tables
from ..intake.text import clean_rendition, legacy_encoding, needs_ocr, page_texts, read_pdf
from ..intake.tools import OCR_SETTINGS_LABEL, libreoffice_to_pdf, ocr_pdf
from ..jobs import JobFailed, Progress, enqueue, handler
from ..models import Document, DocumentFile, DocumentState, Issuer, Job, Receipt, User
from ..notation import NotationError, parse_notation
from ..schemas.forms import RegistrationSchema
from ..storage import get_store, storage_failure, work_dir
from .audit import record
from .records import add_checked, build_document, get_or_create_issuer
from .relations import RELATION_KINDS, ConfirmedRelation, link_relation, relation_row

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 2_000_000  # text kept for search; a longer body is cut, never refused


@dataclass
class ReceiveResult:
    receipts: list[Receipt] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # shown name, Vietnamese reason


def receive(files: list[tuple[str | None, bytes]], *, together: bool = False,
            actor: User | None = None, channel: str = "upload") -> ReceiveResult:
    """Check and store files, one receipt per document (or one for all when ``together``:
    the first document file is the main one, the rest are its annexes) and queue the jobs."""
    result = ReceiveResult()
    checked: list[tuple[str, Kind, bytes]] = []
    for filename, data in files:
        try:
            name, kind = check_file(filename, data, current_app.config["MAX_FILE_BYTES"])
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
    receipt.text = "\n\n".join(_text_with_tables(receipt, texts, main_pdf))[:MAX_TEXT_CHARS]
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


def _text_with_tables(receipt: Receipt, texts: list[str], pdf: bytes) -> list[str]:
    """The text kept and shown, its tables' rows marked (``intake.tables``); an OCRed scan's
    text layer is too uncertain for columns."""
    if receipt.ocr:
        return texts
    main = receipt.main_file
    source = get_store().path(main["sha256"]).read_bytes() if main["kind"] == "docx" else b""
    return with_tables(texts, main["kind"], source, pdf)


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


# --- registration ---------------------------------------------------------------------------

class RegistrationError(ValueError):
    """Registration refused; ``messages`` maps field names to Vietnamese messages."""

    def __init__(self, messages: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in messages.items()))
        self.messages = messages


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
    document.state = DocumentState.READY
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


def discard(receipt: Receipt, actor: User | None = None) -> None:
    """Staff drop a receipt (wrong file, sent twice). The stored files stay: the store keeps
    everything it was given, and the audit trail says who discarded what."""
    if receipt.state == "registered":
        raise RegistrationError({"receipt": "Hồ sơ đã vào sổ, không huỷ được."})
    receipt.state = "discarded"
    record("receipt.discard", "receipt", receipt.id, actor=actor)
    db.session.commit()
