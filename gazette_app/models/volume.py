"""Quarterly archival volumes binding the published issues of a quarter."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .issue import Issue
from .types import UTCDateTime, utcnow

volume_issues = Table(
    "volume_issues",
    db.metadata,
    Column("volume_id", ForeignKey("volumes.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_id", ForeignKey("issues.id"), primary_key=True),
)


class Volume(db.Model):
    __tablename__ = "volumes"
    __table_args__ = (UniqueConstraint("year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    page_count: Mapped[int | None] = mapped_column()
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issues: Mapped[list[Issue]] = relationship(secondary=volume_issues)

    @property
    def label(self) -> str:
        return f"Quý {('I', 'II', 'III', 'IV')[self.quarter - 1]}/{self.year}"
