"""Gazette titles: the province's own Công báo and the former provinces' ones it keeps.

Since 1 July 2025 a province may be the merger of two or three former ones, each with its own
Công báo, numbering, masthead and documents still in force. Every issue and volume belongs to
one title; numbers are unique per title and year. The current title keeps today's addresses
(``/cong-bao/2026/12``); a former title lives under its slug (``/cong-bao/binh-phuoc/2024/45``).
The current title's name and masthead come from the masthead settings file; a former title
keeps its own in the row.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import JSON, ScalarSelect, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow

# A former title's slug in its addresses: lower-case words of letters and digits joined by
# hyphens, and never only digits (``/cong-bao/2024`` is a year of the current title).
TITLE_SLUG = re.compile(r"^(?!\d+$)[a-z0-9]+(?:-[a-z0-9]+)*$")
CURRENT_SLUG = "hien-hanh"  # the current title's row; never part of an address


class GazetteTitle(Model):
    __tablename__ = "gazette_titles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")  # "Công báo tỉnh Bình Phước"
    province: Mapped[str] = mapped_column(String(120), default="")  # "Bình Phước"
    current: Mapped[bool] = mapped_column(default=False)
    first_year: Mapped[int | None] = mapped_column()
    last_year: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")  # "Từ 01/7/2025 sáp nhập vào ..."
    masthead: Mapped[dict | None] = mapped_column(JSON)  # a former title's masthead settings
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def route_slug(self) -> str | None:
        """The slug in public addresses: none for the current title."""
        return None if self.current else self.slug

    @property
    def years_label(self) -> str:
        """"2010–2025"."""
        if self.first_year and self.last_year:
            return f"{self.first_year}–{self.last_year}"
        return str(self.first_year or self.last_year or "")

    def __repr__(self) -> str:
        return f"<GazetteTitle {self.slug}{' current' if self.current else ''}>"


def current_title_id() -> ScalarSelect[int]:
    """The current title's id, as SQL: the default of every new issue, number and volume, and
    the condition of pages that show the current title only."""
    return select(GazetteTitle.id).where(GazetteTitle.current.is_(True)) \
        .limit(1).scalar_subquery()
