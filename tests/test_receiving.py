"""Receiving through the staff upload page and the command line: real files made during the run
(PDF with text, DOCX via LibreOffice, a scan via OCR), the background job, the proposal staff
confirm, relations and status changes, deadlines, and every kind of bad input."""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from gazette_app import clock, jobs
from gazette_app.extensions import db
from gazette_app.models import AuditEvent, Document, DocumentRelation, Job, Receipt
from gazette_app.search import get_backend
from gazette_app.services import statuses
from gazette_app.services.deadlines import add_days, deadline_board
from gazette_app.services.receiving import register
from gazette_app.services.records import import_records
from gazette_app.services.relations import ConfirmedRelation
from search_index.model import SearchQuery
from tests.support.intake import docx_bomb, docx_bytes, locked_pdf, need, scan_of, xlsx_bytes
from tests.support.receiving import document_pdf, proposal_form, upload
from tests.support.web import csrf_token

TODAY = clock.today()


@pytest.fixture(autouse=True)
def _public_before_publication(app):
    """These tests follow a document from upload to the search index: registered documents are
    public here before publication (GAZETTE_SHOW_UNPUBLISHED), as a province may choose."""
    app.config["SHOW_UNPUBLISHED"] = True


def _stored_files(app) -> list[Path]:
    root = Path(app.config["FILE_STORE"])
    return [p for p in root.rglob("*") if p.is_file() and "tmp" not in p.parts] \
        if root.exists() else []


def _register_through_page(client, receipt_id: int, form: dict):
    form = dict(form, csrf_token=csrf_token(client, f"/staff/receipts/{receipt_id}"))
    return client.post(f"/staff/receipts/{receipt_id}/register", data=form)


@pytest.mark.both_databases
def test_pdf_with_text_goes_from_upload_to_a_searchable_document(app, client, auth, tmp_path):
    auth.login("bien-tap", role="editor")
    pdf = document_pdf(tmp_path, "52/2026/QĐ-UBND",
               "Quy định mức thu phí thẩm định đề án khai thác nước dưới đất")
    page = upload(client, [("QD 52.2026 signed.pdf", pdf)])
    assert page.status_code == 200 and "Đã tiếp nhận 1 văn bản" in page.get_data(as_text=True)
    with app.app_context():
        receipt = db.session.scalars(select(Receipt)).one()
        assert receipt.state == "queued" and receipt.job.state == "queued"
        assert receipt.files[0]["sha256"] == hashlib.sha256(pdf).hexdigest()
        assert jobs.run_pending() == 1
        receipt = db.session.get(Receipt, receipt.id, populate_existing=True)
        assert receipt.state == "proposed", receipt.message
        proposal = receipt.proposal
        assert proposal["number"] == "52/2026/QĐ-UBND"
        assert proposal["issuer"] == "UBND tỉnh" and proposal["issued"] == "2026-07-13"
        assert "khai thác nước dưới đất" in proposal["abstract"]
        assert receipt.job.progress == 100 and receipt.job.state == "done"
        form = proposal_form(receipt, doc_type="Quyết định của UBND tỉnh")
        receipt_id = receipt.id
    shown = client.get(f"/staff/receipts/{receipt_id}").get_data(as_text=True)
    assert "52/2026/QĐ-UBND" in shown and "Vào sổ" in shown
    answer = _register_through_page(client, receipt_id, form)
    assert answer.status_code == 302 and "/staff/documents/" in answer.location
    with app.app_context():
        document = db.session.scalars(select(Document)).one()
        assert (document.notation, document.state, document.legal) == \
            ("52/2026/QĐ-UBND", "ready", True)
        pdf_file = document.file("pdf")
        assert pdf_file.sha256 == hashlib.sha256(pdf).hexdigest() and pdf_file.page_count == 2
        assert document.file("original") is None  # the signed PDF is the original itself
        assert "khai thác nước dưới đất" in document.body_text
        assert db.session.get(Receipt, receipt_id).state == "registered"
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "document.register")) == 1
        for words in ("khai thac nuoc duoi dat", "52/2026/QD-UBND"):
            hits = get_backend().search(SearchQuery(text=words))
            assert [hit.id for hit in hits.hits] == [document.id], words
    board = client.get("/staff/").get_data(as_text=True)
    assert "Quyết định của UBND tỉnh số 52/2026/QĐ-UBND" in board


