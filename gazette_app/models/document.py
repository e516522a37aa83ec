"""Documents of the province, their issuers, files, relations and duplicate flags."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_app_context
from sqlalchemy import (
    JSON,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from search_index.analysis import fold, slugify

from .. import clock
from ..extensions import Model
from ..notation import TYPE_CODES
from ..validity import Acting, StatusChange, status_on, timeline
from ..vocabulary import STATUS_LABELS
from .states import DOCUMENT_STATES, DocumentState, IssueState
from .types import UTCDateTime, utcnow


class Issuer(Model):
    """An issuing organ: "HĐND tỉnh", "UBND tỉnh", "HĐND xã Chiềng Hặc"."""

    __tablename__ = "issuers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(200), unique=True)  # URL slug: "hdnd-xa-chieng-hac"
    level: Mapped[str] = mapped_column(String(16), default="province")

    def __repr__(self) -> str:
        return f"<Issuer {self.name}>"


class Document(Model):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_key", "issuer_id", "notation_key", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id"))
    notation: Mapped[str] = mapped_column(String(64))  # as printed: "37/2026/QĐ-UBND"
    notation_key: Mapped[str] = mapped_column(String(64))  # folded, for matching
    seq: Mapped[int] = mapped_column()
    year: Mapped[int] = mapped_column(index=True)  # of the notation, else of the issued date
    type_code: Mapped[str] = mapped_column(String(8))
    issuer_code: Mapped[str] = mapped_column(String(32))
    legal: Mapped[bool] = mapped_column(default=False)
    doc_type: Mapped[str] = mapped_column(String(120))
    abstract: Mapped[str] = mapped_column(Text)
    signer: Mapped[str] = mapped_column(String(200), default="")
    issued: Mapped[date] = mapped_column()
    effective: Mapped[date | None] = mapped_column()
    expires: Mapped[date | None] = mapped_column()
    field: Mapped[str] = mapped_column(String(120), default="")
    # The status on the day it was last refreshed (services.statuses, at least daily): what the
    # search index filters and counts on. Pages read ``current_status``, computed for today.
    status: Mapped[str] = mapped_column(String(24), default="in_force")
    # A status the source feed or staff recorded that no date explains (validity.RECORDED_STATUSES).
    recorded_status: Mapped[str | None] = mapped_column(String(24))
    body_text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=DocumentState.RECEIVED, index=True)
    # "flagged" while a probable duplicate waits for staff review.
    review: Mapped[str] = mapped_column(String(16), default="ok", index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Identity in the source feed (sha256 of its URL or of the record): makes imports idempotent.
    source_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    source_url: Mapped[str] = mapped_column(Text, default="")
    source_files: Mapped[list] = mapped_column(JSON, default=list)
    view_count: Mapped[int] = mapped_column(default=0)
    download_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    issuer: Mapped[Issuer] = relationship(lazy="joined")
    files: Mapped[list[DocumentFile]] = relationship(back_populates="document",
                                                      cascade="all, delete-orphan")
    entries: Mapped[list[IssueEntry]] = relationship(  # type: ignore[name-defined]  # noqa: F821 - defined in issue.py
        "IssueEntry", viewonly=True, order_by="IssueEntry.id")
    # Confirmed relations of other documents acting on this one (repeal, replace, suspend...).
    acted_on_by: Mapped[list[DocumentRelation]] = relationship(
        "DocumentRelation", viewonly=True, order_by="DocumentRelation.id",
        primaryjoin="and_(Document.id == DocumentRelation.target_id, "
                    "DocumentRelation.confirmed.is_(True))")
    flags: Mapped[list[DuplicateFlag]] = relationship(
        foreign_keys="DuplicateFlag.document_id", back_populates="document",
        cascade="all, delete-orphan")

    AUDITED = ("notation", "doc_type", "abstract", "signer", "issued", "effective", "expires",
               "field", "status", "recorded_status", "state", "review", "legal")

    @property
    def slug(self) -> str:
        """The notation in a URL: "37/2026/QĐ-UBND" -> "37-2026-qd-ubnd"."""
        return slugify(self.notation)

    @property
    def published_entry(self):
        """The entry of the published issue that carries this document, if any."""
        return next((e for e in self.entries if e.issue.state == IssueState.PUBLISHED), None)

    @property
    def published_page(self) -> int | None:
        entry = self.published_entry
        return entry.issue.first_page + entry.start_page - 1 if entry and entry.start_page \
            else None

    @property
    def type_name(self) -> str:
        """"Quyết định" from the type code of the notation."""
        return TYPE_CODES.get(fold(self.type_code).upper(), (self.type_code, self.type_code))[1]

    def file(self, role: str) -> DocumentFile | None:
        """The latest file of a role ("original", "pdf", "attachment")."""
        files = [f for f in self.files if f.role == role]
        return max(files, key=lambda f: f.id) if files else None

    def status_timeline(self) -> list[StatusChange]:
        """Every change of validity, from the dates and the confirmed relations."""
        acting = [Acting(r.kind, r.partial, f"{r.source.doc_type} số {r.source.notation}",
                         r.source.effective or r.source.issued, r.source_id)
                  for r in self.acted_on_by if r.source is not None]
        return timeline(self.issued, self.effective, self.expires, self.recorded_status, acting)

    def status_on(self, day) -> str:
        return status_on(self.status_timeline(), day)

    @property
    def current_status(self) -> str:
        """The status today, in Vietnam."""
        return self.status_on(clock.today())

    @property
    def public_files(self) -> list[DocumentFile]:
        return [f for f in self.files if f.public]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.current_status, self.current_status)

    @property
    def is_public(self) -> bool:
        """Whether citizens and the API may see this document (see ``public_documents``)."""
        if self.state == DocumentState.WITHDRAWN or self.review != "ok":
            return False
        return self.state == DocumentState.PUBLISHED or show_unpublished()

    @property
    def state_label(self) -> str:
        return DOCUMENT_STATES.get(self.state, self.state)

    @property
    def open_flags(self) -> list[DuplicateFlag]:
        return [flag for flag in self.flags if flag.resolved_at is None]

    def audit_state(self) -> dict:
        state = {name: getattr(self, name) for name in self.AUDITED}
        state["issuer"] = self.issuer.name if self.issuer else None
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in state.items()}

    def __repr__(self) -> str:
        return f"<Document {self.notation} {self.issuer.name if self.issuer else ''}>"


def show_unpublished() -> bool:
    """The province's setting GAZETTE_SHOW_UNPUBLISHED (off by default): registered documents
    (received or ready, not flagged, not withdrawn) are public before publication, marked
    "chưa đăng Công báo"."""
    return has_app_context() and bool(current_app.config.get("SHOW_UNPUBLISHED"))


def public_documents() -> ColumnElement[bool]:
    """The one rule for what the public sees, as a query condition: a document published in a
    gazette issue (or, with GAZETTE_SHOW_UNPUBLISHED, any registered one), never a
    withdrawn one, never one flagged for review. Every public page, the API, feeds, the
    sitemap, file downloads and the search index use it."""
    states = ((DocumentState.PUBLISHED, DocumentState.READY, DocumentState.RECEIVED)
              if show_unpublished() else (DocumentState.PUBLISHED,))
    return and_(Document.state.in_(states), Document.review == "ok")


class DocumentFile(Model):
    """A file of a document in the content-addressed store (the sha256 names the bytes)."""

    __tablename__ = "document_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    role: Mapped[str] = mapped_column(String(16))  # original | pdf | attachment
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column()
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))  # shown to users, never a path
    page_count: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="files")

    # "received": a file kept byte for byte as sent because it carries active content
    # (scripts, macros, external links); staff see it, the public never gets it.
    PUBLIC_ROLES = ("pdf", "original", "attachment", "signed", "scan")

    @property
    def public(self) -> bool:
        return self.role in self.PUBLIC_ROLES


class DocumentRelation(Model):
    """amends / replaces / repeals / corrects / guides; the target may be outside the archive."""

    __tablename__ = "document_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    target_text: Mapped[str] = mapped_column(String(255), default="")
    confirmed: Mapped[bool] = mapped_column(default=False)
    partial: Mapped[bool] = mapped_column(default=False)  # only some articles are concerned

    source: Mapped[Document] = relationship(foreign_keys=[source_id])
    target: Mapped[Document | None] = relationship(foreign_keys=[target_id])


class DuplicateFlag(Model):
    """A probable duplicate found on import, kept for staff to decide on."""

    __tablename__ = "duplicate_flags"
    __table_args__ = (UniqueConstraint("document_id", "candidate_id"),)

    REASONS = {
        "same_notation": "Trùng cơ quan ban hành, số ký hiệu và năm",
        "similar_abstract": "Trích yếu gần như trùng",
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(32))
    similarity: Mapped[float] = mapped_column(Float, default=1.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(16))  # distinct | duplicate
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    document: Mapped[Document] = relationship(foreign_keys=[document_id], back_populates="flags")
    candidate: Mapped[Document] = relationship(foreign_keys=[candidate_id])

    @property
    def reason_label(self) -> str:
        return self.REASONS.get(self.reason, self.reason)
