"""What a document looks like to the search index, and putting the current state of some
documents into an index: the one step every way of keeping an index in step shares (the
outbox drained by one server, the change log followed by each server, a rebuild)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from search_index.backend import SearchBackend
from search_index.model import SearchDocument

from .models import Document, IssueEntry, IssueState, public_documents

BATCH = 2000


def to_search_document(document: Document, entry: IssueEntry | None) -> SearchDocument:
    published = entry is not None and entry.issue.state == IssueState.PUBLISHED
    return SearchDocument(
        id=document.id, notation=document.notation, abstract=document.abstract,
        body=document.body_text or "", issuer=document.issuer.name,
        issuer_code=document.issuer.code, doc_type=document.doc_type, legal=document.legal,
        signer=document.signer or "", field=document.field or "", status=document.status,
        issued=document.issued, year=document.year,
        issue_numbers=tuple(entry.issue.number_list) if published and entry is not None else (),
        issue_year=entry.issue.year if published and entry is not None else None,
        page=(entry.issue.first_page + entry.start_page - 1)
        if published and entry is not None and entry.start_page else None,
        gazette=entry.issue.title.slug if published and entry is not None else "")


def _entries(session: Session, ids: list[int]) -> dict[int, IssueEntry]:
    rows = session.scalars(select(IssueEntry).where(IssueEntry.document_id.in_(ids))).all()
    return {row.document_id: row for row in rows}


def _indexed(backend: SearchBackend, session: Session, documents: list[Document]) -> int:
    entries = _entries(session, [d.id for d in documents])
    return backend.index(to_search_document(d, entries.get(d.id)) for d in documents)


def apply_documents(backend: SearchBackend, session: Session, ids: Iterable[int]) -> int:
    """Give the index the documents' state now: public ones (re)indexed, the rest removed.
    Applying the same ids twice gives the same index, so a change seen twice does no harm."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start:start + BATCH]
        documents = session.scalars(select(Document).where(Document.id.in_(chunk))
                                    .options(selectinload(Document.issuer))).all()
        keep = [d for d in documents if d.is_public]
        if keep:
            _indexed(backend, session, keep)
        gone = set(chunk) - {d.id for d in keep}
        if gone:
            backend.delete(gone)
    return len(wanted)


def index_public(backend: SearchBackend, session: Session,
                 progress: Callable[[int], object] | None = None) -> int:
    """Index every public document, BATCH at a time in id order (the index was cleared)."""
    total, last_id = 0, 0
    while True:
        documents = list(session.scalars(select(Document).where(
            Document.id > last_id, public_documents()).order_by(Document.id)
            .limit(BATCH).options(selectinload(Document.issuer))).all())
        if not documents:
            return total
        total += _indexed(backend, session, documents)
        last_id = documents[-1].id
        session.expunge_all()  # a rebuild of a large archive holds one batch at a time
        if progress:
            progress(len(documents))
