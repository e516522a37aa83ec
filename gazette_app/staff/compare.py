"""A flagged document beside the record it resembles: the fields staff compare, each marked
when the two differ, and the abstracts diffed word by word (what one has and the other lacks)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from print_templates.dates import short_date

from ..models import Document


@dataclass(frozen=True)
class Segment:
    """A run of words of an abstract: ``kind`` is "same", "only_here" or "only_there"."""
    kind: str
    text: str


@dataclass(frozen=True)
class ComparedField:
    label: str
    here: str
    there: str

    @property
    def differs(self) -> bool:
        return self.here != self.there


def _day(value) -> str:
    return short_date(value) if value else "—"


def _fields(document: Document) -> list[tuple[str, str]]:
    pdf = document.file("pdf")
    return [("Số, ký hiệu", document.notation), ("Cơ quan ban hành", document.issuer.name),
            ("Loại văn bản", document.doc_type), ("Ngày ban hành", _day(document.issued)),
            ("Ngày hiệu lực", _day(document.effective)), ("Người ký", document.signer or "—"),
            ("Tình trạng hiệu lực", document.status_label), ("Trạng thái", document.state_label),
            ("Tệp PDF", f"{pdf.page_count or '?'} trang" if pdf else "chưa có"),
            ("Nguồn", document.source_url or "—")]


def compare_fields(here: Document, there: Document) -> list[ComparedField]:
    """The two records field by field (the abstract apart: see ``abstract_diff``)."""
    return [ComparedField(label, mine, theirs)
            for (label, mine), (_, theirs) in zip(_fields(here), _fields(there), strict=True)]


def abstract_diff(here: str, there: str) -> tuple[list[Segment], list[Segment]]:
    """Each abstract as runs of words, those absent from the other one marked: the left list
    for ``here``, the right for ``there``."""
    mine, theirs = here.split(), there.split()
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=mine, b=theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.append(Segment("same", " ".join(mine[i1:i2])))
            right.append(Segment("same", " ".join(theirs[j1:j2])))
            continue
        if i2 > i1:
            left.append(Segment("only_here", " ".join(mine[i1:i2])))
        if j2 > j1:
            right.append(Segment("only_there", " ".join(theirs[j1:j2])))
    return left, right
