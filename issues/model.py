"""Plain data the engine takes and returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from print_templates.dates import short_date

PART_TITLES = {"legal": "PHẦN VĂN BẢN QUY PHẠM PHÁP LUẬT", "other": "PHẦN VĂN BẢN KHÁC"}


@dataclass(frozen=True)
class IssueDocument:
    """One document to place in an issue, with its PDF."""

    key: str  # the caller's identifier (the database id)
    notation: str  # "37/2026/QĐ-UBND"
    type_name: str  # "Quyết định"
    doc_type: str  # "Quyết định của UBND tỉnh", as registered
    issuer: str  # "UBND tỉnh"
    issued: date
    abstract: str
    legal: bool
    seq: int
    pdf_path: Path

    @property
    def part(self) -> str:
        return "legal" if self.legal else "other"


@dataclass(frozen=True)
class IssueSpec:
    """What to compose: numbers ("Số 44 + 45"), date and documents in their final order."""

    year: int
    numbers: tuple[int, ...]
    date: date
    documents: tuple[IssueDocument, ...]
    first_page: int = 1  # printed number of the cover: >1 when pages run through the year
    public_url: str = ""  # the issue's public page, encoded in the cover's QR code

    @property
    def label(self) -> str:
        return "Số " + " + ".join(f"{n:02d}" for n in self.numbers)

    @property
    def running_header(self) -> str:
        """"CÔNG BÁO/Số 12/Ngày 20-01-2026", "CÔNG BÁO/Số 04/Ngày 20-5-2026"."""
        numbers = " + ".join(f"{n:02d}" for n in self.numbers)
        return f"CÔNG BÁO/Số {numbers}/Ngày {short_date(self.date, '-')}"


@dataclass(frozen=True)
class ContentsEntry:
    key: str
    part: str
    heading: str  # the issuing authority's heading in the contents
    notation: str
    line: str  # "Quyết định số 37/2026/QĐ-UBND ... <abstract>"
    issued: date
    start_page: int  # physical page in the issue PDF (the cover is page 1)
    page_count: int
    printed_page: int  # the number printed in the contents (offset in year-continuous mode)


@dataclass
class ComposedIssue:
    path: Path
    page_count: int
    front_pages: int  # cover and contents
    entries: list[ContentsEntry] = field(default_factory=list)


class CompositionError(ValueError):
    """A document that cannot be placed; ``message`` is Vietnamese, for the user."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key
