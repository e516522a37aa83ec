"""Search in the app: the index follows the database, the page and the API answer."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from gazette_app.extensions import db
from gazette_app.models import Document, SearchOutbox
from gazette_app.search import get_backend
from gazette_app.services.records import import_records
from search_index.model import SearchQuery
from tests.support.records import load_public_demo_records
from tests.support.web import csrf_token


def _ids(client, query: str) -> list[int]:
    return [r["id"] for r in client.get("/api/v1/search", query_string={"q": query})
            .get_json()["results"]]


def test_imported_documents_are_searchable_at_once(app, client):
    load_public_demo_records(app)
    data = client.get("/api/v1/search?q=47/2026/qd-ubnd").get_json()
    assert data["total"] == 1 and data["results"][0]["notation"] == "47/2026/QĐ-UBND"
    assert data["results"][0]["url"].endswith("/van-ban/ubnd-tinh/2026/47-2026-qd-ubnd")  # the
    # readable URL (issue 17), not the redirecting /van-ban/<id>
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
        # The six flagged as probable duplicates wait for review: not public, not indexed.
        assert get_backend().count() == 361


def test_edit_and_withdrawal_reach_the_index(app, client, auth):
    load_public_demo_records(app)
    auth.login("lan", role="editor")
    with app.app_context():
        doc = db.session.scalar(select(Document).where(Document.notation == "921/QĐ-UBND"))
        doc_id, form = doc.id, {"number": doc.notation, "doc_type": doc.doc_type,
                                "abstract": "Về việc miễn nhiệm Báo cáo viên pháp luật cấp "
                                            "tỉnh năm hai nghìn hai mươi sáu",
                                "signer": doc.signer, "issued": doc.issued.isoformat(),
                                "status": doc.status}
        duplicate = db.session.scalars(select(Document).where(
            Document.notation == "1367/QĐ-UBND").order_by(Document.id)).all()[-1]
        dup_id, flag_id = duplicate.id, duplicate.flags[0].id
    form["csrf_token"] = csrf_token(client, f"/staff/documents/{doc_id}")
    assert client.post(f"/staff/documents/{doc_id}/edit", data=form).status_code == 302
    assert _ids(client, "hai nghin hai muoi sau") == [doc_id]
    assert dup_id not in _ids(client, "1367/QĐ-UBND")  # flagged: waits for review, not public
    client.post(f"/staff/flags/{flag_id}/resolve", data={
        "resolution": "distinct", "csrf_token": csrf_token(client, f"/staff/documents/{dup_id}")})
    assert dup_id in _ids(client, "1367/QĐ-UBND") and len(_ids(client, "1367/QĐ-UBND")) == 2
    with app.app_context():
        other = db.session.scalars(select(Document).where(
            Document.notation == "22/NQ-HĐND", Document.review == "flagged")).first()
        other_id, other_flag = other.id, other.flags[0].id
        kept = other.flags[0].candidate_id
    assert kept in _ids(client, "22/NQ-HĐND")
    client.post(f"/staff/flags/{other_flag}/resolve", data={
        "resolution": "duplicate",
        "csrf_token": csrf_token(client, f"/staff/documents/{other_id}")})
    with app.app_context():
        assert db.session.get(Document, other_id).state == "withdrawn"
    assert other_id not in _ids(client, "22/NQ-HĐND") and kept in _ids(client, "22/NQ-HĐND")


def test_a_failed_index_update_is_finished_later_from_the_outbox(app, client, runner, monkeypatch):
    with app.app_context():
        backend = get_backend()
    original = backend.index

    def broken(documents):
        raise OSError("disk full while indexing")

    monkeypatch.setattr(backend, "index", broken)
    load_public_demo_records(app)  # the database commit succeeds; the index update fails after it
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == 367
        assert db.session.scalar(select(func.count(SearchOutbox.document_id.distinct()))) == 367
    monkeypatch.setattr(backend, "index", original)
    result = runner.invoke(args=["search-sync"])
    assert "index updated for 367 documents" in result.output
    assert _ids(client, "47/2026")


def test_first_request_catches_up_with_the_outbox(app, client, monkeypatch):
    with app.app_context():
        backend = get_backend()
    original = backend.index
    monkeypatch.setattr(backend, "index", lambda documents: (_ for _ in ()).throw(OSError()))
    load_public_demo_records(app)
    monkeypatch.setattr(backend, "index", original)
    app.extensions.pop("gazette_search_caught_up", None)  # as in a freshly started process
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
        assert backend.count() == 361  # the six flagged documents are not public


def test_reindex_rebuilds_from_the_database(app, runner):
    load_public_demo_records(app)
    with app.app_context():
        get_backend().clear()
        assert get_backend().count() == 0
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "indexed 361 documents with tantivy" in result.output
    with app.app_context():
        assert get_backend().search(SearchQuery(text="quy hoach chung xa")).total == 22


def test_published_issue_number_is_a_filter(app, client, tmp_path):
    from datetime import date

    from gazette_app.services import issues as workflow
    from tests.support.records import load_documents
    ids = load_documents(app, tmp_path, 3)
    with app.app_context():
        from tests.support.records import staff_pair
        editor, approver = staff_pair()
        issue = workflow.create_issue(2026, [1], date(2026, 8, 10), ids[:2], editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        workflow.publish(issue, approver)
    data = client.get("/api/v1/search?issue=1&year=2026").get_json()
    assert sorted(r["id"] for r in data["results"]) == sorted(ids[:2])


def test_api_parameters_and_pages(app, client):
    load_public_demo_records(app)
    page = client.get("/api/v1/search?size=50&page=8").get_json()
    assert page["total"] == 361 and len(page["results"]) == 11 and page["pages"] == 8
    # past the last page: a 400 naming "page" (issue 17; it was an empty 200)
    assert client.get("/api/v1/search?size=50&page=9").get_json()["error"]["field"] == "page"
    for query, field in [("size=0", "size"), ("size=51", "size"), ("page=0", "page"),
                         ("page=abc", "page"), ("legal=maybe", "legal"),
                         ("date_from=31-12-2026", "date_from"), ("status=<b>", "status"),
                         ("year=99999", "year"), ("sort=random", "sort")]:
        response = client.get(f"/api/v1/search?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["error"]["field"] == field
    facets = client.get("/api/v1/search?q=quy+hoach").get_json()["facets"]
    assert set(facets) == {"issuer", "doc_type", "year", "status"}
    # facets answer {code, label, count} (issue 17): the code is what the filter takes
    assert facets["year"] == [{"code": "2026", "label": "2026",
                               "count": facets["year"][0]["count"]}]


def test_search_page_without_javascript_escapes_metadata(app, client):
    record = {"number": "99/QĐ-UBND", "issued": "2026-07-01", "issuer": "UBND Tỉnh",
              "doc_type": "Quyết định của UBND tỉnh", "status": "Đang hiệu lực",
              "abstract": "Phê duyệt <script>alert(1)</script> quy hoạch thủy lợi",
              "signer": "", "source_url": "https://example.test/99"}
    app.config["SHOW_UNPUBLISHED"] = True
    with app.app_context():
        import_records([json.dumps(record, ensure_ascii=False)])
    html = client.get("/tim-kiem?q=quy+hoach+thuy+loi").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<mark>thủy</mark> <mark>lợi</mark>" in html
    assert "<script" not in html.split("<main", 1)[1]  # the page needs no script at all
    suggestion = client.get("/tim-kiem?q=thuy+lio").get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in suggestion and "thuy loi" in suggestion
    assert client.get("/tim-kiem?q=%22&page=abc&year=x").status_code == 200


def _search_the_demo_with(app, client, backend: str) -> None:
    """The demo loaded with SEARCH_BACKEND=``backend``, searched through the API."""
    app.config["SEARCH_BACKEND"] = backend
    app.extensions.pop("gazette_search", None)
    load_public_demo_records(app)
    data = client.get("/api/v1/search?q=quy+hoach+chung+xa+chieng+hac").get_json()
    assert data["total"] >= 1 and data["results"][0]["notation"] == "1218/QĐ-UBND"
    assert "<mark>" in data["results"][0]["highlights"]["abstract"]


@pytest.mark.postgres_only
def test_postgres_search_backend_in_the_app(app, client):
    _search_the_demo_with(app, client, "postgres")


def test_whoosh_remains_an_embedded_option(app, client):
    _search_the_demo_with(app, client, "whoosh")
