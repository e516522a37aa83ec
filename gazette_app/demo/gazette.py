"""The demo gazette: a generated PDF for every demo record and published issues of 2026.

The rhythm follows the real Sơn La issues (``sonla-2026-issues.json``): numbered from 01, an
issue every few weeks, one double issue; each issue dated after the documents it carries.
"""
from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Document, User
from ..services import issues as workflow
from ..services.documents import attach_pdf
from .documents import DemoDocument, page_count_for, render_document_pdf

SCHEDULE: list[tuple[tuple[int, ...], date]] = [
    ((1,), date(2026, 4, 10)), ((2, 3), date(2026, 4, 30)), ((4,), date(2026, 5, 20)),
    ((5,), date(2026, 6, 10)), ((6,), date(2026, 6, 30)), ((7,), date(2026, 7, 20)),
    ((8,), date(2026, 8, 10)),
]
MAX_DOCUMENTS_PER_ISSUE = 30
DAYS_TO_RECEIVE = 2


def attach_demo_pdfs() -> int:
    """Render and attach a PDF to every demo document that has none; returns how many."""
    documents = db.session.scalars(select(Document).where(Document.state == "received",
                                                          Document.review == "ok")).all()
    province = current_app.config["GAZETTE_PROVINCE"]
    with tempfile.TemporaryDirectory() as tmp:
        for document in documents:
            demo = DemoDocument(document.notation, document.issuer.name, document.type_name,
                                document.abstract, document.issued, document.signer, province)
            path = render_document_pdf(Path(tmp) / f"{document.id}.pdf", demo,
                                       page_count_for(f"{document.notation}{document.issuer.name}"))
            name = (document.source_files or [f"{document.notation}.pdf"])[0]
            attach_pdf(document, path.read_bytes(), name)
    return len(documents)


def publish_demo_issues(approver: User) -> list[str]:
    """Compose, approve and publish the scheduled issues not yet there; returns their labels."""
    published = []
    for numbers, issue_date in SCHEDULE:
        if workflow.find_issue(issue_date.year, numbers[0]) is not None:
            continue
        ready = [d for d in workflow.available_documents(issue_date - timedelta(DAYS_TO_RECEIVE))]
        ready.sort(key=lambda d: (d.issued, d.id))
        chosen = [d.id for d in ready[:MAX_DOCUMENTS_PER_ISSUE]]
        issue = workflow.create_issue(issue_date.year, list(numbers), issue_date, chosen, None)
        workflow.compose(issue, None)
        workflow.approve(issue, approver)
        workflow.publish(issue, approver)
        published.append(f"{issue.label}/{issue.year} ({issue.page_count} trang, "
                          f"{len(chosen)} văn bản)")
    return published


def bind_demo_volumes(builder: User) -> list[str]:
    """Bind the demo's complete quarter (Quý II/2026) once; returns what was built."""
    from ..models import Volume
    from ..services.volumes import build_volume
    if db.session.scalar(select(Volume).where(Volume.year == 2026, Volume.quarter == 2)):
        return []
    volume = build_volume(2026, 2, actor=builder).volume
    return [f"{volume.label} ({volume.page_count} trang, {volume.sheet_count} tờ)"]
