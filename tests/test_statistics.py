"""Quarterly statistics against a known data set: exact counts, CSV and the PDF report."""
from __future__ import annotations

import csv
import io
import subprocess
from datetime import UTC, date, datetime

from sqlalchemy import func, select, update

from gazette_app.extensions import db
from gazette_app.models import Document, Feedback, SearchLog
from gazette_app.search import flush_search_log
from gazette_app.services import issues as workflow
from gazette_app.services.statistics import build_report, quarter_bounds
from tests.support.records import load_documents, staff_pair

Q3 = datetime(2026, 8, 1, 3, tzinfo=UTC)
Q2 = datetime(2026, 5, 1, 3, tzinfo=UTC)


def _known_data(app, tmp_path) -> list[int]:
    """6 documents (3 legal, 3 other), 4 received in Q3 and 2 in Q2; an issue of 4 of them
    dated 2026-08-10; searches, feedback and views with known counts."""
    ids = load_documents(app, tmp_path, 6)
    with app.app_context():
        documents = db.session.scalars(select(Document).where(Document.id.in_(ids))
                                       .order_by(Document.id)).all()
        for index, document in enumerate(documents):
            document.received_at = Q2 if index < 2 else Q3
        db.session.execute(update(Document).where(Document.id == ids[0])
                           .values(view_count=7, download_count=3))
        db.session.commit()
        editor, approver = staff_pair()
        chosen = [d.id for d in documents[:4]]
        issue = workflow.create_issue(2026, [1], date(2026, 8, 10), chosen, editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        workflow.publish(issue, approver)
        db.session.add_all([SearchLog(query="quy hoạch", results=5, at=Q3),
                            SearchLog(query="Khong Co Gi", results=0, at=Q3),
                            SearchLog(query="khong co gi", results=0, at=Q3),
                            SearchLog(query="xyz", results=0, at=Q3),
                            SearchLog(query="cũ", results=0, at=Q2)])
        db.session.add_all([Feedback(message="Góp ý thứ nhất đủ dài", created_at=Q3),
                            Feedback(message="Góp ý thứ hai đủ dài", created_at=Q3,
                                     answer="Đã trả lời", answered_at=Q3),
                            Feedback(message="Góp ý quý trước", created_at=Q2)])
        db.session.commit()
        return ids


def test_quarter_counts_are_exact(app, tmp_path):
    ids = _known_data(app, tmp_path)
    with app.app_context():
        documents = {d.id: d for d in db.session.scalars(select(Document))}
        published = [documents[i] for i in ids[:4]]
        report = build_report(*quarter_bounds(2026, 3), "Quý III/2026")
        assert report.received == 4
        assert report.received_legal == sum(documents[i].legal for i in ids[2:])
        assert report.published == 4
        assert report.published_legal == sum(d.legal for d in published)
        assert sum(n for _, n in report.published_by_issuer) == 4
        assert sum(n for _, n in report.published_by_type) == 4
        assert report.issues == 1 and report.pages > 4
        expected_days = sum((date(2026, 8, 10) - d.issued).days for d in published) / 4
        assert report.average_days_to_publication == expected_days
        assert report.most_viewed[0][2:] == (7, 3)
        assert report.searches == 4 and report.searches_without_result == 3
        assert report.top_queries_without_result == [("khong co gi", 2), ("xyz", 1)]
        assert report.feedback_received == 2 and report.feedback_answered == 1
        previous = build_report(*quarter_bounds(2026, 2), "Quý II/2026")
        assert (previous.received, previous.published, previous.searches,
                previous.feedback_received) == (2, 0, 1, 1)


def test_statistics_pages_csv_and_pdf(app, client, auth, tmp_path):
    _known_data(app, tmp_path)
    auth.roles.update(lan="editor")
    auth.login("lan")
    html = client.get("/staff/thong-ke?nam=2026&quy=3").get_data(as_text=True)
    assert "Thống kê Quý III/2026" in html and "<svg" in html
    rows = list(csv.reader(io.StringIO(client.get("/staff/thong-ke.csv?nam=2026&quy=3")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    figures = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert figures[("Văn bản", "Tiếp nhận")] == "4"
    assert figures[("Văn bản", "Đã đăng Công báo")] == "4"
    assert figures[("Tìm kiếm", "Lượt không có kết quả")] == "3"
    assert figures[("Góp ý", "Đã trả lời")] == "1"
    pdf = client.get("/staff/thong-ke.pdf?nam=2026&quy=3")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    (tmp_path / "report.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "BÁO CÁO CÔNG BÁO TỈNH SƠN LA" in text and "Quý III/2026" in text
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert any(line.startswith("Văn bản Tiếp nhận 4") for line in lines), lines
    assert any(line.endswith("Lượt không có kết quả 3") for line in lines), lines
    assert client.get("/staff/thong-ke?nam=abc&quy=9").status_code == 200


def test_searches_are_logged_for_the_statistics(app, client):
    client.get("/tim-kiem?q=quy+hoach")
    client.get("/api/v1/search?q=khong+ton+tai+gi+ca")
    client.get("/tim-kiem")  # browsing without words is not a search
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchLog)) == 0  # batched
    assert flush_search_log(app) == 2
    with app.app_context():
        logged = [(s.query, s.results, s.channel) for s in db.session.scalars(
            select(SearchLog).order_by(SearchLog.id))]
    assert logged == [("quy hoach", 0, "web"), ("khong ton tai gi ca", 0, "app")]
    app.config["SEARCH_LOG_BATCH"] = 2
    client.get("/tim-kiem?q=a")
    client.get("/tim-kiem?q=b")  # the batch is full: written without being asked
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchLog)) == 4
