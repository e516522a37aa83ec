"""The public site: readable URLs, issue pages, document pages, files, feeds, sitemap."""
from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import func, select

from gazette_app.extensions import db
from gazette_app.models import Document, DocumentRelation, Issue, User, public_documents
from gazette_app.services.documents import resolve_flag
from gazette_app.services.records import import_records
from tests.support.paths import DEMO_RECORDS
from tests.support.web import AuthActions


@pytest.fixture(scope="module")
def demo(demo_app):
    return demo_app


@pytest.fixture
def client(demo):
    return demo.test_client()


def test_id_urls_redirect_to_readable_urls(demo, client):
    with demo.app_context():
        doc = db.session.scalar(select(Document).where(Document.notation == "47/2026/QĐ-UBND"))
        doc_id = doc.id
    response = client.get(f"/van-ban/{doc_id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/van-ban/ubnd-tinh/2026/47-2026-qd-ubnd")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "47/2026/QĐ-UBND" in page.get_data(as_text=True)
    assert client.get("/van-ban/ubnd-tinh/2026/47-2026-qd-ubnd-x").status_code == 404
    assert client.get("/van-ban/ubnd-tinh/2026/../../etc").status_code == 404
    assert client.get("/van-ban/999999").status_code == 404
    with demo.app_context():
        assert db.session.get(Document, doc_id).view_count >= 1


def test_same_notation_from_two_documents_asks_which(app):
    """Two documents of one issuer with one notation, found distinct by staff, both public."""
    app.config["SHOW_UNPUBLISHED"] = True
    client = app.test_client()
    AuthActions(app, client).create("lan", "editor")
    with app.app_context(), DEMO_RECORDS.open(encoding="utf-8") as handle:
        import_records(line for line in handle if '"22/NQ-HĐND"' in line)
        twins = db.session.scalars(select(Document).where(
            Document.notation == "22/NQ-HĐND", Document.issuer.has(code="hdnd-tinh"))).all()
        assert len(twins) == 2
        flag = twins[1].flags[0]
        assert client.get("/van-ban/hdnd-tinh/2026/22-nq-hdnd").status_code == 200  # one
        resolve_flag(flag, "distinct", db.session.scalar(select(User)))
        second = twins[1].id
    response = client.get("/van-ban/hdnd-tinh/2026/22-nq-hdnd")
    assert response.status_code == 300 and "Có 2 văn bản cùng số ký hiệu" in \
        response.get_data(as_text=True)
    chosen = client.get(f"/van-ban/hdnd-tinh/2026/22-nq-hdnd?id={second}")
    assert chosen.status_code == 200


def test_issue_page_lists_contents_with_pages_and_links(demo, client):
    with demo.app_context():
        issue = db.session.scalar(select(Issue).where(Issue.year == 2026).order_by(Issue.id))
        entries = [(f"{e.document.issuer.code}/{e.document.year}/{e.document.slug}",
                    e.document.notation, issue.first_page + e.start_page - 1)
                   for e in issue.entries]
        number = issue.number_list[0]
    html = client.get(f"/cong-bao/2026/{number}").get_data(as_text=True)
    assert "Mục lục" in html and "PHẦN VĂN BẢN" in html
    for readable, notation, page in entries:  # contents link the readable URL (issue 17)
        assert f"/van-ban/{readable}\">" in html and notation in html and f"tr. {page}<" in html
    assert client.get("/cong-bao/2026/3").headers["Location"].endswith("/cong-bao/2026/2")
    by_year = client.get("/cong-bao/2026").get_data(as_text=True)
    assert "Quý II/2026" in by_year and "Quý III/2026" in by_year and "Số 02 + 03" in by_year
    # newest first (issue 17): Quý III before Quý II, and each PDF's size is given
    assert by_year.index("Quý III/2026") < by_year.index("Quý II/2026")
    assert re.search(r"PDF, \d+\u00a0KB", by_year) or re.search(r"PDF, \d+,\d\u00a0MB", by_year)
    assert "bản kê mã băm" not in by_year
    pdf = client.get("/cong-bao/2026/1.pdf?tai=1")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert client.get("/cong-bao/2026/1.pdf?ban=dien-tu").status_code == 404  # not signed
    assert client.get("/cong-bao/2030/1").status_code == 404


def test_document_page_shows_issue_page_citation_relations_and_file(demo, client):
    with demo.app_context():
        issue = db.session.scalar(select(Issue).order_by(Issue.id))
        entry = issue.entries[0]
        doc, other = entry.document, issue.entries[1].document
        db.session.add(DocumentRelation(source_id=other.id, kind="amends", target_id=doc.id,
                                        target_text=doc.notation, confirmed=True))
        db.session.commit()
        url = f"/van-ban/{doc.id}"
        page = issue.first_page + entry.start_page - 1
        pdf_id, label = doc.file("pdf").id, issue.label
        doc_id, other_id = doc.id, other.id
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    assert f"Công báo tỉnh Sơn La, {label}/2026, tr. {page}" in html
    assert "Được sửa đổi, bổ sung bởi" in html
    inline = client.get(f"/van-ban/{doc_id}/tep/{pdf_id}")
    assert inline.status_code == 200 and inline.mimetype == "application/pdf"
    assert "inline" in inline.headers.get("Content-Disposition", "inline")
    assert inline.headers["X-Content-Type-Options"] == "nosniff"
    download = client.get(f"/van-ban/{doc_id}/tep/{pdf_id}?tai=1")
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/van-ban/{other_id}/tep/{pdf_id}").status_code == 404  # not its file
    with demo.app_context():
        assert db.session.get(Document, doc_id).download_count >= 1


def test_feeds_and_sitemap_are_valid_xml(demo, client):
    atom = "{http://www.w3.org/2005/Atom}"
    issues = ET.fromstring(client.get("/feeds/cong-bao.atom").data)
    entries = issues.findall(f"{atom}entry")
    with demo.app_context():
        published = db.session.scalar(select(func.count()).select_from(Issue).where(
            Issue.state == "published"))
        public = db.session.scalar(select(func.count()).select_from(Document).where(
            public_documents()))
    assert len(entries) == min(published, 50) and "Công báo Số" in entries[0].find(
        f"{atom}title").text
    by_issuer = ET.fromstring(client.get("/feeds/van-ban.atom?issuer=hdnd-tinh").data)
    titles = [e.find(f"{atom}title").text for e in by_issuer.findall(f"{atom}entry")]
    assert titles and all("HĐND tỉnh" in t for t in titles)
    unknown = ET.fromstring(client.get("/feeds/van-ban.atom?issuer=<x>").data)
    assert unknown.findall(f"{atom}entry") == []
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [n.text for n in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == 2 + published + public and any(re.search(r"/van-ban/[a-z-]+/2026/", u)
                                                       for u in locs)


def test_home_shows_latest_issues_and_documents(demo, client):
    with demo.app_context():
        latest = db.session.scalar(select(Issue).where(Issue.state == "published")
                                   .order_by(Issue.date.desc(), Issue.id.desc()))
        label = f"{latest.label}/{latest.year}"
    html = client.get("/").get_data(as_text=True)
    assert "Số Công báo mới" in html and label in html and "Văn bản mới" in html
    assert 'property="og:title"' in html and "application/atom+xml" in html
