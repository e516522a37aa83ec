"""Approval freezes: from approval to publication an issue's documents cannot change by any
route (staff pages, command line, services, a plain ORM write); publishing re-checks what the
PDF was built from; an approver may send the issue back with a reason; after publication the
documents never change."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from gazette_app.extensions import db
from gazette_app.models import AuditEvent, Document, DocumentFile, Issue
from gazette_app.schemas.records import DocumentFieldsSchema
from gazette_app.services import documents as document_service
from gazette_app.services import issues as workflow
from gazette_app.services.freeze import DocumentFrozen
from tests.support.issues import issue_documents
from tests.support.records import approved_issue, staff_pair
from tests.support.web import csrf_token

PASSWORDS = {"lan": "biên-tập-2026!", "hoa": "phê-duyệt-2026!"}


def _login(client, username: str) -> None:
    client.post("/login", data={"username": username, "password": PASSWORDS[username],
                                "csrf_token": csrf_token(client)})


def _first_document(issue_id: int) -> tuple[int, dict]:
    issue = db.session.get(Issue, issue_id)
    doc = issue.entries[0].document
    form = {"number": doc.notation, "doc_type": doc.doc_type, "abstract": doc.abstract + " (sửa)",
            "signer": "Người ký khác", "issued": doc.issued.isoformat(), "status": "in_force"}
    return doc.id, form


def _state(document_id: int) -> tuple:
    doc = db.session.get(Document, document_id, populate_existing=True)
    return doc.abstract, doc.signer, doc.file("pdf").sha256, len(doc.files)


def _try_every_route(app, client, runner, document_id: int, form: dict, other_pdf: Path) -> None:
    """Staff edit, staff PDF upload, command line attach-pdf, the service, a plain ORM write:
    each is refused and nothing changes."""
    with app.app_context():
        before = _state(document_id)
    form = dict(form, csrf_token=csrf_token(client, f"/staff/documents/{document_id}"))
    page = client.post(f"/staff/documents/{document_id}/edit", data=form, follow_redirects=True)
    assert page.status_code == 200 and "không sửa" in page.get_data(as_text=True)
    with other_pdf.open("rb") as handle:
        upload = client.post(f"/staff/documents/{document_id}/pdf", follow_redirects=True, data={
            "pdf": (handle, "thay-the.pdf"),
            "csrf_token": csrf_token(client, f"/staff/documents/{document_id}")})
    assert upload.status_code == 200 and "không sửa" in upload.get_data(as_text=True)
    result = runner.invoke(args=["attach-pdf", str(document_id), str(other_pdf)])
    assert result.exit_code != 0 and "không sửa" in result.output
    with app.app_context():
        document = db.session.get(Document, document_id)
        with pytest.raises(DocumentFrozen):
            document_service.update_metadata(document, DocumentFieldsSchema().load(
                {k: v for k, v in form.items() if k != "csrf_token"}))
        db.session.rollback()
        with pytest.raises(DocumentFrozen):
            document_service.attach_source(document, b"PK\x03\x04 word", "ban-goc.docx")
        db.session.rollback()
        document = db.session.get(Document, document_id)
        document.abstract = "Sửa thẳng trong cơ sở dữ liệu"  # a future script or API
        with pytest.raises(DocumentFrozen):
            db.session.commit()
        db.session.rollback()
        document = db.session.get(Document, document_id)
        document.files.append(DocumentFile(role="pdf", sha256="0" * 64, size=1,
                                           media_type="application/pdf", filename="x.pdf"))
        with pytest.raises(DocumentFrozen):
            db.session.flush()
        db.session.rollback()
        assert _state(document_id) == before


@pytest.mark.both_databases
def test_an_approved_issue_cannot_change_by_any_route(app, client, runner, tmp_path):
    issue_id = approved_issue(app, tmp_path)
    other_pdf = issue_documents(tmp_path / "other", 1)[0].pdf_path
    with app.app_context():
        document_id, form = _first_document(issue_id)
    _login(client, "lan")
    _try_every_route(app, client, runner, document_id, form, other_pdf)


@pytest.mark.both_databases
def test_unapproval_needs_an_approver_and_a_reason_and_reopens_the_documents(
        app, client, runner, tmp_path):
    issue_id = approved_issue(app, tmp_path)
    with app.app_context():
        editor, approver = staff_pair()
        issue = db.session.get(Issue, issue_id)
        with pytest.raises(workflow.IssueWorkflowError, match="Chỉ người duyệt"):
            workflow.return_to_draft(issue, editor, "sai trích yếu")
        with pytest.raises(workflow.IssueWorkflowError, match="lý do"):
            workflow.return_to_draft(issue, approver, "   ")
        document_id, form = _first_document(issue_id)
    refused = runner.invoke(args=["unapprove-issue", "--year", "2026", "--number", "1",
                                  "--by", "hoa", "--reason", ""])
    assert refused.exit_code != 0 and "lý do" in refused.output
    done = runner.invoke(args=["unapprove-issue", "--year", "2026", "--number", "1",
                               "--by", "hoa", "--reason", "Trích yếu văn bản thứ nhất sai"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "issue.unapprove"))
        assert event.note == "Trích yếu văn bản thứ nhất sai" and event.actor_name == "hoa"
    _login(client, "lan")
    form["csrf_token"] = csrf_token(client, f"/staff/documents/{document_id}")
    assert "Đã lưu" in client.post(f"/staff/documents/{document_id}/edit", data=form,
                                   follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Document, document_id).signer == "Người ký khác"
        issue = db.session.get(Issue, issue_id)
        editor, approver = staff_pair()
        workflow.compose(issue, editor)  # composed again from the corrected document
        workflow.approve(issue, approver)
        workflow.publish(issue, approver)
        assert db.session.get(Document, document_id).state == "published"


@pytest.mark.both_databases
def test_publishing_refuses_documents_changed_behind_the_approval(app, tmp_path):
    """Even a change that went around every guard (a raw SQL write) is caught at publication:
    the PDF and metadata are compared with what the approved PDF was built from."""
    issue_id = approved_issue(app, tmp_path)
    with app.app_context():
        document_id, _ = _first_document(issue_id)
        db.session.execute(update(Document).where(Document.id == document_id)
                           .values(abstract="Đổi sau khi duyệt"))
        db.session.commit()
        issue, approver = db.session.get(Issue, issue_id), staff_pair()[1]
        notation = db.session.get(Document, document_id).notation
        with pytest.raises(workflow.IssueWorkflowError, match=f"{notation}.*đã thay đổi"):
            workflow.publish(issue, approver)
        db.session.rollback()
        assert db.session.get(Issue, issue_id).state == "approved"
        assert db.session.get(Document, document_id).state == "ready"


@pytest.mark.both_databases
def test_a_published_document_never_changes(app, client, runner, tmp_path):
    issue_id = approved_issue(app, tmp_path)
    other_pdf = issue_documents(tmp_path / "other", 1)[0].pdf_path
    with app.app_context():
        workflow.publish(db.session.get(Issue, issue_id), staff_pair()[1])
        document_id, form = _first_document(issue_id)
    _login(client, "lan")
    _try_every_route(app, client, runner, document_id, form, other_pdf)
    with app.app_context():
        document = db.session.get(Document, document_id)
        document.state = "withdrawn"  # nor is it taken back
        with pytest.raises(DocumentFrozen):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(Document, document_id).state == "published"
