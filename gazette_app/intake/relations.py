"""Relations named in an abstract or body: "Bãi bỏ Quyết định số 90/2025/QĐ-UBND ngày ...",
"Sửa đổi, bổ sung ... Nghị quyết số 25/2021/NQ-HĐND", "thay thế", "đính chính", "hướng dẫn"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from search_index.analysis import fold

KINDS = (  # checked in order: the first verb found before the notation, in the same clause
    ("corrects", ("dinh chinh",)),
    ("suspends", ("ngung hieu luc", "tam ngung")),
    ("repeals", ("bai bo", "huy bo", "het hieu luc")),
    ("replaces", ("thay the",)),
    ("amends", ("sua doi", "bo sung", "dieu chinh")),
    ("guides", ("huong dan", "quy dinh chi tiet", "huong dan thi hanh")),
)
_CITED = re.compile(
    r"(Quyết định|Nghị quyết|Chỉ thị|Kế hoạch|Quy định|Quy chế|Thông tư|Nghị định|Luật)"
    r"\s+số\s+([0-9]{1,5}(?:\.[0-9]+)?/(?:[0-9]{4}/)?[A-Za-zĐđ]{1,5}-[A-Za-zĐđ0-9]+(?: [A-ZĐ]+)?)"
    r"(?:\s+ngày\s+(?:([0-9]{1,2}/[0-9]{1,2}/[0-9]{4})|"
    r"([0-9]{1,2})\s+tháng\s+([0-9]{1,2})\s+năm\s+([0-9]{4})))?")
# Words between the verb and the citation that make a repeal partial: "Bãi bỏ Điều 3 của ...".
PARTIAL = ("dieu ", "khoan ", "diem ", "mot phan", "mot so noi dung", "mot so dieu", "chuong ")


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
    target_date: str  # "24/8/2025" (also when written "ngày 24 tháng 8 năm 2025"), or ""
    partial: bool = False  # only some articles or clauses are concerned

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
        written = match.group(3) or (
            f"{int(match.group(4))}/{int(match.group(5))}/{match.group(6)}" if match.group(4)
            else "")
        relation = ProposedRelation(kind, match.group(1), match.group(2), written,
                                    _partial(clause, kind))
        if relation not in found:
            found.append(relation)
    return found


def _clause_before(text: str, end: int) -> str:
    """The words before a citation back to the start of its sentence or clause."""
    start = max(text.rfind(mark, 0, end) for mark in (".", ";", "\n"))
    return fold(text[start + 1:end]).lower()


def _partial(clause: str, kind: str) -> bool:
    if kind not in ("repeals", "replaces", "suspends"):
        return False
    verbs = dict(KINDS)[kind]
    at = max(clause.rfind(verb) for verb in verbs)
    return any(word in clause[at:] for word in PARTIAL)


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
