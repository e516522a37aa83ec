"""The public record as people read it, shared by the public pages and the API: a public
document's readable address, its citation, its relations the public may follow, and search hits
described with their issuer, today's status and where they were published (one query for a
page of hits)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import defer, selectinload

from search_index.model import Hit

from .extensions import db
from .models import Document, DocumentRelation, IssueEntry, public_documents
from .security import absolute_url, public_url_for
from .services.titles import title_name
from .vocabulary import document_title


def public_document_or_404(document_id: int) -> Document:
    """The document if the public may see it (``Document.is_public``); 404 otherwise, never
    403: an unpublished document does not exist for the public. Pages and API alike."""
    document = db.session.get(Document, document_id)
    if document is None or not document.is_public:
        abort(404)
    return document


def document_url(document: Document, **kwargs) -> str:
    return url_for("public.document_page", issuer=document.issuer.code, year=document.year,
                   slug=document.slug, **kwargs)


def citation(document: Document) -> str | None:
    """"Công báo tỉnh Sơn La, Số 12/2026, tr. 23" (like the Federal Register's "88 FR 12345")."""
    entry = document.published_entry
    if entry is None:
        return None
    numbers = " + ".join(f"{n:02d}" for n in entry.issue.number_list)
    return (f"{title_name(entry.issue.title)}, Số {numbers}/"
            f"{entry.issue.year}, tr. {document.published_page}")


def public_relations(doc: Document) -> tuple[list[DocumentRelation], set[int]]:
    """The confirmed relations of a document both ways, and which related documents are
    public (the page and the API link only those)."""
    relations = db.session.scalars(select(DocumentRelation).where(
        DocumentRelation.confirmed.is_(True), or_(
            DocumentRelation.source_id == doc.id, DocumentRelation.target_id == doc.id))
        .order_by(DocumentRelation.id)).all()
    related = {r.source_id for r in relations} | {r.target_id for r in relations if r.target_id}
    public_ids = set(db.session.scalars(select(Document.id).where(
        Document.id.in_(related), public_documents())))
    # A relation from a document the public cannot see yet is not shown (its effect on the
    # status is, once it takes effect: the history names the document).
    return [r for r in relations if r.source_id == doc.id or r.source_id in public_ids], \
        public_ids



@dataclass
class HitView:
    """A search hit as the site and the app show it: its title with the issuer, today's
    status, and where it was published, read from the database (the index may be a day old
    on statuses, and never knows the readable URL)."""
    hit: Hit
    title: str
    type_name: str
    status: str
    status_label: str
    url: str
    issue_label: str | None = None  # "Số 12/2026"
    issue_year: int | None = None
    issue_number: int | None = None
    page: int | None = None
    issue_url: str | None = None

    @property
    def publication(self) -> str | None:
        """"Công báo Số 12/2026, tr. 23"."""
        if not self.issue_label:
            return None
        return f"Công báo {self.issue_label}" + (f", tr. {self.page}" if self.page else "")


def describe_hits(hits: list[Hit], external: bool = False) -> list[HitView]:
    """One query for the page of hits; a hit whose document went away is left out."""
    documents = {d.id: d for d in db.session.scalars(select(Document).where(
        Document.id.in_([h.id for h in hits])).options(
            defer(Document.body_text),  # long, and the index gave the snippets already
            selectinload(Document.entries).selectinload(IssueEntry.issue),
            # today's status reads the relations acting on each hit: loaded with the page
            selectinload(Document.acted_on_by).selectinload(DocumentRelation.source)))}
    views = []
    for hit in hits:
        document = documents.get(hit.id)
        if document is None:
            continue
        view = HitView(hit=hit, title=document_title(document.type_name, document.notation,
                                                     document.issuer.name),
                       type_name=document.type_name, status=document.current_status,
                       status_label=document.status_label,
                       url=absolute_url(document_url(document)) if external
                       else document_url(document))
        entry = document.published_entry
        if entry is not None:
            issue = entry.issue
            view.issue_label = issue.title_label
            view.issue_year, view.issue_number = issue.year, issue.first_number
            view.page = document.published_page
            view.issue_url = (public_url_for if external else url_for)(
                "public.issue_page", **issue.address)
        views.append(view)
    return views
