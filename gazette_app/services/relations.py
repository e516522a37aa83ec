"""Relations between documents: the citations a received document's text proposes, matched to
archived documents, and the relations staff confirm (a repeal, a replacement...), whose effect
on the target's validity follows from them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..intake.relations import ProposedRelation
from ..jobs import JobFailed, Progress, handler
from ..models import Document, DocumentRelation, DocumentState, Job, User
from ..notation import NotationError, parse_notation
from ..vocabulary import RELATION_LABELS
from .statuses import refresh_document

RELATION_KINDS = {kind: labels[0] for kind, labels in RELATION_LABELS.items()}


@dataclass
class ConfirmedRelation:
    kind: str
    notation: str
    target_date: str = ""
    partial: bool = False


def relation_row(relation: ProposedRelation) -> dict:
    target = find_target(relation.target_notation, relation.target_date)
    return {"kind": relation.kind, "target_type": relation.target_type,
            "target_notation": relation.target_notation, "target_date": relation.target_date,
            "partial": relation.partial, "target_id": target.id if target else None}


def _written_date(text: str) -> date | None:
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def find_target(notation_text: str, written_date: str = "") -> Document | None:
    """The archived document a citation names, when exactly one fits: notation key and year,
    narrowed by the cited date, then by the province's organs (a citation without a place)."""
    try:
        notation = parse_notation(notation_text)
    except NotationError:
        return None
    query = select(Document).where(Document.notation_key == notation.key,
                                   Document.state != DocumentState.WITHDRAWN)
    if notation.year:
        query = query.where(Document.year == notation.year)
    candidates = db.session.scalars(query).all()
    cited = _written_date(written_date) if written_date else None
    if len(candidates) > 1 and cited:
        candidates = [d for d in candidates if d.issued == cited] or candidates
    if len(candidates) > 1:
        candidates = [d for d in candidates if d.issuer.level == "province"] or candidates
    return candidates[0] if len(candidates) == 1 else None


def link_relation(document: Document, relation: ConfirmedRelation, actor: User | None) -> None:
    """Record a confirmed relation; the target's validity follows from it (a repeal ends it
    from this document's effective date: at once when that day has come, else on that day
    through the daily refresh of statuses)."""
    target = find_target(relation.notation, relation.target_date)
    when = f" ngày {relation.target_date}" if relation.target_date else ""
    link = DocumentRelation(source=document, kind=relation.kind, target=target,
                            target_text=f"{relation.notation}{when}"[:255], confirmed=True,
                            partial=relation.partial)
    db.session.add(link)
    if target is not None:
        db.session.flush()
        db.session.refresh(target, ["acted_on_by"])
        refresh_document(target)


@handler("apply_status")
def apply_scheduled_status(job: Job, progress: Progress) -> None:
    """Jobs queued by earlier releases for a relation's start day: today's status of the
    target (the daily refresh now does this for every document)."""
    target = db.session.get(Document, job.payload.get("document_id"))
    if target is None:
        raise JobFailed("Văn bản của lịch đổi tình trạng hiệu lực không còn.")
    refresh_document(target)
    db.session.commit()
