"""The staff UI: documents list and filters, document page, edits and duplicate review audited."""
from sqlalchemy import select

from gazette_app.extensions import db
from gazette_app.models import AuditEvent, Document
from gazette_app.services.records import import_records
from tests.support.paths import DEMO_RECORDS
from tests.support.web import csrf_token


def _load_demo(app):
    with app.app_context(), DEMO_RECORDS.open(encoding="utf-8") as handle:
        import_records(handle)


def test_documents_list_filters(app, client, auth):
    _load_demo(app)
    auth.login("lan", role="editor")
    page = client.get("/staff/documents").get_data(as_text=True)
    assert "367 mục" in page
    legal = client.get("/staff/documents?legal=1").get_data(as_text=True)
    assert "21 mục" in legal
    by_number = client.get("/staff/documents?q=47/2026/qd-ubnd").get_data(as_text=True)
    assert "1 mục" in by_number and "47/2026/QĐ-UBND" in by_number  # folded key matches
    flagged = client.get("/staff/documents?review=flagged").get_data(as_text=True)
    assert "1367/QĐ-UBND" in flagged and "nghi trùng" in flagged
    unaccented = client.get("/staff/documents?q=21/NQ-HDND").get_data(as_text=True)
    assert "4 mục" in unaccented
    assert client.get("/staff/documents?page=999").status_code == 200
    assert client.get("/staff/documents?issuer=abc&year=x&status=<b>").status_code == 200


def test_edit_is_validated_and_audited(app, client, auth):
    _load_demo(app)
    auth.login("lan", role="editor")
    with app.app_context():
        doc = db.session.scalar(select(Document).where(Document.notation == "47/2026/QĐ-UBND"))
        doc_id, abstract = doc.id, doc.abstract
    token = csrf_token(client, f"/staff/documents/{doc_id}")
    form = {"number": "47/2026/QĐ-UBND", "doc_type": "Quyết định của UBND tỉnh",
            "abstract": abstract + " (sửa)", "signer": "Chủ tịch UBND Nguyễn Đình Việt",
            "issued": "2026-07-20", "effective": "", "expires": "", "field": "",
            "status": "in_force", "csrf_token": token}
    bad = client.post(f"/staff/documents/{doc_id}/edit", data={**form, "number": "xyz"})
    assert bad.status_code == 400
    assert "không đúng dạng" in bad.get_data(as_text=True)
    ok = client.post(f"/staff/documents/{doc_id}/edit", data=form)
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(Document, doc_id).abstract.endswith("(sửa)")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.update"))
        assert event.actor_name == "lan" and event.object_id == str(doc_id)
        assert event.before["abstract"] == abstract
        assert event.after["abstract"] == abstract + " (sửa)"
    trail = client.get(f"/staff/documents/{doc_id}").get_data(as_text=True)
    # The trail reads in the office's words: the action and the field, not their codes.
    assert "Sửa thông tin văn bản" in trail and "Trích yếu:" in trail
    assert "document.update" not in trail and ">abstract<" not in trail


def test_duplicate_review(app, client, auth):
    _load_demo(app)
    auth.login("lan", role="editor")
    with app.app_context():
        doc = db.session.scalars(select(Document).where(
            Document.notation == "1367/QĐ-UBND").order_by(Document.id)).all()[-1]
        flag_id, doc_id = doc.flags[0].id, doc.id
    page = client.get(f"/staff/documents/{doc_id}").get_data(as_text=True)
    assert "Trùng cơ quan ban hành, số ký hiệu và năm" in page
    token = csrf_token(client, f"/staff/documents/{doc_id}")
    response = client.post(f"/staff/flags/{flag_id}/resolve",
                           data={"resolution": "duplicate", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc.state == "withdrawn" and doc.review == "ok"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.review"))
        assert event.before["state"] == "received" and event.after["state"] == "withdrawn"
    assert client.post(f"/staff/flags/{flag_id}/resolve",
                       data={"resolution": "maybe", "csrf_token": token}).status_code == 400


def test_audit_page_and_unknown_document(client, auth):
    auth.login("admin", role="admin")
    assert "auth.login" in client.get("/staff/audit").get_data(as_text=True)
    assert client.get("/staff/documents/999999").status_code == 404


def test_health_and_api_errors(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    missing = client.get("/api/v1/documents/12345")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
