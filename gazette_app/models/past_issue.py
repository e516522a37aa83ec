"""A past issue being brought in from its published PDF (issue 22).

The importer (``issues.importing``) reads the issue's contents and finds each document's pages;
what it verified is kept as found, what it could not verify waits here for staff, who confirm or
correct it side by side with the page. Only when every entry is settled is the issue registered:
the PDF, kept byte for byte in the store, becomes the published issue, and each document is
registered as published in it with its pages.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .issue import Issue
from .title import GazetteTitle
from .types import UTCDateTime, utcnow


class ImportState(enum.StrEnum):
    TO_CONFIRM = "to_confirm"  # some entries wait for staff
    READY = "ready"  # every entry settled, not registered yet
    REGISTERED = "registered"


IMPORT_STATES: dict[str, str] = {ImportState.TO_CONFIRM: "Chờ xác nhận",
                                 ImportState.READY: "Sẵn sàng đăng ký",
                                 ImportState.REGISTERED: "Đã đăng ký"}


class EntryState(enum.StrEnum):
    FOUND = "found"  # the engine verified its first page and its range
    CONFIRM = "confirm"  # waits for staff
    CONFIRMED = "confirmed"  # staff confirmed or corrected it


class PastIssueImport(Model):
    __tablename__ = "past_issue_imports"
    __table_args__ = (UniqueConstraint("title_id", "pdf_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("gazette_titles.id"), index=True)
    year: Mapped[int] = mapped_column()
    numbers: Mapped[list] = mapped_column(JSON)  # [44, 45] for a double issue
    issue_date: Mapped[date] = mapped_column()
    source_name: Mapped[str] = mapped_column(String(255), default="")  # the file's name
    pdf_sha256: Mapped[str] = mapped_column(String(64))  # the issue as published, byte for byte
    page_count: Mapped[int] = mapped_column()
    page_offset: Mapped[int | None] = mapped_column()  # PDF page = printed page + offset
    layout: Mapped[str] = mapped_column(String(16), default="")
    ocr_pages: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)  # about the whole issue
    # One dict per contents entry, in the contents' order: what was printed (position,
    # notation, type_name, issuer, issued, abstract, printed_page), the PDF pages (first_page,
    # last_page), the state (EntryState), the engine's reason when it waits, who confirmed.
    entries: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default=ImportState.TO_CONFIRM)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    title: Mapped[GazetteTitle] = relationship(lazy="joined")
    issue: Mapped[Issue | None] = relationship()

    @property
    def label(self) -> str:
        return "Số " + " + ".join(f"{n:02d}" for n in self.numbers) + f"/{self.year}"

    @property
    def state_label(self) -> str:
        return IMPORT_STATES.get(self.state, self.state)

    @property
    def waiting(self) -> list[dict]:
        return [e for e in self.entries if e["state"] == EntryState.CONFIRM]
