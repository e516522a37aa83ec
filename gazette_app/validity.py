"""A document's validity on any day, from its dates and the confirmed relations that act on it.

Validity is never a frozen label: a decision "có hiệu lực từ ngày 12/08/2026" is "Chưa có hiệu
lực" until 11/08 and "Còn hiệu lực" from 12/08; it is "Hết hiệu lực" from its ``expires`` date;
a later document that repeals or replaces it ends it (in part when only some articles are
concerned) from that document's own effective date; one that suspends it suspends it. What the
source feed or staff recorded and no date explains ("Hết hiệu lực" with no date) is kept as a
recorded status that holds from the start.

This module is pure (no database, no clock): ``timeline`` lists the changes, ``status_on`` reads
the status of a day from them. ``services.statuses`` keeps the stored status (which the search
index filters and counts on) equal to ``status_on(today)`` every day.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .vocabulary import STATUS_LABELS

# Statuses that dates cannot produce: recorded as they are when a feed or staff say so.
RECORDED_STATUSES = ("expired", "partly_expired", "suspended", "partly_suspended")
# What a confirmed relation does to its target, by (kind, partial).
RELATION_EFFECT = {
    ("repeals", False): "expired", ("replaces", False): "expired",
    ("repeals", True): "partly_expired", ("replaces", True): "partly_expired",
    ("suspends", False): "suspended", ("suspends", True): "partly_suspended",
}
# When several changes hold on one day, the strongest decides.
STRENGTH = {"not_yet_in_force": 0, "in_force": 1, "partly_expired": 2, "partly_suspended": 3,
            "suspended": 4, "expired": 5}
RELATION_VERBS = {"repeals": "bãi bỏ", "replaces": "thay thế", "suspends": "ngưng hiệu lực"}


@dataclass(frozen=True)
class Acting:
    """A confirmed relation acting on the document: what the source is and when it starts."""

    kind: str
    partial: bool
    source_label: str  # "Quyết định số 12/2026/QĐ-UBND"
    starts: date  # the source's effective date (its issued date when it has none)
    source_id: int | None = None


@dataclass(frozen=True)
class StatusChange:
    starts: date | None  # None: recorded without a date, holds from the start
    status: str
    reason: str  # Vietnamese, for the document's page
    source_id: int | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def timeline(issued: date, effective: date | None, expires: date | None,
             recorded: str | None, acting: Iterable[Acting]) -> list[StatusChange]:
    """Every change of the document's status, in date order."""
    starts = effective or issued
    changes = []
    if starts > issued:
        changes.append(StatusChange(issued, "not_yet_in_force",
                                    "văn bản được ban hành, hiệu lực từ ngày ghi trong văn bản"))
    changes.append(StatusChange(starts, "in_force", "ngày có hiệu lực của văn bản"))
    if expires is not None:
        changes.append(StatusChange(expires, "expired",
                                    "hết thời hạn có hiệu lực ghi trong văn bản"))
    if recorded in RECORDED_STATUSES:
        changes.append(StatusChange(None, recorded, "theo hồ sơ của văn bản (không rõ ngày)"))
    for relation in acting:
        status = RELATION_EFFECT.get((relation.kind, relation.partial))
        if status is None:
            continue
        part = " một phần" if relation.partial else ""
        changes.append(StatusChange(
            relation.starts, status,
            f"bị {RELATION_VERBS[relation.kind]}{part} bởi {relation.source_label}",
            relation.source_id))
    changes.sort(key=lambda c: (c.starts or date.min, STRENGTH[c.status]))
    return changes


def status_on(changes: list[StatusChange], day: date) -> str:
    """The status on ``day``: the strongest of the changes that hold by then (before the first
    change, the document is not yet in force)."""
    holding = [c for c in changes if c.starts is None or c.starts <= day]
    if not holding:
        return "not_yet_in_force"
    return max(holding, key=lambda c: STRENGTH[c.status]).status