def test_register_refuses_bad_fields_and_keeps_the_receipt(app, client, auth, tmp_path):
    auth.login("bien-tap", role="editor")
    upload(client, [("van-ban.pdf", document_pdf(tmp_path, "53/2026/QĐ-UBND", "Quy định về phí"))])
    with app.app_context():
        jobs.run_pending()
        receipt = db.session.scalars(select(Receipt)).one()
        form = proposal_form(receipt, number="không phải số", issued="2026-13-45")
    answer = _register_through_page(client, receipt.id, form)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "không đúng dạng" in text and "Ngày không hợp lệ" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == 0
        assert db.session.get(Receipt, receipt.id).state == "proposed"


TARGETS = "\n".join([
    '{"number": "71/2025/QĐ-UBND", "issued": "2025-07-28", "issuer": "UBND Tỉnh", '
    '"doc_type": "Quyết định của UBND tỉnh", "abstract": "Quy định chức năng, nhiệm vụ của Sở Y '
    'tế", "status": "Đang hiệu lực", "source_url": "t1"}',
    '{"number": "99/2025/QĐ-UBND", "issued": "2025-08-01", "issuer": "UBND Tỉnh", '
    '"doc_type": "Quyết định của UBND tỉnh", "abstract": "Quy định về quản lý chợ", '
    '"status": "Đang hiệu lực", "source_url": "t2"}',
])


def _receive_and_propose(app, client, tmp_path, notation: str, abstract: str) -> Receipt:
    pdf = document_pdf(tmp_path, notation, abstract)
    upload(client, [(f"{notation.replace('/', '-')}.pdf", pdf)])
    with app.app_context():
        jobs.run_pending()
        return db.session.scalars(select(Receipt).order_by(Receipt.id.desc())).first()


def test_relations_link_archive_targets_and_change_their_status(app, client, auth, tmp_path):
    auth.login("bien-tap", role="editor")
    with app.app_context():
        import_records(TARGETS.splitlines())
    receipt = _receive_and_propose(
        app, client, tmp_path, "44/2026/QĐ-UBND",
        "Bãi bỏ Quyết định số 71/2025/QĐ-UBND ngày 28 tháng 7 năm 2025 của Uỷ ban nhân dân "
        "tỉnh; sửa đổi Quyết định số 12/2020/QĐ-UBND ngày 3/2/2020 của UBND tỉnh")
    with app.app_context():
        rows = {row["target_notation"]: row for row in receipt.relations}
        target = db.session.scalar(select(Document).where(Document.notation == "71/2025/QĐ-UBND"))
        assert rows["71/2025/QĐ-UBND"]["kind"] == "repeals"
        assert rows["71/2025/QĐ-UBND"]["target_id"] == target.id
        assert rows["12/2020/QĐ-UBND"]["kind"] == "amends"
        assert rows["12/2020/QĐ-UBND"]["target_id"] is None  # not in the archive
        form = proposal_form(receipt, doc_type="Quyết định của UBND tỉnh",
                              effective=TODAY.isoformat())
    page = client.get(f"/staff/receipts/{receipt.id}").get_data(as_text=True)
    assert "Không có trong kho" in page and f'href="/staff/documents/{target.id}"' in page
    assert _register_through_page(client, receipt.id, form).status_code == 302
    with app.app_context():
        target = db.session.get(Document, target.id)
        # The relation ends the target's validity from today; its own dates are not touched.
        assert target.status == "expired" and target.expires is None
        change = target.status_timeline()[-1]
        assert change.starts == TODAY and change.reason.startswith("bị bãi bỏ bởi Quyết định")
        links = db.session.scalars(select(DocumentRelation).order_by(DocumentRelation.id)).all()
        assert [(r.kind, r.target_id is not None, r.confirmed) for r in links] == \
            [("repeals", True, True), ("amends", False, True)]
        assert links[1].target_text == "12/2020/QĐ-UBND ngày 3/2/2020"
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "document.status")).note.startswith("Hết hiệu lực toàn bộ")


