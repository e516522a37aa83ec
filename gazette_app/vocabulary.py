"""Controlled vocabularies of the gazette: statuses of validity, issuers' levels.

Codes are stored; Vietnamese labels are shown. Synonyms seen in real feeds are accepted.
"""
from __future__ import annotations

from search_index.analysis import fold_key, issuer_level, nfc  # noqa: F401 - issuer_level
# lives with the analysis (the search engine ranks the province's organs first) and is
# imported from here by the app

STATUS_LABELS: dict[str, str] = {
    "in_force": "Còn hiệu lực",
    "not_yet_in_force": "Chưa có hiệu lực",
    "expired": "Hết hiệu lực toàn bộ",
    "partly_expired": "Hết hiệu lực một phần",
    "suspended": "Ngưng hiệu lực",
    "partly_suspended": "Ngưng hiệu lực một phần",
}
_STATUS_SYNONYMS = {fold_key(label): code for code, label in STATUS_LABELS.items()} | {
    fold_key("Đang hiệu lực"): "in_force",
    fold_key("Có hiệu lực"): "in_force",
    fold_key("Hết hiệu lực"): "expired",
    fold_key("Ngưng hiệu lực toàn bộ"): "suspended",
}


def status_code(label: str | None) -> str | None:
    """Map a status as written in a feed ("Đang hiệu lực") to its code, None if unknown."""
    if not label:
        return None
    key = fold_key(label)
    if key in STATUS_LABELS:
        return key
    return _STATUS_SYNONYMS.get(key)


def issuer_display_name(raw: str) -> str:
    """"UBND Tỉnh" -> "UBND tỉnh": the level word (tỉnh, xã, phường) is written in lower case."""
    words = nfc(raw).split(" ")
    if len(words) > 1:
        words[1] = words[1].lower()
    return " ".join(words)


def document_title(doc_type: str, notation: str, issuer: str) -> str:
    """A document's name as the public says it: "Nghị quyết số 21/NQ-HĐND của HĐND xã Chiềng
    Hặc". The issuer is part of it: the same notation is used by the province and communes."""
    return f"{doc_type} số {notation} của {issuer}"


# The design system's tag colour for each status (green: in force, grey: no longer).
STATUS_TAGS: dict[str, str] = {
    "in_force": " govuk-tag--green",
    "not_yet_in_force": " govuk-tag--blue",
    "expired": " govuk-tag--grey",
    "partly_expired": " govuk-tag--yellow",
    "suspended": " govuk-tag--orange",
    "partly_suspended": " govuk-tag--yellow",
}
