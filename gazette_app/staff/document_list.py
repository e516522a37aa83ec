"""The staff documents list: sortable by a whitelisted column, with each document's issue and
page ("Số 04, tr. 12") loaded with the page of rows, not one query per row."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..models import Document, Issue, IssueEntry, Issuer

# URL name -> (column heading, the column ordered by). Only these are accepted: anything else
# in ?sap= falls back to the default order.
SORTS = {
    "so-ky-hieu": ("Số ký hiệu", Document.notation_key),
    "co-quan": ("Cơ quan", Issuer.name),
    "ngay-ban-hanh": ("Ngày ban hành", Document.issued),
    "tiep-nhan": ("Tiếp nhận", Document.received_at),
    "trang-thai": ("Trạng thái", Document.state),
}
DEFAULT_SORT = ("ngay-ban-hanh", "giam")


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @property
    def direction(self) -> str:
        return "giam" if self.descending else "tang"

    def link_args(self, key: str) -> dict[str, str]:
        """The ?sap=&chieu= of a column heading's link: the same column flips direction."""
        flip = "tang" if key == self.key and self.descending else "giam"
        return {"sap": key, "chieu": flip if key == self.key else "tang", "page": "1"}


def parse_sort(key: str, direction: str) -> Sort:
    if key not in SORTS:
        key, direction = DEFAULT_SORT
    return Sort(key, direction != "tang")


def sorted_query(conditions: list, sort: Sort) -> Select:
    """Documents matching ``conditions`` in the chosen order (ties broken by id, so that pages
    never overlap), with their issue entries loaded for the issue/page column."""
    column = SORTS[sort.key][1]
    query = select(Document).where(*conditions)
    if sort.key == "co-quan":
        query = query.join(Issuer, Issuer.id == Document.issuer_id)
    order = column.desc() if sort.descending else column.asc()
    tie = Document.id.desc() if sort.descending else Document.id.asc()
    return query.order_by(order, tie).options(
        selectinload(Document.entries).joinedload(IssueEntry.issue)
        .selectinload(Issue.numbers))


def issue_place(document: Document) -> str:
    """"Số 04, tr. 12" for a published document; "Số 05 (bản nháp)" while it waits in an issue
    being prepared; "" when it is in none."""
    entry = document.published_entry
    if entry is not None:
        page = document.published_page
        return f"{entry.issue.label}, tr. {page}" if page else entry.issue.label
    pending = next((e for e in document.entries if e.issue.state != "published"), None)
    if pending is not None:
        return f"{pending.issue.label} ({pending.issue.state_label.lower()})"
    return ""
