"""An error found on receipt goes back to the issuer (Decree 34/2016 Art. 91(2)): the receipt
waits for the issuer, the notice is generated, its sending is recorded, the corrected copy is
received against the same receipt, and the deadline counts from it."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from gazette_app import clock, jobs
from gazette_app.extensions import db
from gazette_app.models import AuditEvent, Document, Receipt
from gazette_app.services.deadlines import deadline_board, due_date
from gazette_app.services.statistics import build_report, quarter_bounds
from tests.support.receiving import document_pdf, proposal_form, upload
from tests.support.web import csrf_token


def _post(client, path: str, data: dict, page: str, **kwargs):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)},
                       follow_redirects=True, **kwargs)


def test_an_error_on_receipt_goes_back_to_the_issuer_and_the_corrected_copy_counts(
        app, client, auth, tmp_path):
    auth.create("bien-tap", "editor")
    first = datetime(2026, 7, 14, 2, 0, tzinfo=UTC)  # Tuesday 09:00 in Sơn La
    with time_machine.travel(first, tick=False):
        auth.login("bien-tap")
        upload(client, [("QD 52 thieu chu ky.pdf", document_pdf(
            tmp_path, "52/2026/QĐ-UBND", "Quy định khai thác nước dưới đất"))])
        with app.app_context():
            jobs.run_pending()
            receipt = db.session.scalars(select(Receipt)).one()
            receipt_id, original = receipt.id, receipt.files[0]["sha256"]
        page = f"/staff/receipts/{receipt_id}"
        refused = _post(client, f"{page}/return", {"problem": "  "}, page)
        assert "Cần ghi sai sót" in refused.get_data(as_text=True)
        shown = _post(client, f"{page}/return", {
            "problem": "Bản PDF thiếu chữ ký và dấu; trang 2 bị mờ."}, page)
        assert "Chờ cơ quan ban hành xử lý" in shown.get_data(as_text=True)
        with app.app_context():
            board = deadline_board()
            assert [w.receipt.id for w in board.with_issuer] == [receipt_id]
            assert not board.overdue and not board.due_soon and not board.waiting
        notice = client.get(f"{page}/notice").get_data(as_text=True)
        assert "Kính gửi: UBND tỉnh" in notice and "thiếu chữ ký và dấu" in notice
        assert "số 52/2026/QĐ-UBND" in notice and "mailto:?subject=" in notice
        assert "09:00 ngày 14/7/2026" in notice and "Điều 91" in notice
        assert "Đã ghi nhận" in _post(client, f"{page}/notified", {"channel": "email"},
                                      page).get_data(as_text=True)

    # Four working days later the issuer sends the signed copy: the clock starts again.
    later = datetime(2026, 7, 20, 3, 30, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        auth.login("bien-tap")
        corrected = document_pdf(tmp_path, "52/2026/QĐ-UBND",
                                 "Quy định khai thác nước dưới đất (bản ký)")
        answer = client.post(f"{page}/corrected", data={
            "csrf_token": csrf_token(client, page),
            "files": [(io.BytesIO(corrected), "QD 52 ban chinh thuc.pdf")]},
            content_type="multipart/form-data", follow_redirects=True)
        assert "Đã tiếp nhận bản đã sửa" in answer.get_data(as_text=True)
        with app.app_context():
            jobs.run_pending()
            receipt = db.session.get(Receipt, receipt_id)
            assert receipt.state == "proposed" and receipt.corrected_at == later
            assert receipt.superseded_files[0]["sha256"] == original  # kept to compare
            assert receipt.files[0]["sha256"] != original
            waiting = deadline_board()
            assert [w.due for w in waiting.waiting + waiting.due_soon] == [due_date(later)]
            form = proposal_form(receipt, doc_type="Quyết định của UBND tỉnh")
        form["csrf_token"] = csrf_token(client, page)
        assert client.post(f"{page}/register", data=form).status_code == 302
        with app.app_context():
            document = db.session.scalars(select(Document)).one()
            assert document.received_at == later  # lateness and deadline from the copy
            actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
                AuditEvent.object_type == "receipt").order_by(AuditEvent.id))]
            assert actions == ["receipt.create", "receipt.return", "receipt.notify",
                               "receipt.corrected"]
            report = build_report(*quarter_bounds(2026, 3), "Quý III/2026")
            assert (report.returned_to_issuer, report.corrected_by_issuer) == (1, 1)
        history = client.get(page).get_data(as_text=True)
        assert "Đã thông báo lúc 14/7/2026 09:00 qua thư điện tử" in history
        assert "QD 52 thieu chu ky.pdf" in history  # the first copy is listed
    assert clock.local_day(later) - clock.local_day(first) == timedelta(days=6)
