"""The demo gazette: a year of an office's work, replayed with the real services.

Each demo record is received one to three working days after it was signed (a few of them
late, as issuers sometimes are), with a generated PDF; relations its abstract names are
confirmed when it arrives (a repeal of an archived document ends that document's validity from
the repealing one's effective date). Issues are composed, approved and published on the dates
of the real Sơn La issues (``sonla-2026-issues.json``) where documents were waiting by then,
as many issues on a day as the real gazette had (more when a backlog would not fit), numbered
from 01 with the real numbering's double issues ("Số 02 + 03"); after the last real date the
rhythm goes on every ten days while ten or more documents wait, so the last few to arrive, and
the probable duplicates staff have not yet reviewed, are still waiting at the end. Every step
runs at the moment it happened (``clock.replaying``), so receipts, deadlines, audit records and
statistics tell the story of the year, and then every document's validity is brought to today.
"""
from __future__ import annotations

import json
import math
import random
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from print_templates.dates import short_date

from .. import clock
from ..extensions import db
from ..intake.relations import extract_relations
from ..models import Document, DocumentState, Issue, User, Volume
from ..services import issues as workflow
from ..services.documents import attach_pdf
from ..services.relations import ConfirmedRelation, link_relation
from ..services.statuses import refresh_all
from ..services.volumes import build_volume
from .documents import DemoDocument, page_count_for, render_document_pdf

ISSUES_FILE = Path(__file__).with_name("sonla-2026-issues.json")
MAX_DOCUMENTS_PER_ISSUE = 30
DOCUMENTS_PER_ISSUE = 10  # below this many waiting, fewer issues than the real day had
LATE_SHARE = 0.06  # issuers that send a document late (Law 64/2025 Art. 9(1): 3 days)
RHYTHM = timedelta(days=10)


@dataclass
class Arrival:
    document: Document
    at: datetime


def _arrival(document: Document) -> datetime:
    """When the office received ``document``: 1-3 working days after signing (6-9 for a few
    late issuers), during office hours; the same for every load of the demo."""
    rng = random.Random(f"arrival:{document.notation}:{document.issuer.name}")
    days = rng.randint(6, 9) if rng.random() < LATE_SHARE else rng.randint(1, 3)
    day = clock.add_days(document.issued, days, working=True)
    return clock.start_of_day(day) + timedelta(hours=rng.randint(8, 16),
                                               minutes=rng.randint(0, 59))


def _render(document: Document, folder: Path) -> Path:
    province = current_app.config["GAZETTE_PROVINCE"]
    demo = DemoDocument(document.notation, document.issuer.name, document.type_name,
                        document.abstract, document.issued, document.signer, province)
    return render_document_pdf(folder / f"{document.id}.pdf", demo,
                               page_count_for(f"{document.notation}{document.issuer.name}"))


def receive(arrival: Arrival, folder: Path, actor: User) -> None:
    """The document arrives: its receipt time, its PDF (flagged duplicates wait for review
    without one) and the relations its abstract names."""
    document = arrival.document
    with clock.replaying(arrival.at):
        document.received_at = arrival.at
        if document.review == "ok":
            name = (document.source_files or [f"{document.notation}.pdf"])[0]
            attach_pdf(document, _render(document, folder).read_bytes(), name, actor)
        for found in extract_relations(document.abstract):
            link_relation(document, ConfirmedRelation(found.kind, found.target_notation,
                                                      found.target_date, found.partial), actor)
        db.session.commit()


def real_issues() -> list[tuple[date, int]]:
    """The real issues of 2026 in order: (date, how many numbers it took: 1, or 2 for a
    double issue like "Số 02 + 03")."""
    items = json.loads(ISSUES_FILE.read_text(encoding="utf-8"))["issues"]
    return [(date.fromisoformat(item["date"]), len(item["numbers"])) for item in items]


