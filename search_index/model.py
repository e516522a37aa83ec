"""Plain data of the search engine: what is indexed, what is asked, what comes back."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MAX_PAGE_SIZE = 50
MAX_RESULTS = 1000  # deeper pages are refused: refine the query or use filters
# Matches are counted exactly up to this many; above it the total is "more than 10,000"
# (``total_relation`` "gte", as Elasticsearch's track_total_hits) and facets are counted on
# the first COUNT_CAP matches. Counting every match of common syllables is what made search
# slow at 100,000 documents and more (README, bench section).
COUNT_CAP = 10_000
FACETS = ("issuer", "doc_type", "year", "status")


@dataclass(frozen=True)
class SearchDocument:
    id: int
    notation: str
    abstract: str
    body: str
    issuer: str  # display name: "UBND tỉnh"
    issuer_code: str  # "ubnd-tinh"
    doc_type: str
    legal: bool
    signer: str
    field: str
    status: str  # code: "in_force"
    issued: date
    year: int
    issue_numbers: tuple[int, ...] = ()
    issue_year: int | None = None
    page: int | None = None
    gazette: str = ""  # the gazette title it was published in (the caller's key for it)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    issuer: str | None = None  # issuer code
    doc_type: str | None = None
    legal: bool | None = None
    status: str | None = None
    field: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    year: int | None = None
    issue: int | None = None  # issue number (with ``year`` for the issue's year)
    gazette: str | None = None  # one gazette title's documents only (None: every title)
    sort: str = "relevance"  # relevance | date
    page: int = 1
    size: int = 20


@dataclass
class Hit:
    id: int
    score: float
    notation: str
    issuer: str
    issuer_code: str
    doc_type: str
    issued: date
    abstract: str
    status: str
    legal: bool
    highlights: dict[str, str] = field(default_factory=dict)  # field -> HTML with <mark>


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    page: int
    size: int
    suggestion: str | None = None  # "did you mean", from the index vocabulary
    relaxed: bool = False  # no document had every word: results have any of them
    total_relation: str = "eq"  # "gte": more than ``total`` match (the count stopped at the cap)

    @property
    def total_is_capped(self) -> bool:
        return self.total_relation == "gte"

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_RESULTS)
        return max(1, -(-reachable // self.size))
