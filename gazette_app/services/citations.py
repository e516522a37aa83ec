"""Citations of the gazette: "Công báo tỉnh Sơn La, Số 12/2026, tr. 23" names an issue and a
printed page, as "88 FR 12345" does for the Federal Register. The lookup finds the document
printed on that page (or says what else the page is: cover, contents, colophon). A citation
that names a former province's Công báo ("Công báo tỉnh Bình Phước, Số 45/2024, tr. 12") is
looked up in that title; any other in the current one."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from search_index.analysis import fold

from ..extensions import db
from ..models import Document, GazetteTitle, Issue, IssueEntry
from .titles import former_titles, published_issue

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
    named: str = ""  # the words before "Số", folded: they may name a former title

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
    def text(self) -> str:
        """The citation as written, with a former title's name: "Công báo tỉnh Bình Phước,
        Số 20/2024, tr. 3"."""
        own = self.citation.text
        return own if self.issue.title.current else f"{self.issue.title.name}, {own}"

    @property
    def page_in_pdf(self) -> int:
        """The physical page of the issue PDF (to open it there)."""
        return self.citation.page - self.issue.first_page + 1


def parse_citation(text: str) -> Citation:
    folded = fold(text or "").lower()
    match = _CITATION.search(folded)
    if match is None:
        raise CitationError("Không đọc được trích dẫn; viết theo dạng “Số 12/2026, tr. 23”.")
    number, year, page = (int(group) for group in match.groups())
    if number < 1 or page < 1:
        raise CitationError("Số Công báo và số trang phải lớn hơn 0.")
    return Citation(year, number, page, folded[:match.start()].strip()[-200:])


def _title_named(prefix: str) -> GazetteTitle | None:
    """The former title a citation's words before "Số" name ("công báo tỉnh bình phước")."""
    for title in former_titles():
        if re.search(rf"\b{re.escape(fold(title.province).lower())}\b", prefix):
            return title
    return None


def lookup(citation: Citation) -> CitationResult:
    title = _title_named(citation.named) if citation.named else None
    issue = published_issue(title, citation.year, citation.number)
    if issue is None:
        raise CitationError(f"Không có {title.name + ', ' if title else ''}"
                            f"Số {citation.number:02d}/{citation.year} đã phát hành.")
    last = issue.last_page or issue.first_page
    if not issue.first_page <= citation.page <= last:
        raise CitationError(f"{issue.title_label} có các trang {max(issue.first_page, 1)}–"
                            f"{last}; không có trang {citation.page}.")
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