def publish_day(day: date, issues_that_day: int, shapes: Iterator[int], next_number: int,
                actor: User) -> tuple[list[str], int]:
    """Compose, approve and publish the day's issues from what waits; returns their labels
    and the next free number. ``shapes`` gives each new issue's count of numbers."""
    at = clock.start_of_day(day) + timedelta(hours=9)
    with clock.replaying(at):
        waiting = [d for d in workflow.available_documents(day) if d.received_at < at]
    if not waiting:
        return [], next_number
    waiting.sort(key=lambda d: (d.received_at, d.id))
    # As many issues as the real day had (fewer when little waits), more when a backlog would
    # not fit: the office does not let documents wait for want of an issue.
    count = max(min(issues_that_day, math.ceil(len(waiting) / DOCUMENTS_PER_ISSUE)),
                math.ceil(len(waiting) / MAX_DOCUMENTS_PER_ISSUE))
    size = math.ceil(len(waiting) / count)
    labels = []
    for index in range(count):
        chosen = [d.id for d in waiting[index * size:(index + 1) * size]]
        if not chosen:
            break
        width = next(shapes, 1)
        numbers = list(range(next_number, next_number + width))
        next_number += width
        with clock.replaying(at + timedelta(minutes=20 * index)):
            issue = workflow.create_issue(day.year, numbers, day, chosen, actor)
            workflow.compose(issue, None)
        with clock.replaying(at + timedelta(hours=1, minutes=20 * index)):
            workflow.approve(issue, actor)
        with clock.replaying(at + timedelta(hours=2, minutes=20 * index)):
            workflow.publish(issue, actor)
        labels.append(f"{issue.label}/{issue.year} ngày {short_date(day)} ({issue.page_count} "
                      f"trang, {len(chosen)} văn bản)")
    return labels, next_number


def replay_year(actor: User) -> list[str]:
    """Replay the demo year once (nothing happens when its issues exist); returns what was
    published. Statuses are brought to today at the end."""
    if db.session.scalar(select(Issue.id).limit(1)) is not None:
        return []
    documents = db.session.scalars(select(Document).where(
        Document.state == DocumentState.RECEIVED)).all()
    pending = sorted((Arrival(d, _arrival(d)) for d in documents), key=lambda a: a.at)
    real = real_issues()
    shapes = iter([width for _, width in real])  # numbered as the real issues were: 01, 02 + 03
    days = sorted(Counter(day for day, _ in real).items())
    published, number = [], 1
    with tempfile.TemporaryDirectory() as tmp:
        def arrive_until(moment: datetime) -> None:
            while pending and pending[0].at < moment:
                receive(pending.pop(0), Path(tmp), actor)

        for day, count in days:
            arrive_until(clock.start_of_day(day) + timedelta(hours=9))
            labels, number = publish_day(day, count, shapes, number, actor)
            published += labels
        day = days[-1][0] if days else date(2026, 1, 1)
        while pending:  # after the real dates, every ten days while enough keeps coming
            day += RHYTHM
            cutoff = clock.start_of_day(day) + timedelta(hours=9)
            due = sum(a.at < cutoff for a in pending) + len(workflow.available_documents(day))
            if due < DOCUMENTS_PER_ISSUE:
                break
            arrive_until(cutoff)
            labels, number = publish_day(day, 1, shapes, number, actor)
            published += labels
        arrive_until(datetime.max.replace(tzinfo=clock.zone()))  # the rest waits
    refresh_all()
    return published


def bind_demo_volumes(builder: User) -> list[str]:
    """Bind the demo's complete quarter (Quý II/2026) once, in the first days of the next
    quarter as an archivist would; returns what was built."""
    if db.session.scalar(select(Volume).where(Volume.year == 2026, Volume.quarter == 2)):
        return []
    with clock.replaying(clock.start_of_day(date(2026, 7, 6)) + timedelta(hours=14)):
        volume = build_volume(2026, 2, actor=builder).volume
    return [f"{volume.label} ({volume.page_count} trang, {volume.sheet_count} tờ)"]
