"""Quarterly archival volumes binding the published issues of a quarter."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from .issue import Issue
from .title import GazetteTitle, current_title_id
from .types import UTCDateTime, utcnow

volume_issues = Table(
    "volume_issues",
    db.metadata,
    Column("volume_id", ForeignKey("volumes.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_id", ForeignKey("issues.id"), primary_key=True),
)


class Volume(Model):
    __tablename__ = "volumes"
    __table_args__ = (UniqueConstraint("title_id", "year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("gazette_titles.id"),
                                          default=current_title_id())
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    page_count: Mapped[int | None] = mapped_column()
    sheet_count: Mapped[int | None] = mapped_column()
    double_sided: Mapped[bool] = mapped_column(default=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))  # the JSON manifest file
    content_sha256: Mapped[str | None] = mapped_column(String(64))  # printed in the volume
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    title: Mapped[GazetteTitle] = relationship(lazy="joined")
    issues: Mapped[list[Issue]] = relationship(secondary=volume_issues,
                                               order_by="Issue.date, Issue.id")

    @property
    def address(self) -> dict:
        """What its public addresses are built from (a former title's carry its slug)."""
        return {"title": self.title.route_slug, "year": self.year, "quarter": self.quarter}

    @property
    def label(self) -> str:
        return f"Quý {('I', 'II', 'III', 'IV')[self.quarter - 1]}/{self.year}"


class Verification(Model):
    """One run of ``verify``: every stored file re-hashed, every reference checked."""

    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    files_checked: Mapped[int] = mapped_column(default=0)
    bytes_checked: Mapped[int] = mapped_column(BigInteger, default=0)
    # [{"sha256", "what"}]: referenced but not in the store / stored bytes no longer match
    missing: Mapped[list] = mapped_column(JSON, default=list)
    altered: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)  # other findings (manifests)
    ok: Mapped[bool | None] = mapped_column()  # None while running
    actor_name: Mapped[str] = mapped_column(String(64), default="")
