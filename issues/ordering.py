"""The order of documents in an issue (practice of provincial gazettes):
legal part first, then other documents; inside a part by issuing authority
(HĐND tỉnh, Thường trực HĐND tỉnh, UBND tỉnh, Chủ tịch UBND tỉnh, then communes), then by date
and number."""
from __future__ import annotations

from dataclasses import dataclass

from search_index.analysis import fold

from .model import IssueDocument


@dataclass(frozen=True)
class Authority:
    rank: int
    heading: str  # as printed in the contents


def name_key(text: str) -> str:
    """How organs and types compare and sort: without marks, case-folded."""
    return fold(text).casefold()


def authority(issuer: str, doc_type: str) -> Authority:
    """The authority that signs, from the issuing organ and the registered type."""
    organ, kind = name_key(issuer), name_key(doc_type)
    if " xa " in f" {organ} " or " phuong " in f" {organ} ":
        council = organ.startswith("hdnd")
        place = issuer.split(" ", 1)[1] if " " in issuer else issuer
        body = "HỘI ĐỒNG NHÂN DÂN" if council else "ỦY BAN NHÂN DÂN"
        return Authority(4 if council else 5, f"{body} {place.upper()}")
    if "thuong truc hdnd" in kind:
        return Authority(1, "THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN TỈNH")
    if organ.startswith("hdnd"):
        return Authority(0, "HỘI ĐỒNG NHÂN DÂN TỈNH")
    if "chu tich ubnd" in kind:
        return Authority(3, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH")
    if organ.startswith("ubnd"):
        return Authority(2, "ỦY BAN NHÂN DÂN TỈNH")
    return Authority(6, issuer.upper())


def sort_key(document: IssueDocument) -> tuple:
    auth = authority(document.issuer, document.doc_type)
    return (0 if document.legal else 1, auth.rank, name_key(document.issuer), document.issued,
            document.seq, document.notation)


def order_documents(documents: list[IssueDocument]) -> list[IssueDocument]:
    """The default order; staff may reorder before approval."""
    return sorted(documents, key=sort_key)
