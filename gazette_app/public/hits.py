"""Search hits as the public pages and the API show them: the document's title with its issuer,
today's status, where it was published, its readable URL (one query for a page of hits)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from search_index.model import Hit

from ..extensions import db
from ..models import Document, DocumentRelation, IssueEntry
from ..security import absolute_url, public_url_for
from ..vocabulary import document_title
from .documents import document_url


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
            view.issue_label = f"{issue.label}/{issue.year}"
            view.issue_year, view.issue_number = issue.year, issue.first_number
            view.page = document.published_page
            view.issue_url = (public_url_for if external else url_for)(
                "public.issue_page", year=issue.year, number=issue.first_number)
        views.append(view)
    return views
