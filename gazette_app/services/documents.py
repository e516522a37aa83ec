"""Changing registered documents: metadata corrections and duplicate review."""
from __future__ import annotations

from ..extensions import db
from ..models import Document, DuplicateFlag, User
from ..models.types import utcnow
from ..notation import parse_notation
from .audit import record


def update_metadata(document: Document, values: dict) -> None:
    """Apply validated metadata (DocumentFieldsSchema) and audit what changed."""
    before = document.audit_state()
    notation = parse_notation(values["number"])
    document.notation = values["number"]
    document.notation_key = notation.key
    document.seq = notation.seq
    document.year = notation.year or values["issued"].year
    document.type_code = notation.type_code
    document.issuer_code = notation.issuer_code
    document.legal = notation.legal
    for name in ("doc_type", "abstract", "issued", "effective", "expires"):
        setattr(document, name, values[name])
    document.signer = values["signer"] or ""
    document.field = values["field"] or ""
    document.status = values["status"] or "in_force"
    after = document.audit_state()
    if after != before:
        record("document.update", "document", document.id, before=before, after=after)
    db.session.commit()


def resolve_flag(flag: DuplicateFlag, resolution: str, actor: User) -> None:
    """"distinct": both stay; "duplicate": the flagged document is withdrawn, nothing deleted."""
    document = flag.document
    before = document.audit_state()
    flag.resolved_at = utcnow()
    flag.resolution = resolution
    flag.resolved_by_id = actor.id
    if resolution == "duplicate":
        document.state = "withdrawn"
    if not document.open_flags:
        document.review = "ok"
    record("document.review", "document", document.id, before=before,
           after=document.audit_state(),
           note=f"duplicate flag #{flag.id} against #{flag.candidate_id}: {resolution}")
    db.session.commit()
