"""Citations of the gazette: "Công báo tỉnh Sơn La, Số 12/2026, tr. 23" names an issue and a
printed page, as "88 FR 12345" does for the Federal Register. The lookup finds the document
printed on that page (or says what else the page is: cover, contents, colophon)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from search_index.analysis import fold

from ..extensions import db
from ..models import Document, Issue, IssueEntry, IssueNumber, published_issues

# Folded text: "so 12/2026, tr. 23", "so 02 + 03/2026 tr 5", "so 12/2026 trang 23".
_CITATION = re.compile(r"\bso\s*(\d{1,4})(?:\s*\+\s*\d{1,4})*\s*/\s*(\d{4})\s*[,;]?\s*"
                       r"(?:tr\.?|trang)\s*(\d{1,6})\b")


# The written form, for the API's OpenAPI document: every string it admits is read by
# parse_citation (which also takes unaccented and looser forms).
JSON_SCHEMA_PATTERN = (r"^(Công báo[^,\x00-\x1f\x7f]{0,80}, )?"
                       r"Số [1-9][0-9]{0,3}( \+ [0-9]{1,4})*/[0-9]{4}, "
                       r"tr\. [1-9][0-9]{0,5}$")


class CitationError(ValueError):
    """A citation that cannot be read or leads nowhere; the message is Vietnamese."""


@dataclass(frozen=True)
class Citation:
    year: int
    number: int
    page: int

    @property
    def text(self) -> str:
        return f"Số {self.number:02d}/{self.year}, tr. {self.page}"


@dataclass
class CitationResult:
    citation: Citation
    issue: Issue
    document: Document | None
    where: str  # document | front | colophon

    @property
    def page_in_pdf(self) -> int:
        """The physical page of the issue PDF (to open it there)."""
        return self.citation.page - self.issue.first_page + 1


def parse_citation(text: str) -> Citation:
    match = _CITATION.search(fold(text or "").lower())
    if match is None:
        raise CitationError("Không đọc được trích dẫn; viết theo dạng “Số 12/2026, tr. 23”.")
    number, year, page = (int(group) for group in match.groups())
    if number < 1 or page < 1:
        raise CitationError("Số Công báo và số trang phải lớn hơn 0.")
    return Citation(year, number, page)


def lookup(citation: Citation) -> CitationResult:
    issue = db.session.scalar(select(Issue).join(IssueNumber).where(
        IssueNumber.year == citation.year, IssueNumber.number == citation.number,
        published_issues()))
    if issue is None:
        raise CitationError(f"Không có Số {citation.number:02d}/{citation.year} đã phát hành.")
    last = issue.last_page or issue.first_page
    if not issue.first_page <= citation.page <= last:
        raise CitationError(f"{issue.label}/{issue.year} có các trang {issue.first_page}–{last}; "
                            f"không có trang {citation.page}.")
    physical = citation.page - issue.first_page + 1
    entry = db.session.scalar(select(IssueEntry).where(
        IssueEntry.issue_id == issue.id, IssueEntry.start_page <= physical,
        IssueEntry.start_page + IssueEntry.page_count > physical))
    if entry is not None:
        return CitationResult(citation, issue, entry.document, "document")
    first = min((e.start_page for e in issue.entries if e.start_page), default=physical + 1)
    return CitationResult(citation, issue, None, "front" if physical < first else "colophon")


def resolve(text: str) -> CitationResult:
    return lookup(parse_citation(text))
