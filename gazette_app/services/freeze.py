"""Approval freezes a document; publication makes it immutable.

From the moment an issue is approved until it is published (or returned to draft by an
approver, with a reason), the documents it carries may not change: not their files, not the
metadata printed in the contents and on the public page. After publication they never change
again; a correction is a new document (đính chính) linked to the old one. The services check
this first to give staff a clear message; a guard on every flush of the database session
refuses it on any other path too (command line, API, jobs, a future script), so the rule does
not depend on each caller remembering it.

``fingerprint`` is what an issue entry remembers when the issue is composed; publishing
compares it with the document as it is then (``services.issues.publish``).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Flask
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, scoped_session

from ..models import Document, DocumentFile, DocumentState, Issue, IssueEntry, IssueState

# What the public reads and the composed issue prints. Validity (``status``) is not frozen: it
# follows dates and later documents; view counters are not part of the record either.
FROZEN_ATTRIBUTES = ("notation", "notation_key", "seq", "year", "type_code", "issuer_code",
                     "legal", "doc_type", "abstract", "signer", "issued", "effective", "expires",
                     "field", "issuer_id", "body_text", "recorded_status")


class DocumentFrozen(ValueError):
    """A change refused because the document is in an approved or published issue; the
    message is Vietnamese, for the user."""


def freeze_reason(session: Session | scoped_session[Any], document: Document) -> str | None:
    """Why ``document`` cannot change now, or None when it can."""
    if _committed(document, "state") == DocumentState.PUBLISHED:
        return (f"Văn bản {document.notation} đã đăng Công báo: không sửa được. Sai sót được "
                "đính chính bằng một văn bản mới liên kết với văn bản này.")
    if document.id is None:
        return None
    with session.no_autoflush:
        issue = session.scalar(select(Issue).join(IssueEntry).where(
            IssueEntry.document_id == document.id,
            Issue.state.in_((IssueState.APPROVED, IssueState.PUBLISHED))))
    if issue is None:
        return None
    return (f"Văn bản {document.notation} thuộc {issue.label}/{issue.year} đã được duyệt: không "
            "sửa nội dung hay tệp được cho đến khi người duyệt trả số này về bản nháp.")


def check_mutable(session: Session | scoped_session[Any], document: Document) -> None:
    reason = freeze_reason(session, document)
    if reason:
        raise DocumentFrozen(reason)


def fingerprint(document: Document) -> str:
    """A hash of the frozen metadata (issuer name included) of ``document``."""
    values = {name: getattr(document, name) for name in FROZEN_ATTRIBUTES}
    values["issuer"] = document.issuer.name if document.issuer else None
    text = json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _committed(document: Document, name: str):
    """The value of an attribute as the database has it (before this flush's changes)."""
    history = inspect(document).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return getattr(document, name)


def _frozen_change(document: Document) -> bool:
    state = inspect(document)
    if state.pending:
        return False
    if any(state.attrs[name].history.has_changes() for name in FROZEN_ATTRIBUTES):
        return True
    # A published document stays published (never withdrawn or sent back).
    return (_committed(document, "state") == DocumentState.PUBLISHED
            and document.state != DocumentState.PUBLISHED)


def _guard(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty):
        if isinstance(obj, Document) and _frozen_change(obj):
            check_mutable(session, obj)
    for obj in list(session.new) + list(session.deleted):
        if isinstance(obj, DocumentFile) and obj.document is not None:
            check_mutable(session, obj.document)


def init_app(app: Flask) -> None:
    """Attach the guard to every database session (once per process)."""
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)
