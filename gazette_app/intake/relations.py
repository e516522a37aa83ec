"""Relations named in an abstract or body: "Bãi bỏ Quyết định số 90/2025/QĐ-UBND ngày ...",
"Sửa đổi, bổ sung ... Nghị quyết số 25/2021/NQ-HĐND", "thay thế", "đính chính", "hướng dẫn"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from search_index.analysis import fold

KINDS = (  # checked in order: the first verb found before the notation, in the same clause
    ("corrects", ("dinh chinh",)),
    ("repeals", ("bai bo", "huy bo", "het hieu luc")),
    ("replaces", ("thay the",)),
    ("amends", ("sua doi", "bo sung", "dieu chinh")),
    ("guides", ("huong dan", "quy dinh chi tiet", "huong dan thi hanh")),
)
_CITED = re.compile(
    r"(Quyết định|Nghị quyết|Chỉ thị|Kế hoạch|Quy định|Quy chế|Thông tư|Nghị định|Luật)"
    r"\s+số\s+([0-9]{1,5}(?:\.[0-9]+)?/(?:[0-9]{4}/)?[A-Za-zĐđ]{1,5}-[A-Za-zĐđ0-9]+(?: [A-ZĐ]+)?)"
    r"(?:\s+ngày\s+([0-9]{1,2}/[0-9]{1,2}/[0-9]{4}))?")


# Words after the verb that make the citation a source, not a target: "công bố danh mục thủ
# tục ... quy định tại Nghị định số ...", "điều chỉnh mục tiêu ... thực hiện Nghị quyết số ...".
BLOCKERS = ("cong bo", "thuc hien", "quy dinh tai", "theo quy dinh", "can cu", "trien khai")
# A provincial or commune document can only amend or repeal one of a local organ.
LOCAL_ISSUERS = ("UBND", "HĐND", "HDND")


@dataclass(frozen=True)
class ProposedRelation:
    kind: str  # amends | replaces | repeals | corrects | guides
    target_type: str
    target_notation: str
    target_date: str  # as written, "24/8/2025", or ""

    @property
    def text(self) -> str:
        when = f" ngày {self.target_date}" if self.target_date else ""
        return f"{self.target_type} số {self.target_notation}{when}"


def extract_relations(text: str) -> list[ProposedRelation]:
    found: list[ProposedRelation] = []
    for match in _CITED.finditer(text):
        notation = match.group(2)
        if not notation.upper().replace(" ", "").endswith(LOCAL_ISSUERS):
            continue
        clause = _clause_before(text, match.start())
        kind = _kind(clause)
        if kind is None:
            continue
        relation = ProposedRelation(kind, match.group(1), match.group(2), match.group(3) or "")
        if relation not in found:
            found.append(relation)
    return found


def _clause_before(text: str, end: int) -> str:
    """The words before a citation back to the start of its sentence or clause."""
    start = max(text.rfind(mark, 0, end) for mark in (".", ";", "\n"))
    return fold(text[start + 1:end]).lower()


def _kind(clause: str) -> str | None:
    best, position = None, -1
    for kind, verbs in KINDS:
        for verb in verbs:
            at = clause.rfind(verb)
            if at > position:
                best, position = kind, at
    if best is None or any(blocker in clause for blocker in BLOCKERS):
        return None
    return best
