"""Who was late: the issuing body in sending, or the office in publishing.

Decree 34/2016/NĐ-CP Art. 84(3)-(4) makes the office answer for publishing late and the issuing
body for sending late, so the record tells the two apart from three moments: signed (the
document's date), received (the receipt), published (the issue's date).
- **Gửi chậm** (issuer late): received after ``GAZETTE_ISSUER_SEND_DAYS`` days from signing
  (Law 64/2025/QH15 Art. 9(1): within 3 days), counted as the publication deadline is (working
  days by default).
- **Đăng chậm** (office late): published after the publication deadline counted from receipt
  (``services.deadlines.due_date``); a document still waiting past it is late too.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app

from .. import clock
from ..models import Document
from .deadlines import due_date


@dataclass(frozen=True)
class Lateness:
    issuer_late: bool
    office_late: bool
    published_on: date | None


def send_deadline(document: Document) -> date:
    config = current_app.config
    return clock.add_days(document.issued, config["ISSUER_SEND_DAYS"],
                          config["PUBLISH_DEADLINE_WORKING_DAYS"])


def lateness(document: Document, today: date | None = None) -> Lateness:
    """Whether the issuer sent ``document`` late and whether the office published it late
    (or keeps it waiting past its deadline on ``today``)."""
    received = clock.local_day(document.received_at)
    entry = document.published_entry
    published_on = entry.issue.date if entry is not None else None
    due = due_date(document.received_at)
    office_late = published_on > due if published_on else (today or clock.today()) > due
    return Lateness(received > send_deadline(document), office_late, published_on)


@dataclass
class IssuerLateness:
    issuer: str
    received: int = 0
    issuer_late: int = 0
    office_late: int = 0


def by_issuer(documents: Sequence[Document], today: date | None = None) -> list[IssuerLateness]:
    """Per issuer: documents, sent late, published late; the latest first, then by name."""
    rows: dict[str, IssuerLateness] = defaultdict(lambda: IssuerLateness(""))
    for document in documents:
        found = lateness(document, today)
        row = rows[document.issuer.name]
        row.issuer = document.issuer.name
        row.received += 1
        row.issuer_late += found.issuer_late
        row.office_late += found.office_late
    return sorted(rows.values(),
                  key=lambda r: (-(r.issuer_late + r.office_late), -r.received, r.issuer))
