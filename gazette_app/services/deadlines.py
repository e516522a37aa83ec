"""Publication deadlines: a document must be published within a set number of days (working
days by default) from its receipt. The dashboard lists what waits, what is due soon and what
is overdue, receipts not yet registered included (the clock runs from the receipt)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..clock import add_days, local_day
from ..clock import today as local_today
from ..extensions import db
from ..models import Document, DocumentState, Receipt


def due_date(received_at: datetime) -> date:
    config = current_app.config
    return add_days(local_day(received_at), config["PUBLISH_DEADLINE_DAYS"],
                    config["PUBLISH_DEADLINE_WORKING_DAYS"])


@dataclass
class Waiting:
    label: str  # "Quyết định số 52/2026/QĐ-UBND" or the file name of a receipt
    received_at: datetime
    due: date
    document: Document | None = None
    receipt: Receipt | None = None

    def days_left(self, today: date) -> int:
        return (self.due - today).days


@dataclass
class DeadlineBoard:
    overdue: list[Waiting]
    due_soon: list[Waiting]
    waiting: list[Waiting]
    with_issuer: list[Waiting] = field(default_factory=list)  # waiting for a corrected copy

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.waiting)


def deadline_board(today: date | None = None) -> DeadlineBoard:
    """Everything received and not yet published, sorted by due date into three groups."""
    today = today or local_today()
    soon = today + timedelta(days=current_app.config["DUE_SOON_DAYS"])
    rows = [Waiting(f"{d.doc_type} số {d.notation}", d.received_at, due_date(d.received_at),
                    document=d)
            for d in db.session.scalars(select(Document).where(
                Document.state.in_((DocumentState.RECEIVED, DocumentState.READY))))]
    rows += [Waiting(r.main_file.get("filename", f"#{r.id}"), r.deadline_from,
                     due_date(r.deadline_from), receipt=r)
             for r in db.session.scalars(select(Receipt).where(
                 Receipt.state.in_(("queued", "processing", "proposed", "failed"))))]
    rows.sort(key=lambda row: (row.due, row.received_at))
    # Sent back to the issuer: the office's clock waits for the corrected copy (Art. 91(2)).
    with_issuer = [Waiting(r.main_file.get("filename", f"#{r.id}"), r.received_at,
                           due_date(r.received_at), receipt=r)
                   for r in db.session.scalars(select(Receipt).where(
                       Receipt.state == "needs_issuer").order_by(Receipt.problem_at))]
    return DeadlineBoard(overdue=[r for r in rows if r.due < today],
                         due_soon=[r for r in rows if today <= r.due <= soon],
                         waiting=[r for r in rows if r.due > soon], with_issuer=with_issuer)