def test_a_repeal_effective_later_changes_the_status_on_that_day(app, client, auth, tmp_path):
    auth.login("bien-tap", role="editor")
    with app.app_context():
        import_records(TARGETS.splitlines())
    receipt = _receive_and_propose(app, client, tmp_path, "45/2026/QĐ-UBND",
                                   "Bãi bỏ Điều 3 của Quyết định số 99/2025/QĐ-UBND ngày 01/8/2025")
    later = TODAY + timedelta(days=10)
    with app.app_context():
        receipt = db.session.get(Receipt, receipt.id)
        assert receipt.relations[0]["partial"] is True
        relations = [ConfirmedRelation("repeals", "99/2025/QĐ-UBND", "01/8/2025", True)]
        register(receipt, proposal_form(receipt, doc_type="Quyết định của UBND tỉnh",
                                         effective=later.isoformat()), relations)
        target = db.session.scalar(select(Document).where(Document.notation == "99/2025/QĐ-UBND"))
        assert target.status == "in_force"  # not yet: the repeal takes effect later
        assert target.status_on(later) == "partly_expired"
        target_id = target.id
        statuses.ensure_scheduled()  # what every worker does when it starts
        assert jobs.run_pending() == 0  # the next refresh waits for midnight in Vietnam
        job = db.session.scalars(select(Job).where(Job.kind == "refresh_statuses")).one()
        assert clock.local_day(job.not_before) == TODAY + timedelta(days=1)
    # Ten days pass; the worker wakes a few seconds after midnight in Vietnam (17:00 UTC).
    with time_machine.travel(clock.start_of_day(later) + timedelta(seconds=5), tick=False):
        with app.app_context():
            assert jobs.run_pending() == 1
            assert db.session.get(Document, target_id).status == "partly_expired"
            hits = get_backend().search(SearchQuery(text="99/2025/QĐ-UBND",
                                                    status="partly_expired"))
            assert [hit.id for hit in hits.hits] == [target_id]  # the index followed
            queued = db.session.scalars(select(Job).where(Job.kind == "refresh_statuses",
                                                          Job.state == "queued")).one()
            assert clock.local_day(queued.not_before) == later + timedelta(days=1)


@pytest.mark.slow
def test_docx_is_converted_kept_and_searchable(app, client, auth):
    need("soffice", "libreoffice-writer-nogui")
    auth.login("bien-tap", role="editor")
    docx = docx_bytes(["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Số: 61/2026/QĐ-UBND",
                  "Sơn La, ngày 2 tháng 9 năm 2026", "QUYẾT ĐỊNH",
                  "Quy định giá dịch vụ thoát nước và xử lý nước thải trên địa bàn tỉnh",
                  "Căn cứ Luật Tổ chức chính quyền địa phương;",
                  "Điều 1. Quy định giá dịch vụ thoát nước đô thị.",
                  "CHỦ TỊCH", "Nguyễn Đình Việt"])
    upload(client, [("Dự thảo QĐ giá thoát nước.docx", docx)])
    with app.app_context():
        jobs.run_pending()
        receipt = db.session.scalars(select(Receipt)).one()
        assert receipt.state == "proposed", receipt.message
        assert receipt.proposal["number"] == "61/2026/QĐ-UBND"
        assert receipt.proposal["issued"] == "2026-09-02"
        register(receipt, proposal_form(receipt, doc_type="Quyết định của UBND tỉnh"), [])
        document = db.session.scalars(select(Document)).one()
        original = document.file("original")
        assert original.sha256 == hashlib.sha256(docx).hexdigest()  # kept unchanged
        assert original.filename == "Dự thảo QĐ giá thoát nước.docx"
        assert document.file("pdf").media_type == "application/pdf"
        from gazette_app.storage import get_store
        assert get_store().path(document.file("pdf").sha256).read_bytes()[:5] == b"%PDF-"
        hits = get_backend().search(SearchQuery(text="gia dich vu thoat nuoc"))
        assert [hit.id for hit in hits.hits] == [document.id]


