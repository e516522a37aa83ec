"""What the public sees is the legal record: only documents published in an issue, each with
the validity its dates and relations give it today in Vietnam. Staff see everything."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from gazette_app import clock
from gazette_app.extensions import db
from gazette_app.models import Document, Issue, public_documents
from gazette_app.search import get_backend
from gazette_app.services import issues as workflow
from search_index.analysis import slugify
from search_index.model import SearchQuery
from tests.support.records import load_documents, staff_pair

ISSUE_DATE = date(2026, 8, 10)


def _public_urls(client, document: Document) -> dict[str, int]:
    """Every public way to a document, with the status each answers."""
    pdf = document.file("pdf")
    readable = f"/van-ban/{document.issuer.code}/{document.year}/{document.slug}"
    return {
        f"/van-ban/{document.id}": client.get(f"/van-ban/{document.id}").status_code,
        readable: client.get(readable).status_code,
        "pdf": client.get(f"/van-ban/{document.id}/tep/{pdf.id}").status_code if pdf else 404,
        "api": client.get(f"/api/v1/documents/{document.id}").status_code,
        "api pdf": client.get(f"/api/v1/documents/{document.id}/pdf").status_code,
        # the feedback form is for anyone, but names only a public document
        "feedback": 200 if document.notation in client.get(
            f"/gop-y?van-ban={document.id}").get_data(as_text=True) else 404,
    }


def _everywhere(client, document_id: int, notation: str) -> dict[str, bool]:
    """Whether the document appears in search, the API by notation, feeds, sitemap, home."""
    search = client.get("/api/v1/search", query_string={"q": notation}).get_json()
    by_notation = client.get("/api/v1/documents", query_string={"notation": notation}).get_json()
    page = client.get("/tim-kiem", query_string={"q": notation}).get_data(as_text=True)
    document = db.session.get(Document, document_id)
    readable = f"/van-ban/{document.issuer.code}/{document.year}/{document.slug}\""
    return {
        "search": document_id in [r["id"] for r in search["results"]],
        "search count": search["total"] > 0,
        "search page": readable in page,  # hits link the readable URL (issue 17)
        "by notation": document_id in [r["id"] for r in by_notation["results"]],
        "feed": f"/{slugify(notation)}<" in client.get("/feeds/van-ban.atom").get_data(
            as_text=True).replace('"', "<"),
        "sitemap": f"/{slugify(notation)}<" in client.get("/sitemap.xml").get_data(as_text=True),
        "home": notation in client.get("/").get_data(as_text=True),
    }


@pytest.mark.both_databases
def test_a_document_is_public_once_its_issue_is_published(app, client, tmp_path):
    ids = load_documents(app, tmp_path, 3)
    with app.app_context():
        editor, approver = staff_pair()
        document = db.session.get(Document, ids[0])
        notation = document.notation
        issue = workflow.create_issue(2026, [1], ISSUE_DATE, ids, editor)
        stages = {}
        for stage in ("ready", "draft", "approved"):
            if stage == "approved":
                workflow.compose(issue, editor)
                workflow.approve(issue, approver)
            stages[stage] = (_public_urls(client, db.session.get(Document, ids[0])),
                             _everywhere(client, ids[0], notation))
        assert get_backend().search(SearchQuery(text="")).total == 0  # counts and facets too
        workflow.publish(issue, approver)
        published = (_public_urls(client, db.session.get(Document, ids[0])),
                     _everywhere(client, ids[0], notation))
    for stage, (urls, found) in stages.items():
        assert set(urls.values()) == {404}, (stage, urls)  # 404, never 403
        assert not any(found.values()), (stage, found)
    urls, found = published
    assert urls[f"/van-ban/{ids[0]}"] == 301 and urls["api"] == urls["api pdf"] == 200
    assert all(code in (200, 301) for code in urls.values()), urls
    assert all(found.values()), found


def test_staff_see_unpublished_documents_and_the_setting_shows_them_marked(
        app, client, auth, tmp_path):
    ids = load_documents(app, tmp_path, 1)
    auth.login("bien-tap", role="editor")
    assert client.get(f"/staff/documents/{ids[0]}").status_code == 200
    anonymous = app.test_client()
    assert anonymous.get(f"/van-ban/{ids[0]}").status_code == 404
    app.config["SHOW_UNPUBLISHED"] = True
    page = anonymous.get(f"/van-ban/{ids[0]}", follow_redirects=True)
    assert page.status_code == 200 and "chưa đăng Công báo" in page.get_data(as_text=True)


@pytest.fixture(scope="module")
def demo(demo_app):
    return demo_app


def test_on_the_demo_nothing_unpublished_is_public(demo):
    client = demo.test_client()
    with demo.app_context():
        hidden = db.session.scalars(select(Document).where(~public_documents())).all()
        assert hidden, "the demo keeps documents waiting (the probable duplicates)"
        assert all(d.state != "published" for d in hidden)
        for document in hidden:
            urls = _public_urls(client, document)
            twin = db.session.scalar(select(Document.id).where(
                public_documents(), Document.issuer_id == document.issuer_id,
                Document.notation == document.notation))
            if twin:  # its readable URL is the published document's of the same notation
                page = client.get(f"/van-ban/{document.issuer.code}/{document.year}/"
                                  f"{document.slug}").get_data(as_text=True)
                assert f"van-ban={twin}" in page and f"van-ban={document.id}\"" not in page
                urls.pop(f"/van-ban/{document.issuer.code}/{document.year}/{document.slug}")
            assert set(urls.values()) == {404}, (document.notation, urls)
            found = client.get("/api/v1/search", query_string={"q": document.notation,
                                                               "size": 50}).get_json()
            assert document.id not in [r["id"] for r in found["results"]]
        sitemap = client.get("/sitemap.xml").get_data(as_text=True)
        assert not any(f"/{d.year}/{d.slug}<" in sitemap and d.issuer.code in sitemap
                       and not db.session.scalar(select(Document.id).where(
                           public_documents(), Document.issuer_id == d.issuer_id,
                           Document.notation == d.notation)) for d in hidden)
        public = db.session.scalar(select(db.func.count()).select_from(Document)
                                   .where(public_documents()))
        assert get_backend().count() == public


def _expected_status(document: Document, today: date) -> str:
    """From first principles: the dates, and a repeal confirmed by an archived document."""
    repeals = [r for r in document.acted_on_by if r.kind in ("repeals", "replaces")]
    if any((r.source.effective or r.source.issued) <= today for r in repeals):
        return "partly_expired" if all(r.partial for r in repeals) else "expired"
    if document.expires and document.expires <= today:
        return "expired"
    if document.effective and document.effective > today:
        return "not_yet_in_force"
    return "in_force"


def test_on_the_demo_every_status_agrees_with_the_dates_today(demo):
    client = demo.test_client()
    today = clock.today()
    with demo.app_context():
        documents = db.session.scalars(select(Document).where(public_documents())).all()
        expected = {d.id: _expected_status(d, today) for d in documents}
        assert "expired" in expected.values(), "1760/QĐ-UBND repeals 1329/QĐ-UBND in the demo"
        for document in documents:
            assert document.status == expected[document.id], document.notation  # index's copy
        sample = [d for d in documents if expected[d.id] != "in_force"] + documents[:5]
        for document in sample:
            api = client.get(f"/api/v1/documents/{document.id}").get_json()
            assert api["status"] == expected[document.id], document.notation
        facets = client.get("/api/v1/search?size=1").get_json()["facets"]["status"]
        # facets answer {code, label, count} (issue 17)
        assert {f["code"]: f["count"] for f in facets} == Counter(expected.values())
        repealed = db.session.scalar(select(Document).where(Document.notation == "1329/QĐ-UBND"))
        page = client.get(f"/van-ban/{repealed.id}", follow_redirects=True).get_data(as_text=True)
        assert "Hết hiệu lực toàn bộ" in page and "bị bãi bỏ bởi" in page \
            and "1760/QĐ-UBND" in page


def test_the_demo_lived_a_year(demo):
    """Receipts follow the signatures, issues the real dates, the dashboard and statistics
    tell that story."""
    with demo.app_context():
        documents = db.session.scalars(select(Document)).all()
        lags = [(clock.local_day(d.received_at) - d.issued).days for d in documents]
        assert min(lags) >= 1 and max(lags) <= 16
        assert sum(lag > 5 for lag in lags) >= 3  # a few issuers sent late
        issues = db.session.scalars(select(Issue).order_by(Issue.date)).all()
        assert issues[0].label == "Số 01" and issues[1].label == "Số 02 + 03"
        for issue in issues:
            assert clock.local_day(issue.published_at) == issue.date
            for entry in issue.entries:
                assert entry.document.received_at < issue.published_at
    client = demo.test_client()
    client.post("/login", data={"username": "admin", "password": (
        __import__("pathlib").Path(demo.instance_path) / "demo-admin-password").read_text(),
        "csrf_token": __import__("tests.conftest", fromlist=["csrf_token"]).csrf_token(client)})
    second = client.get("/staff/thong-ke?nam=2026&quy=2").get_data(as_text=True)
    assert "Quý II/2026" in second
    with demo.app_context():
        from gazette_app.services.statistics import build_report, quarter_bounds
        q2 = build_report(*quarter_bounds(2026, 2), "Quý II/2026")
        q4 = build_report(*quarter_bounds(2026, 4), "Quý IV/2026")
        assert q2.received > 100 and q2.published > 100 and q2.issues > 5
        assert q4.received == 0 and q4.published == 0
