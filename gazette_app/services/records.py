"""Importing document metadata from a records feed (JSON Lines, one document a line).

Idempotent: each record is identified by its source (URL, or the hash of the record), so a
second run adds nothing. A document is keyed by issuer + notation + year; a record whose key is
already taken, or whose abstract is near-identical to another of the same issuer and date, is
added but flagged for staff review rather than silently doubled or dropped.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import cast

from marshmallow import ValidationError
from sqlalchemy import select

from search_index.analysis import fold_key, slugify

from .. import clock
from ..extensions import db
from ..models import Document, DuplicateFlag, Issuer
from ..notation import parse_notation
from ..schemas.records import ImportRecordSchema, first_error
from ..validity import RECORDED_STATUSES
from ..vocabulary import issuer_display_name, issuer_level
from .audit import record

# Measured on the Sơn La feed: 0.99 catches "V/v ..." vs "Về việc ..." and "khóa" vs "Khóa",
# while 0.97 already flags distinct resolutions ("bầu Chủ tịch" vs "bầu Phó Chủ tịch").
SIMILAR_ABSTRACT_RATIO = 0.99
_VV = re.compile(r"(?i)\bv/v\b")


@dataclass
class ImportSummary:
    added: int = 0
    unchanged: int = 0
    flagged: list[tuple[int, str, str]] = field(default_factory=list)  # line, notation, why
    rejected: list[tuple[int, str]] = field(default_factory=list)  # line, reason

    def lines(self) -> list[str]:
        out = [f"added: {self.added}", f"unchanged: {self.unchanged}",
               f"flagged: {len(self.flagged)}", f"rejected: {len(self.rejected)}"]
        out += [f"  flagged line {n}: {notation}: {why}" for n, notation, why in self.flagged]
        out += [f"  rejected line {n}: {why}" for n, why in self.rejected]
        return out


def abstract_key(abstract: str) -> str:
    """Compare abstracts without accents, case, punctuation or the "V/v"/"Về việc" opening."""
    return re.sub(r"^ve viec ", "", fold_key(_VV.sub("về việc", abstract)))


def source_ref(data: dict) -> str:
    identity = data.get("source_url") or json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def get_or_create_issuer(raw_name: str) -> Issuer:
    name = issuer_display_name(raw_name)
    issuer = db.session.scalar(select(Issuer).where(Issuer.name == name))
    if issuer is None:
        issuer = Issuer(name=name, code=slugify(name), level=issuer_level(name))
        db.session.add(issuer)
        db.session.flush()
    return issuer


def import_records(lines: Iterable[str]) -> ImportSummary:
    """Import every valid line in one unit of work; bad lines are reported, never fatal."""
    summary = ImportSummary()
    schema = ImportRecordSchema()
    for line_no, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            summary.rejected.append(
                (line_no, f"not valid JSON ({error.msg}, column {error.colno})"))
            continue
        if not isinstance(data, dict):
            summary.rejected.append((line_no, "a line must hold one JSON object"))
            continue
        try:
            values = schema.load(data)
        except ValidationError as error:
            summary.rejected.append((line_no, first_error(cast(dict, error.messages))))
            continue
        _import_one(line_no, data, values, summary)
    db.session.commit()
    return summary


def _import_one(line_no: int, data: dict, values: dict, summary: ImportSummary) -> None:
    ref = source_ref(data)
    if db.session.scalar(select(Document.id).where(Document.source_ref == ref)) is not None:
        summary.unchanged += 1
        return
    document = build_document(values, get_or_create_issuer(values["issuer"]))
    document.source_ref = ref
    document.source_url = values["source_url"] or ""
    document.source_files = values["files"] or []
    flags = add_checked(document)
    if flags:
        summary.flagged.append((line_no, document.notation, "; ".join(
            f"{flag.reason_label} (#{flag.candidate_id})" for flag in flags)))
    else:
        summary.added += 1
    record("document.import", "document", document.id, after=document.audit_state(),
           note=f"records line {line_no}")


def build_document(values: dict, issuer: Issuer) -> Document:
    """A new Document from validated metadata (see DocumentFieldsSchema)."""
    notation = parse_notation(values["number"])
    document = Document(
        issuer=issuer,
        notation=values["number"],
        notation_key=notation.key,
        seq=notation.seq,
        year=notation.year or values["issued"].year,
        type_code=notation.type_code,
        issuer_code=notation.issuer_code,
        legal=notation.legal,
        doc_type=values["doc_type"],
        abstract=values["abstract"],
        signer=values["signer"] or "",
        issued=values["issued"],
        effective=values["effective"],
        expires=values["expires"],
        field=values["field"] or "",
        recorded_status=values["status"] if values["status"] in RECORDED_STATUSES else None,
    )
    document.status = document.status_on(clock.today())
    return document


def add_checked(document: Document) -> list[DuplicateFlag]:
    """Add a new document to the session, flagged for review when it looks like a duplicate."""
    db.session.add(document)
    db.session.flush()
    flags = find_probable_duplicates(document)
    for flag in flags:
        db.session.add(flag)
    if flags:
        document.review = "flagged"
    return flags


def find_probable_duplicates(document: Document) -> list[DuplicateFlag]:
    """Flags against earlier documents: same issuer + notation + year, or same issuer and date
    with a near-identical abstract."""
    same_key = db.session.scalars(select(Document).where(
        Document.issuer_id == document.issuer_id, Document.notation_key == document.notation_key,
        Document.year == document.year, Document.id != document.id)).all()
    same_day = db.session.scalars(select(Document).where(
        Document.issuer_id == document.issuer_id, Document.issued == document.issued,
        Document.id != document.id)).all()
    mine = abstract_key(document.abstract)
    flags: dict[int, DuplicateFlag] = {}
    for other in same_key:
        ratio = SequenceMatcher(None, mine, abstract_key(other.abstract)).ratio()
        flags[other.id] = DuplicateFlag(document_id=document.id, candidate_id=other.id,
                                        reason="same_notation", similarity=round(ratio, 3))
    for other in same_day:
        if other.id in flags:
            continue
        ratio = SequenceMatcher(None, mine, abstract_key(other.abstract)).ratio()
        if ratio >= SIMILAR_ABSTRACT_RATIO:
            flags[other.id] = DuplicateFlag(document_id=document.id, candidate_id=other.id,
                                            reason="similar_abstract", similarity=round(ratio, 3))
    return list(flags.values())