@pytest.mark.slow
def test_scan_is_recovered_by_ocr_through_upload(app, client, auth, tmp_path):
    need("ocrmypdf", "ocrmypdf tesseract-ocr-vie")
    auth.login("bien-tap", role="editor")
    typed = tmp_path / "typed.pdf"
    typed.write_bytes(document_pdf(tmp_path, "47/2026/QĐ-UBND",
                           "Bãi bỏ các Quyết định của Ủy ban nhân dân tỉnh quy định về hỗ trợ",
                           pages=1))
    scan = scan_of(typed, tmp_path)
    upload(client, [("scan 47.pdf", scan.read_bytes())])
    with app.app_context():
        jobs.run_pending()
        receipt = db.session.scalars(select(Receipt)).one()
        assert receipt.state == "proposed", receipt.message
        assert receipt.ocr and "OCR" in receipt.message
        from search_index.analysis import fold
        words = fold(receipt.text).lower()
        for key in ("quyet dinh", "bai bo", "uy ban nhan dan", "47/2026"):
            assert key in words, key
        register(receipt, proposal_form(receipt, number="47/2026/QĐ-UBND", issued="2026-07-13",
                                         doc_type="Quyết định của UBND tỉnh",
                                         issuer="UBND tỉnh"), [])
        document = db.session.scalars(select(Document)).one()
        assert document.file("scan").sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
        assert document.file("pdf").sha256 == receipt.pdf_sha256 != document.file("scan").sha256
        hits = get_backend().search(SearchQuery(text="uy ban nhan dan bai bo"))
        assert [hit.id for hit in hits.hits] == [document.id]  # found by its OCR'd words


