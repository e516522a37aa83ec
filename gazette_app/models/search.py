"""The search outbox: documents whose index entry must be refreshed.

Rows are written in the same transaction as the change to the document, so the index can
always catch up with the database after a crash (see gazette_app.search)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow


class SearchOutbox(Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchLog(Model):
    """One public search (site or app), for the quarterly statistics: the words and how many
    documents matched. No address or identity is kept."""

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    query: Mapped[str] = mapped_column(String(200), default="")
    results: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(8), default="web")  # web | app
