"""Figures the province reports every quarter: documents received and published (legal and
other, per issuer and type), issues and pages, days from signature to publication, views and
downloads, searches (and those that found nothing), feedback received and answered."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..formatting import vn_number
from ..intake.circular02 import CHECKS
from ..models import (
    Document,
    DocumentState,
    Feedback,
    Issue,
    IssueEntry,
    Receipt,
    SearchLog,
    in_current_title,
    published_issues,
)
from .lateness import IssuerLateness, by_issuer

TOP = 10


@dataclass
class Report:
    start: date
    end: date  # exclusive
    label: str
    received: int = 0
    received_legal: int = 0
    published: int = 0
    published_legal: int = 0
    published_by_issuer: list[tuple[str, int]] = field(default_factory=list)
    published_by_type: list[tuple[str, int]] = field(default_factory=list)
    received_by_issuer: list[tuple[str, int]] = field(default_factory=list)
    issues: int = 0
    pages: int = 0
    average_days_to_publication: float | None = None
    most_viewed: list[tuple[str, str, int, int]] = field(default_factory=list)
    searches: int = 0
    searches_without_result: int = 0
    top_queries_without_result: list[tuple[str, int]] = field(default_factory=list)
    feedback_received: int = 0
    feedback_answered: int = 0
    issuer_late: int = 0  # received in the period, sent after the issuer's deadline
    office_late: int = 0  # received in the period, published (or still waiting) past its due date
    lateness_by_issuer: list[IssuerLateness] = field(default_factory=list)
    returned_to_issuer: int = 0  # receipts with an error sent back to the issuer (Art. 91)
    corrected_by_issuer: int = 0  # corrected copies received
    # Receipts of the period lacking what Circular 02/2025/TT-VPCP asks, per check code.
    circular_missing: dict[str, int] = field(default_factory=dict)

    @property
    def received_other(self) -> int:
        return self.received - self.received_legal

    @property
    def published_other(self) -> int:
        return self.published - self.published_legal

    def rows(self) -> list[tuple[str, str, object]]:
        """Every figure as (section, item, value), for the CSV export."""
        rows = [("Văn bản", "Tiếp nhận", self.received),
                ("Văn bản", "Tiếp nhận - QPPL", self.received_legal),
                ("Văn bản", "Tiếp nhận - văn bản khác", self.received_other),
                ("Văn bản", "Đã đăng Công báo", self.published),
                ("Văn bản", "Đã đăng - QPPL", self.published_legal),
                ("Văn bản", "Đã đăng - văn bản khác", self.published_other),
                ("Số Công báo", "Số phát hành", self.issues),
                ("Số Công báo", "Tổng số trang", self.pages),
                ("Thời gian", "Số ngày trung bình từ ký đến đăng",
                 "" if self.average_days_to_publication is None
                 else vn_number(self.average_days_to_publication, 1)),
                ("Tìm kiếm", "Lượt tìm kiếm", self.searches),
                ("Tìm kiếm", "Lượt không có kết quả", self.searches_without_result),
                ("Góp ý", "Nhận được", self.feedback_received),
                ("Góp ý", "Đã trả lời", self.feedback_answered),
                ("Đúng hạn", "Cơ quan ban hành gửi chậm", self.issuer_late),
                ("Đúng hạn", "Văn phòng đăng chậm", self.office_late),
                ("Sai sót khi tiếp nhận", "Gửi lại cơ quan ban hành", self.returned_to_issuer),
                ("Sai sót khi tiếp nhận", "Đã nhận bản sửa", self.corrected_by_issuer)]
        rows += [("Thông tư 02/2025/TT-VPCP", CHECKS[code], self.circular_missing.get(code, 0))
                 for code in CHECKS]
        rows += [("Đã đăng theo cơ quan", name, n) for name, n in self.published_by_issuer]
        rows += [("Đã đăng theo loại", name, n) for name, n in self.published_by_type]
        rows += [("Tiếp nhận theo cơ quan", name, n) for name, n in self.received_by_issuer]
        rows += [("Xem nhiều nhất (lượt xem / tải)", f"{notation} ({issuer})",
                  f"{views} / {downloads}") for notation, issuer, views, downloads
                 in self.most_viewed]
        rows += [("Tìm không thấy", query, n) for query, n in self.top_queries_without_result]
        rows += [("Gửi chậm / đăng chậm theo cơ quan", row.issuer,
                  f"{row.issuer_late} / {row.office_late} (trên {row.received})")
                 for row in self.lateness_by_issuer if row.issuer_late or row.office_late]
        return rows


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    if not 1 <= quarter <= 4:
        raise ValueError("quarter must be 1 to 4")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def _instant(day: date) -> datetime:
    return clock.start_of_day(day)


def latest_quarter_with_data(today: date) -> tuple[int, int]:
    """(year, quarter) of the latest receipt or published issue, not after ``today``; today's
    quarter when there is none (a new gazette)."""
    received = db.session.scalar(select(func.max(Document.received_at)).where(
        Document.received_at < _instant(today + timedelta(days=1))))
    issued = db.session.scalar(select(func.max(Issue.date)).where(
        published_issues(), in_current_title(), Issue.date <= today))
    days = [d for d in (clock.local_day(received) if received else None, issued) if d]
    latest = max(days) if days else today
    return latest.year, (latest.month - 1) // 3 + 1


def build_report(start: date, end: date, label: str) -> Report:
    report = Report(start=start, end=end, label=label)
    begin, finish = _instant(start), _instant(end)
    # The office's own work: a former title's past issues, brought in from their PDFs, were
    # neither received nor published by this office.
    imported = select(IssueEntry.document_id).join(Issue).where(~in_current_title())
    received = db.session.scalars(select(Document).where(
        Document.received_at >= begin, Document.received_at < finish,
        Document.state != DocumentState.WITHDRAWN, Document.id.not_in(imported))).all()
    report.received = len(received)
    report.received_legal = sum(d.legal for d in received)
    report.received_by_issuer = Counter(d.issuer.name for d in received).most_common()
    report.lateness_by_issuer = by_issuer(received)
    report.issuer_late = sum(row.issuer_late for row in report.lateness_by_issuer)
    report.office_late = sum(row.office_late for row in report.lateness_by_issuer)

    entries = db.session.scalars(select(IssueEntry).join(Issue).where(
        published_issues(), in_current_title(), Issue.date >= start, Issue.date < end)).all()
    published = [e.document for e in entries]
    report.published = len(published)
    report.published_legal = sum(d.legal for d in published)
    report.published_by_issuer = Counter(d.issuer.name for d in published).most_common()
    report.published_by_type = Counter(d.doc_type for d in published).most_common()
    if entries:
        report.average_days_to_publication = sum(
            (e.issue.date - e.document.issued).days for e in entries) / len(entries)
    issues = db.session.scalars(select(Issue).where(
        published_issues(), in_current_title(), Issue.date >= start, Issue.date < end)).all()
    report.issues = len(issues)
    report.pages = sum(i.page_count or 0 for i in issues)

    viewed = db.session.scalars(select(Document).where(Document.view_count > 0)
                                .order_by(Document.view_count.desc(), Document.id).limit(TOP))
    report.most_viewed = [(d.notation, d.issuer.name, d.view_count, d.download_count)
                          for d in viewed]

    in_period = (SearchLog.at >= begin, SearchLog.at < finish)
    report.searches = db.session.scalar(select(func.count()).select_from(SearchLog)
                                        .where(*in_period)) or 0
    report.searches_without_result = db.session.scalar(
        select(func.count()).select_from(SearchLog).where(*in_period, SearchLog.results == 0)) \
        or 0
    lowered = func.lower(SearchLog.query)
    report.top_queries_without_result = cast("list[tuple[str, int]]", [
        tuple(row) for row in db.session.execute(
            select(lowered, func.count()).where(*in_period, SearchLog.results == 0)
            .group_by(lowered).order_by(func.count().desc(), lowered).limit(TOP))])

    report.returned_to_issuer = db.session.scalar(select(func.count()).select_from(Receipt).where(
        Receipt.problem_at >= begin, Receipt.problem_at < finish)) or 0
    report.corrected_by_issuer = db.session.scalar(select(func.count()).select_from(Receipt).where(
        Receipt.corrected_at >= begin, Receipt.corrected_at < finish)) or 0
    report.circular_missing = circular_counts(begin, finish)
    report.feedback_received = db.session.scalar(select(func.count()).select_from(Feedback).where(
        Feedback.created_at >= begin, Feedback.created_at < finish)) or 0
    report.feedback_answered = db.session.scalar(select(func.count()).select_from(Feedback).where(
        Feedback.answered_at >= begin, Feedback.answered_at < finish)) or 0
    return report


def circular_counts(begin: datetime, finish: datetime) -> dict[str, int]:
    """Receipts of the period (discarded ones aside) lacking each Circular 02/2025 item."""
    counts: Counter[str] = Counter()
    rows: list[list | None] = list(db.session.scalars(select(Receipt.checks).where(
            Receipt.received_at >= begin, Receipt.received_at < finish,
            Receipt.state != "discarded")))
    for checks in rows:
        counts.update(code for code in (checks or []) if code in CHECKS)
    return dict(counts)
