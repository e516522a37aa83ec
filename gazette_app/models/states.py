"""Where a document and an issue are in the gazette's workflow, as enums stored as their
string values (the columns stay ``String(16)``; a StrEnum equals its value, so rows read back
as plain strings compare equal to the members).

A document is received, then ready (it has its PDF), then published in an issue, or withdrawn
(a duplicate). An issue is a draft, then approved (frozen), then published.
"""
from __future__ import annotations

import enum


class DocumentState(enum.StrEnum):
    RECEIVED = "received"
    READY = "ready"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return DOCUMENT_STATES[self]


class IssueState(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return ISSUE_STATES[self]


DOCUMENT_STATES: dict[str, str] = {
    DocumentState.RECEIVED: "Đã tiếp nhận",
    DocumentState.READY: "Sẵn sàng đăng",
    DocumentState.PUBLISHED: "Đã đăng Công báo",
    DocumentState.WITHDRAWN: "Loại bỏ (trùng)",
}
ISSUE_STATES: dict[str, str] = {
    IssueState.DRAFT: "Bản nháp",
    IssueState.APPROVED: "Đã duyệt",
    IssueState.PUBLISHED: "Đã phát hành",
}