BAD_INPUT = {
    "empty": ("trong.pdf", lambda: b"", "Tệp rỗng"),
    "too big": ("lon.pdf", lambda: b"%PDF-1.7\n" + b"0" * (1536 * 1024),
                "lớn hơn giới hạn 1 MB"),
    "exe renamed": ("hoa-don.pdf", lambda: b"MZ\x90\x00\x03\x00\x00\x00This program",
                    "không phải PDF, Word hay Excel"),
    "broken pdf": ("hong.pdf", lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog", "bị hỏng"),
    "password pdf": ("khoa.pdf", locked_pdf, "có mật khẩu"),
    "docx bomb": ("bom.docx", docx_bomb, "giải nén quá lớn"),
    "path": ("../../etc/passwd.pdf", lambda: b"%PDF-1.7", "đường dẫn"),
    "backslash path": ("..\\..\\boot.pdf", lambda: b"%PDF-1.7", "đường dẫn"),
    "control chars": ("bao\x07cao\x1b.pdf", lambda: b"%PDF-1.7", "ký tự điều khiển"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_refused_clearly_and_stores_nothing(app, client, auth, case):
    auth.login("bien-tap", role="editor")
    app.config["MAX_FILE_BYTES"] = 1024 * 1024
    name, make, message = BAD_INPUT[case]
    page = upload(client, [(name, make())])
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Không tiếp nhận" in text and message in text, text[-3000:]
    assert "Traceback" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Receipt)) == 0
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    assert _stored_files(app) == []
    assert client.get("/healthz").status_code == 200  # still serving


def test_a_request_over_the_limit_gets_a_vietnamese_413(app, client, auth, tmp_path):
    auth.login("bien-tap", role="editor")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    page = upload(client, [("lon.pdf", b"%PDF-1.7\n" + b"0" * (128 * 1024))])
    assert page.status_code == 413 and "quá lớn" in page.get_data(as_text=True)
    assert _stored_files(app) == []


def test_a_group_with_one_bad_file_is_refused_whole(app, client, auth, tmp_path):
    auth.login("bien-tap", role="editor")
    good = document_pdf(tmp_path, "54/2026/QĐ-UBND", "Quy định về phí")
    text = upload(client, [("chinh.pdf", good), ("phu-luc.pdf", b"")], together=True) \
        .get_data(as_text=True)
    assert "tệp khác trong cùng văn bản bị từ chối" in text and "Tệp rỗng" in text
    assert _stored_files(app) == []
    sheet = xlsx_bytes([["Mã", "Tên thủ tục"], [1, "Cấp giấy phép"]])
    text = upload(client, [("bang.xlsx", sheet)]).get_data(as_text=True)
    assert "chỉ tiếp nhận làm phụ lục" in text and _stored_files(app) == []


@pytest.mark.slow
def test_main_file_and_annex_become_one_document(app, client, auth, tmp_path):
    need("soffice", "libreoffice-calc-nogui")
    auth.login("bien-tap", role="editor")
    main = document_pdf(tmp_path, "55/2026/QĐ-UBND", "Ban hành bảng giá đất")
    sheet = xlsx_bytes([["Vị trí", "Giá đất (đồng/m²)"], ["Đường Tô Hiệu", 12_000_000],
                        ["Đường Chu Văn Thịnh", 9_500_000]])
    upload(client, [("bang-gia.xlsx", sheet), ("qd-55.pdf", main)], together=True)
    with app.app_context():
        receipt = db.session.scalars(select(Receipt)).one()
        assert [(f["filename"], f["role"]) for f in receipt.files] == \
            [("qd-55.pdf", "main"), ("bang-gia.xlsx", "annex")]
        jobs.run_pending()
        receipt = db.session.get(Receipt, receipt.id, populate_existing=True)
        register(receipt, proposal_form(receipt, doc_type="Quyết định của UBND tỉnh"), [])
        document = db.session.scalars(select(Document)).one()
        annex = document.file("attachment")
        assert annex.filename == "bang-gia.xlsx"
        assert annex.sha256 == hashlib.sha256(sheet).hexdigest()
        assert document.file("signed").sha256 == hashlib.sha256(main).hexdigest()
        rendition = document.file("pdf")
        assert rendition.page_count == 3  # the decision's two pages, then the annex's table
        assert "phụ lục" in receipt.message
        from gazette_app.intake.text import page_texts, read_pdf
        from gazette_app.storage import get_store
        texts = page_texts(read_pdf(get_store().path(rendition.sha256).read_bytes()))
        assert "Đường Tô Hiệu" in texts[-1]
        assert "12000000" in texts[-1].replace(".", "").replace(",", "")


def test_a_job_is_claimed_by_exactly_one_worker(app):
    with app.app_context():
        job = jobs.enqueue("nothing-registered")
        db.session.commit()
        first, second = jobs.claim(job.id, "a"), jobs.claim(job.id, "b")
        assert first is not None and second is None and first.worker == "a"


def test_failures_are_recorded_retried_and_stale_jobs_requeued(app):
    calls = []

    @jobs.handler("test-flaky")
    def flaky(job, progress):
        calls.append(job.attempts)
        progress(50, "nửa chừng")
        raise RuntimeError("disk went away")

    with app.app_context():
        job = jobs.enqueue("test-flaky")
        unknown = jobs.enqueue("test-unknown")
        db.session.commit()
        assert jobs.run_pending() == 1 + 1 + jobs.MAX_ATTEMPTS - 1
        assert calls == [1, 2, 3]
        job = db.session.get(Job, job.id, populate_existing=True)
        assert job.state == "failed" and "Lỗi hệ thống" in job.error
        assert "không có bộ xử lý" in db.session.get(Job, unknown.id).error.lower()
        stale = jobs.enqueue("test-flaky")
        db.session.commit()
        jobs.claim(stale.id, "dead-worker")
        stale.heartbeat_at = datetime.now(UTC) - timedelta(hours=2)
        db.session.commit()
        assert jobs.requeue_stale(timedelta(minutes=30)) == 1
        assert db.session.get(Job, stale.id, populate_existing=True).state == "queued"
    jobs.HANDLERS.pop("test-flaky")


def test_a_file_libreoffice_cannot_read_fails_with_a_message(app, client, auth):
    need("soffice", "libreoffice-writer-nogui")
    auth.login("bien-tap", role="editor")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048  # a Word 97 header, nothing inside
    upload(client, [("cu.doc", ole)])
    with app.app_context():
        jobs.run_pending()
        receipt = db.session.scalars(select(Receipt)).one()
        assert receipt.state == "failed" and "LibreOffice" in receipt.message
    page = client.get(f"/staff/receipts/{receipt.id}").get_data(as_text=True)
    assert "LibreOffice không chuyển được" in page and "Huỷ hồ sơ này" in page


def test_deadlines_count_working_days_and_sort_the_board(app):
    friday = date(2026, 11, 20)  # Tuesday 24/11 is Vietnam's Culture Day, a public holiday
    assert add_days(friday, 3, working=True) == date(2026, 11, 26)
    assert add_days(friday, 3, working=False) == date(2026, 11, 23)
    with app.app_context():
        now = datetime.now(UTC)
        for days_ago, name in ((20, "cu.pdf"), (0, "moi.pdf")):
            db.session.add(Receipt(files=[{"filename": name, "sha256": "0" * 64, "size": 1,
                                           "kind": "pdf", "role": "main"}],
                                   state="proposed", received_at=now - timedelta(days=days_ago)))
        db.session.commit()
        board = deadline_board()
        assert [row.label for row in board.overdue] == ["cu.pdf"]
        assert [row.label for row in board.due_soon + board.waiting] == ["moi.pdf"]


def test_receive_command_proposes_and_registers(app, runner, tmp_path):
    good = tmp_path / "QĐ 56-2026.pdf"
    good.write_bytes(document_pdf(tmp_path, "56/2026/QĐ-UBND", "Quy định về quản lý nghĩa trang"))
    bad = tmp_path / "virus.pdf"
    bad.write_bytes(b"MZ\x90\x00 program")
    result = runner.invoke(args=["receive", "--register", str(good), str(bad)])
    assert result.exit_code == 1  # one file refused
    assert "refused virus.pdf" in result.output
    assert "number: 56/2026/QĐ-UBND" in result.output and "100%" in result.output
    assert "registered document #1 56/2026/QĐ-UBND" in result.output
    with app.app_context():
        document = db.session.get(Document, 1)
        assert document.state == "ready" and document.issuer.name == "UBND tỉnh"
        assert db.session.scalar(select(Receipt)).channel == "cli"


def test_legacy_font_text_is_reported_on_the_receipt(app, client, auth, tmp_path):
    auth.login("bien-tap", role="editor")
    tcvn3 = ("VÒ viÖc quy ®Þnh møc thu phÝ thÈm ®Þnh ®Ò ¸n khai th¸c n­íc d­íi ®Êt trªn ®Þa bµn "
             "tØnh S¬n La, Céng hßa x· héi chñ nghÜa ViÖt Nam")
    upload(client, [("cu.pdf", document_pdf(tmp_path, "58/2026/QĐ-UBND", tcvn3))])
    with app.app_context():
        jobs.run_pending()
        receipt = db.session.scalars(select(Receipt)).one()
        assert receipt.state == "proposed" and receipt.legacy_encoding == "TCVN3"
    page = client.get(f"/staff/receipts/{receipt.id}").get_data(as_text=True)
    assert "phông cũ TCVN3" in page
