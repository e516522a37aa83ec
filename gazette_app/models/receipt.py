"""Receiving documents: a receipt per document handed in, and the background jobs that turn its
files into a PDF rendition, text and a metadata proposal."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime, utcnow

RECEIPT_STATES = {
    "queued": "Đang chờ xử lý",
    "processing": "Đang xử lý",
    "proposed": "Chờ xác nhận thông tin",
    "registered": "Đã vào sổ",
    "failed": "Không xử lý được",
    "needs_issuer": "Chờ cơ quan ban hành xử lý",
    "discarded": "Đã huỷ",
}


class Receipt(Model):
    """One document handed in: its files (the main one first, then annexes), as stored
    unchanged, plus what processing found. Staff confirm the proposal to register a Document."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key",
                                       name="uq_receipts_idempotency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    received_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8), default="upload")  # upload | cli
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    # [{"sha256", "size", "filename", "kind", "role": "main" | "annex"}]
    files: Mapped[list] = mapped_column(JSON, default=list)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))  # rendition of the main file
    pdf_pages: Mapped[int | None] = mapped_column()
    ocr: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    legacy_encoding: Mapped[str | None] = mapped_column(String(8))  # TCVN3 | VNI
    proposal: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"kind", "target_type", "target_notation", "target_date", "target_id"}]
    relations: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")  # Vietnamese, shown to staff
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"))
    # Decree 34/2016 Art. 91(2): an error found on receipt is notified to the issuer at once,
    # who sends the official copy; the deadline then counts from that corrected copy.
    issuer_problem: Mapped[str] = mapped_column(Text, default="")  # what is wrong, Vietnamese
    problem_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_via: Mapped[str] = mapped_column(String(32), default="")
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The files received before the corrected copy replaced them, kept to compare.
    superseded_files: Mapped[list] = mapped_column(JSON, default=list)
    # The OCR settings that read a scan ("" for a file with text): the same file and settings
    # give the same text (issue 21).
    ocr_settings: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # What Circular 02/2025/TT-VPCP Art. 5 asks of the sender and the receipt lacks: codes of
    # intake.circular02.CHECKS; shown and counted, never a reason to refuse.
    checks: Mapped[list | None] = mapped_column(JSON, default=list)
    # Sent through the intake API: by which issuer's key, under which client-supplied key.
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    # What the sender's system said of the document (number, type, date, abstract, signer).
    sender_metadata: Mapped[dict | None] = mapped_column(JSON, default=dict)

    document = relationship("Document")
    received_by = relationship("User")
    jobs: Mapped[list[Job]] = relationship(back_populates="receipt", order_by="Job.id")

    @property
    def state_label(self) -> str:
        return RECEIPT_STATES.get(self.state, self.state)

    @property
    def deadline_from(self) -> datetime:
        """The publication deadline counts from the corrected copy when there is one."""
        return self.corrected_at or self.received_at

    @property
    def main_file(self) -> dict:
        return self.files[0] if self.files else {}

    @property
    def job(self) -> Job | None:
        return self.jobs[-1] if self.jobs else None


class Job(Model):
    """Work done outside the request: claimed by exactly one worker (compare-and-set on
    ``state``), with its progress written as it goes so a page can show it."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_pending", "state", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id", ondelete="CASCADE"),
                                                   index=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|done|failed
    progress: Mapped[int] = mapped_column(default=0)  # percent
    step: Mapped[str] = mapped_column(String(200), default="")  # Vietnamese, shown to staff
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str] = mapped_column(String(100), default="")
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    receipt: Mapped[Receipt | None] = relationship(back_populates="jobs")
