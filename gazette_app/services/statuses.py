"""Keeping each document's stored status equal to its validity today, in Vietnam.

Pages and the API compute a document's status when they read it (``Document.current_status``);
the stored ``status`` column is what the search index filters and counts on, so it must move on
the day a date or a relation says. Three things move it:
- ``refresh_document`` when a document or a relation acting on it is registered or changed;
- the ``refresh_statuses`` job, scheduled for every midnight in Vietnam and run by whichever
  worker is up (each run schedules the next);
- ``ensure_scheduled`` when a worker starts, which runs a refresh at once when none is queued,
  so a server that was down at midnight catches up as it starts.
The search index follows through the outbox within seconds of the change.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from print_templates.dates import short_date

from .. import clock
from ..extensions import db
from ..jobs import Progress, enqueue, handler
from ..models import Document, DocumentRelation, DocumentState, Job, StatusRefresh
from ..models.types import utcnow
from ..vocabulary import STATUS_LABELS
from .audit import record

log = logging.getLogger(__name__)
JOB_KIND = "refresh_statuses"
BATCH = 1000
Source = aliased(Document)


def refresh_document(document: Document, day: date | None = None) -> bool:
    """Set the stored status to the status of ``day`` (today); audited when it moves."""
    day = day or clock.today()
    status = document.status_on(day)
    if status == document.status:
        return False
    before = document.audit_state()
    document.status = status
    if document.id is not None:
        changes = [c for c in document.status_timeline() if c.status == status]
        why = changes[-1].reason if changes else ""
        record("document.status", "document", document.id, before=before,
               after=document.audit_state(),
               note=f"{STATUS_LABELS.get(status, status)} từ {short_date(day)}"
                    + (f": {why}" if why else ""))
    return True


def refresh_all(day: date | None = None) -> int:
    """Bring the stored statuses to ``day`` (today); returns how many moved. Only documents
    whose status can have moved since the last refresh are visited (``to_refresh``): at a
    national scale a worker's start must not read every document."""
    day = day or clock.today()
    started = utcnow()
    last = db.session.scalars(select(StatusRefresh).order_by(StatusRefresh.id.desc())
                              .limit(1)).first()
    visit = (to_refresh(last.day, last.started_at, day) if last is not None
             else select(Document).where(Document.state != DocumentState.WITHDRAWN))
    moved, last_id = 0, 0
    while True:
        documents = db.session.scalars(
            visit.where(Document.id > last_id).order_by(Document.id).limit(BATCH)
            .options(selectinload(Document.acted_on_by).selectinload(DocumentRelation.source))
        ).all()
        if not documents:
            break
        moved += sum(refresh_document(d, day) for d in documents)
        last_id = documents[-1].id
        db.session.commit()
    db.session.add(StatusRefresh(day=day, started_at=started))
    db.session.commit()
    if moved:
        log.info("validity refreshed for %s: %s document(s) changed status", day, moved)
    return moved


def to_refresh(last_day: date, last_at: datetime, day: date) -> Select:
    """Documents whose status can differ between ``last_day`` and ``day``: a date of their own
    (issued, effective, expires) or the start of a confirmed relation acting on them falls
    between the two (either way: the clock may be set back), or they were received or changed
    since the last refresh began (imports set a status of their own)."""
    low, high = min(last_day, day), max(last_day, day)

    def within(column):
        return and_(column > low, column <= high)

    starts = func.coalesce(Source.effective, Source.issued)
    acted_on = select(DocumentRelation.target_id).join(
        Source, Source.id == DocumentRelation.source_id).where(
        DocumentRelation.confirmed, DocumentRelation.target_id.is_not(None), within(starts))
    return select(Document).where(
        Document.state != DocumentState.WITHDRAWN,
        or_(within(Document.issued), within(Document.effective), within(Document.expires),
            Document.updated_at >= last_at, Document.created_at >= last_at,
            Document.id.in_(acted_on)))


def next_midnight() -> datetime:
    return clock.start_of_day(clock.today() + timedelta(days=1))


def _queued() -> Job | None:
    return db.session.scalar(select(Job).where(Job.kind == JOB_KIND,
                                               Job.state.in_(("queued", "running"))).limit(1))


def ensure_scheduled() -> None:
    """At a worker's start: refresh now (a midnight may have passed while no server ran) and
    make sure the next midnight's run is queued."""
    refresh_all()
    if _queued() is None:
        enqueue(JOB_KIND, not_before=next_midnight())
        db.session.commit()


@handler(JOB_KIND)
def refresh_statuses_job(job: Job, progress: Progress) -> None:
    moved = refresh_all()
    progress(100, f"{moved} văn bản đổi tình trạng hiệu lực")
    if db.session.scalar(select(Job.id).where(Job.kind == JOB_KIND, Job.state == "queued",
                                              Job.id != job.id).limit(1)) is None:
        enqueue(JOB_KIND, not_before=next_midnight())
        db.session.commit()
