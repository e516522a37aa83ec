"""The issue workflow in the app: draft, compose, approve (two-person rule), publish atomically,
sign the e-edition; refusals are clear and leave nothing half-done."""
from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader
from sqlalchemy import func, select

from gazette_app import clock
from gazette_app.extensions import db
from gazette_app.models import AuditEvent, Document, Issue
from gazette_app.services import issues as workflow
from gazette_app.services.documents import attach_source
from gazette_app.services.users import create_user
from gazette_app.storage import get_store
from issues.signing import create_pkcs12
from tests.support.records import (
    ISSUE_DATE,
    approved_issue,
    load_documents,
    published_issue,
    staff_pair,
)


@pytest.mark.both_databases
def test_draft_compose_approve_publish(app, tmp_path):
    ids = load_documents(app, tmp_path)
    with app.app_context():
        editor, approver = staff_pair()
        issue = workflow.create_issue(2026, [1, 2], ISSUE_DATE, ids, editor)
        assert issue.label == "Số 01 + 02"
        assert [e.part for e in issue.entries] == ["legal"] * 3 + ["other"] * 3
        workflow.compose(issue, approver)
        front = issue.entries[0].start_page - 1
        assert issue.page_count == front + sum(e.page_count for e in issue.entries) + 1
        with pytest.raises(workflow.IssueWorkflowError, match="Người dàn trang không tự duyệt"):
            workflow.approve(issue, approver)
        with pytest.raises(workflow.IssueWorkflowError, match="Chỉ người duyệt"):
            workflow.approve(issue, editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        workflow.publish(issue, approver)
        issue_id, pdf_sha = issue.id, issue.pdf_sha256

    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        assert issue.state == "published" and issue.published_at is not None
        assert get_store().hash_of(pdf_sha) == pdf_sha
        pages = PdfReader(str(get_store().path(pdf_sha))).pages
        assert len(pages) == issue.page_count
        for entry in issue.entries:
            assert entry.document.state == "published"
            text = pages[entry.start_page - 1].extract_text()
            assert entry.document.notation in text
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "issue").order_by(AuditEvent.id)).all()
        assert actions == ["issue.create", "issue.compose", "issue.compose", "issue.approve",
                           "issue.publish"]
        with pytest.raises(workflow.IssueWorkflowError, match="đã phát hành"):
            workflow.publish(issue, None)
        with pytest.raises(workflow.IssueWorkflowError, match="chỉ sửa được bản nháp"):
            workflow.reorder(issue, [e.document_id for e in issue.entries][::-1], None)


def test_numbers_are_not_reused_and_gaps_need_an_admin(app, tmp_path):
    ids = load_documents(app, tmp_path, 3)
    with app.app_context():
        editor, _ = staff_pair()
        workflow.create_issue(2026, [1], ISSUE_DATE, ids[:1], editor)
        with pytest.raises(workflow.IssueWorkflowError, match="đã dùng"):
            workflow.create_issue(2026, [1], ISSUE_DATE, ids[1:2], editor)
        with pytest.raises(workflow.IssueWorkflowError, match="phải là 02"):
            workflow.create_issue(2026, [3], ISSUE_DATE, ids[1:2], editor)
        with pytest.raises(workflow.IssueWorkflowError, match="Chỉ quản trị viên"):
            workflow.create_issue(2026, [3], ISSUE_DATE, ids[1:2], editor, "in hỏng số 02")
        admin = create_user("admin", "quản-trị-2026!", "admin")
        issue = workflow.create_issue(2026, [3], ISSUE_DATE, ids[1:2], admin, "in hỏng số 02")
        assert issue.gap_reason == "in hỏng số 02"
        with pytest.raises(workflow.IssueWorkflowError, match="đã thuộc một số Công báo khác"):
            workflow.create_issue(2026, [4], ISSUE_DATE, ids[:1], editor)
        with pytest.raises(workflow.IssueWorkflowError, match="ban hành sau ngày phát hành"):
            workflow.create_issue(2026, [4], date(2026, 1, 2), ids[2:3], editor)
        assert workflow.taken_numbers(2026) == {1, 3}


