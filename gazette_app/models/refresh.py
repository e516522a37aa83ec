"""When the stored statuses were last brought to a day (services.statuses.refresh_all): the
next refresh visits only the documents whose status can have moved since."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow


class StatusRefresh(Model):
    __tablename__ = "status_refreshes"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column()  # the day (in Vietnam) statuses were brought to
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
