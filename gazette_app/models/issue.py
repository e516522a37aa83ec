"""Numbered gazette issues and their ordered entries."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ColumnElement, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .document import Document
from .states import ISSUE_STATES, IssueState
from .title import GazetteTitle, current_title_id
from .types import UTCDateTime, utcnow


class Issue(Model):
    """One publication: "Số 12" or a double issue "Số 44 + 45", with its date."""

    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The gazette title it belongs to (a former province's Công báo, or the current one).
    title_id: Mapped[int] = mapped_column(ForeignKey("gazette_titles.id"), index=True,
                                          default=current_title_id())
    year: Mapped[int] = mapped_column(index=True)
    date: Mapped[date] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default=IssueState.DRAFT)
    page_mode: Mapped[str] = mapped_column(String(8), default="issue")  # issue | year
    first_page: Mapped[int] = mapped_column(default=1)
    page_count: Mapped[int | None] = mapped_column()
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))  # as published, forever
    # The e-edition's signature as validated at publication or the last re-stamping (issue 19:
    # issues.signing_ltv.SignatureState), and the re-stamped revisions, oldest first, each
    # {"sha256", "size", "at"}: every one starts with the bytes of the published file.
    signature_state: Mapped[dict | None] = mapped_column(JSON)
    signed_revisions: Mapped[list | None] = mapped_column(JSON)
    gap_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who composed the PDF under approval: the approver must be someone else (two-person rule).
    composed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    composed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    title: Mapped[GazetteTitle] = relationship(lazy="joined")
    numbers: Mapped[list[IssueNumber]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueNumber.number")
    entries: Mapped[list[IssueEntry]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueEntry.position")

    @property
    def number_list(self) -> list[int]:
        return [n.number for n in self.numbers]

    @property
    def label(self) -> str:
        """"Số 44 + 45"."""
        return "Số " + " + ".join(f"{n:02d}" for n in self.number_list)

    @property
    def address(self) -> dict:
        """What its public addresses are built from: ``url_for("public.issue_page",
        **issue.address)``; a former title's issues carry its slug."""
        return {"title": self.title.route_slug, "year": self.year, "number": self.first_number}

    @property
    def title_label(self) -> str:
        """"Số 45/2024" for the current title, "Công báo tỉnh Bình Phước, Số 45/2024" for a
        former one."""
        own = f"{self.label}/{self.year}"
        return own if self.title.current else f"{self.title.name}, {own}"

    @property
    def current_signed_sha256(self) -> str | None:
        """The e-edition readers get: the latest re-stamped revision, else the published one."""
        return self.signed_revisions[-1]["sha256"] if self.signed_revisions \
            else self.signed_pdf_sha256

    @property
    def state_label(self) -> str:
        return ISSUE_STATES.get(self.state, self.state)

    @property
    def first_number(self) -> int:
        return self.number_list[0]

    @property
    def last_page(self) -> int | None:
        """Printed number of the issue's last page (year-continuous numbering continues it)."""
        return self.first_page + self.page_count - 1 if self.page_count else None

    def audit_state(self) -> dict:
        return {"numbers": self.number_list, "date": self.date.isoformat(), "state": self.state,
                "pdf_sha256": self.pdf_sha256, "signed_pdf_sha256": self.signed_pdf_sha256,
                "page_count": self.page_count, "first_page": self.first_page,
                "documents": [e.document_id for e in self.entries]}

    def __repr__(self) -> str:
        return f"<Issue {self.label}/{self.year} {self.state}>"


class IssueNumber(Model):
    """A number taken by an issue; unique per title and year, so a number is never reused."""

    __tablename__ = "issue_numbers"
    __table_args__ = (UniqueConstraint("title_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("gazette_titles.id"),
                                          default=current_title_id())
    year: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()

    issue: Mapped[Issue] = relationship(back_populates="numbers")


class IssueEntry(Model):
    """A document placed in an issue, with the physical page on which it starts."""

    __tablename__ = "issue_entries"
    __table_args__ = (UniqueConstraint("issue_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column()
    part: Mapped[str] = mapped_column(String(8))  # legal | other
    start_page: Mapped[int | None] = mapped_column()
    page_count: Mapped[int | None] = mapped_column()
    # What the composed PDF was built from: the document's PDF and a hash of its metadata.
    # Publishing refuses the issue if either differs (the document changed after approval).
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    metadata_sha256: Mapped[str | None] = mapped_column(String(64))

    issue: Mapped[Issue] = relationship(back_populates="entries")
    document: Mapped[Document] = relationship()


def in_current_title() -> ColumnElement[bool]:
    """Issues of the current title: what composing, numbering and today's addresses see."""
    return Issue.title_id == current_title_id()


def published_issues() -> ColumnElement[bool]:
    """The condition for issues the public sees: published ones (a draft or an approved issue
    does not exist for the public). With ``public_documents()``, the public rule."""
    return Issue.state == IssueState.PUBLISHED