def test_failure_mid_publish_leaves_the_issue_approved(app, tmp_path, monkeypatch):
    issue_id = approved_issue(app, tmp_path)
    with app.app_context():
        issue, approver = db.session.get(Issue, issue_id), staff_pair()[1]

        def crash(step):
            if step == "publish.flushed":
                raise OSError("disk full")

        monkeypatch.setattr(workflow, "checkpoint", crash)
        with pytest.raises(OSError):
            workflow.publish(issue, approver)
        monkeypatch.undo()
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        assert issue.state == "approved" and issue.published_at is None
        assert all(e.document.state == "ready" for e in issue.entries)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "issue.publish")) == 0
        workflow.publish(issue, staff_pair()[1])  # a second try completes the work
        assert db.session.get(Issue, issue_id).state == "published"


@pytest.mark.both_databases
def test_two_staff_publishing_at_once(app, tmp_path):
    ids = load_documents(app, tmp_path, 2)
    with app.app_context():
        editor, approver = staff_pair()
        issue = workflow.create_issue(2026, [1], ISSUE_DATE, ids, editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        issue_id = issue.id
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def publish_once():
        with app.app_context():
            target = db.session.get(Issue, issue_id)
            barrier.wait()
            try:
                workflow.publish(target, None)
                outcomes.append("published")
            except workflow.IssueWorkflowError as error:
                outcomes.append(str(error))

    threads = [threading.Thread(target=publish_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("published") == 1, outcomes
    assert any("người khác" in o or "đã phát hành" in o for o in outcomes), outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "issue.publish")) == 1


def test_signed_edition_validates_and_carries_the_sources(app, tmp_path):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from issues.signing_ltv import Trust, signature_state
    from tests.support import signing_pki

    served = signing_pki.serve(clock.now)
    pki = served.__enter__()
    pki.write_pkcs12(tmp_path / "signer.p12", "mật-khẩu")
    (tmp_path / "roots.pem").write_bytes(pki.roots_pem())
    app.config.update(GAZETTE_SIGNING_PKCS12=str(tmp_path / "signer.p12"),
                      GAZETTE_SIGNING_PASSWORD="mật-khẩu", GAZETTE_SIGNING_TSA_URL=pki.tsa_url,
                      GAZETTE_SIGNING_TRUST_ROOTS=str(tmp_path / "roots.pem"))
    ids = load_documents(app, tmp_path, 2)
    docx = io.BytesIO()
    word = DocxDocument()
    word.add_paragraph("QUYẾT ĐỊNH về việc ban hành quy chế — bản gốc Word")
    word.save(docx)
    with app.app_context():
        editor, approver = staff_pair()
        attach_source(db.session.get(Document, ids[0]), docx.getvalue(), "QD 47.docx")
        issue = workflow.create_issue(2026, [1], ISSUE_DATE, ids, editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        workflow.publish(issue, approver)
        notation = db.session.get(Document, ids[0]).notation
        published = db.session.get(Issue, issue.id)
        signed_path = get_store().path(published.signed_pdf_sha256)
        stored_state = published.signature_state
    served.__exit__(None, None, None)  # what is checked below needs no server

    attachments = PdfReader(str(signed_path)).attachments
    name = f"{notation.replace('/', '-')} - QD 47.docx"
    assert list(attachments) == [name]
    assert attachments[name][0] == docx.getvalue()  # byte-identical
    assert stored_state["valid"] and stored_state["ltv"], stored_state
    assert stored_state["level"] == "PAdES B-LTA" and stored_state["signed_at"]
    offline = Trust(roots=(pki.roots_pem(),), allow_fetching=False)
    state = signature_state(signed_path.read_bytes(), offline, now=clock.now())
    assert state is not None and state.ltv and state.signer == "Văn phòng UBND tỉnh (thử nghiệm)"
    with open(signed_path, "rb") as handle:
        reader = PdfFileReader(handle)
        assert [s.field_name for s in reader.embedded_signatures][0] == "ChuKySo"
        assert len(reader.embedded_timestamp_signatures) == 1  # B-LTA's document timestamp


def test_wrong_certificate_password_is_a_clear_refusal(app, tmp_path):
    (tmp_path / "ca.pem").write_bytes(
        create_pkcs12(tmp_path / "signer.p12", "đúng", "Ký thử", now=clock.now()))
    app.config.update(GAZETTE_SIGNING_PKCS12=str(tmp_path / "signer.p12"),
                      GAZETTE_SIGNING_PASSWORD="sai", GAZETTE_SIGNING_TSA_URL="http://127.0.0.1:9/",
                      GAZETTE_SIGNING_TRUST_ROOTS=str(tmp_path / "ca.pem"))
    ids = load_documents(app, tmp_path, 1)
    with app.app_context():
        editor, approver = staff_pair()
        issue = workflow.create_issue(2026, [1], ISSUE_DATE, ids, editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        with pytest.raises(workflow.IssueWorkflowError, match="chứng thư số"):
            workflow.publish(issue, approver)
        assert db.session.get(Issue, issue.id).state == "approved"


def test_demo_certificate_signs_by_default(app, runner, tmp_path):
    """What `make run` does: the demo certificate is created, and publishing with no
    certificate configured signs with it; pyHanko and poppler's pdfsig both accept it."""
    import shutil
    import subprocess

    from pyhanko.pdf_utils.reader import PdfFileReader

    result = runner.invoke(args=["demo-certificate"])
    assert result.exit_code == 0 and "demo-certificate.p12" in result.output, result.output
    issue_id = published_issue(app, tmp_path)
    with app.app_context():
        published = db.session.get(Issue, issue_id)
        signed = get_store().path(published.signed_pdf_sha256)
        assert published.signature_state["ltv"], published.signature_state  # pyHanko's check
        assert published.signature_state["level"] == "PAdES B-LTA"
    with open(signed, "rb") as handle:
        signature = PdfFileReader(handle).embedded_signatures[0]
        assert "bản demo, không có giá trị pháp lý" in signature.signer_cert.subject.human_friendly
    assert shutil.which("pdfsig"), "poppler-utils (scripts/system-deps.sh) provides pdfsig"
    report = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in report, report


def test_production_refuses_to_publish_without_a_certificate(app, runner, tmp_path):
    runner.invoke(args=["demo-certificate"])  # present, but never used in production
    app.config.update(PRODUCTION=True)
    ids = load_documents(app, tmp_path, 1)
    with app.app_context():
        editor, approver = staff_pair()
        issue = workflow.create_issue(2026, [1], ISSUE_DATE, ids, editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        with pytest.raises(workflow.IssueWorkflowError, match="Chưa có chứng thư số"):
            workflow.publish(issue, approver)
        assert db.session.get(Issue, issue.id).state == "approved"
        app.config.update(SIGNING_ALLOW_UNSIGNED=True)  # the administrator's explicit choice
        workflow.publish(issue, approver)
        published = db.session.get(Issue, issue.id)
        assert published.state == "published" and published.signed_pdf_sha256 is None
    assert runner.invoke(args=["demo-certificate"]).exit_code != 0


def test_year_continuous_page_numbers(app, tmp_path):
    app.config["GAZETTE_PAGE_NUMBERING"] = "year"
    ids = load_documents(app, tmp_path, 4)
    with app.app_context():
        editor, approver = staff_pair()
        first = workflow.create_issue(2026, [1], ISSUE_DATE, ids[:2], editor)
        workflow.compose(first, editor)
        second = workflow.create_issue(2026, [2], ISSUE_DATE, ids[2:], editor)
        with pytest.raises(workflow.IssueWorkflowError, match="phải phát hành trước"):
            workflow.compose(second, editor)
        workflow.approve(first, approver)
        workflow.publish(first, approver)
        workflow.compose(second, editor)
        assert second.first_page == first.page_count + 1
        reader = PdfReader(str(get_store().path(second.pdf_sha256)))
        assert reader.page_labels[0] == str(first.page_count + 1)
