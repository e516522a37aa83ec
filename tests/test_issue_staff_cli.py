"""Issues through the staff pages and the command line."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import func, select

from gazette_app.extensions import db
from gazette_app.models import (
    Document,
    DocumentRelation,
    GazetteTitle,
    Issue,
    IssueNumber,
    Volume,
    current_title_id,
)
from gazette_app.storage import get_store
from tests.support.records import ISSUE_DATE, load_documents
from tests.support.web import csrf_token


def _post(client, path, data=None, page="/staff/issues"):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)},
                       follow_redirects=True)


def test_staff_compose_reorder_approve_publish(app, client, auth, tmp_path):
    ids = load_documents(app, tmp_path, 4)
    auth.roles.update(lan="editor", hoa="approver")  # accounts made by _load
    auth.login("lan")
    page = _post(client, "/staff/issues/new", {"year": "2026", "numbers": "01",
                                               "date": ISSUE_DATE.isoformat(),
                                               "document": [str(i) for i in ids]})
    assert "Đã tạo bản nháp Số 01/2026" in page.get_data(as_text=True)
    with app.app_context():
        issue = db.session.scalar(select(Issue))
        issue_id, first, second = issue.id, *[e.document_id for e in issue.entries][:2]
    url = f"/staff/issues/{issue_id}"
    _post(client, f"{url}/move", {"document": str(second), "direction": "up"}, url)
    with app.app_context():
        assert [e.document_id for e in db.session.get(Issue, issue_id).entries][:2] == \
            [second, first]
    html = _post(client, f"{url}/compose", page=url).get_data(as_text=True)
    assert "Đã dàn trang" in html and "Mở PDF bản in" in html
    pdf = client.get(f"{url}/print.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) > 4
    assert _post(client, f"{url}/approve", page=url).status_code == 403  # an editor
    auth.logout()
    auth.login("hoa")
    assert "Đã duyệt" in _post(client, f"{url}/approve", page=url).get_data(as_text=True)
    html = _post(client, f"{url}/publish", page=url).get_data(as_text=True)
    assert "Đã phát hành" in html
    again = _post(client, f"{url}/publish", page=url).get_data(as_text=True)
    assert "Chỉ số đã duyệt" in again or "đã phát hành" in again
    with app.app_context():
        assert db.session.get(Issue, issue_id).state == "published"


def test_staff_bad_issue_input_is_explained(app, client, auth, tmp_path):
    load_documents(app, tmp_path, 1)
    auth.roles.update(lan="editor")
    auth.login("lan")
    bad = _post(client, "/staff/issues/new", {"year": "2026", "numbers": "x", "date": "hôm qua"})
    assert "không hợp lệ" in bad.get_data(as_text=True)
    gap = _post(client, "/staff/issues/new", {"year": "2026", "numbers": "7",
                                              "date": ISSUE_DATE.isoformat()})
    assert "Số tiếp theo phải là 01" in gap.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Issue)) == 0
    assert client.get("/staff/issues/9999").status_code == 404


def test_staff_pdf_upload_checks_the_file(app, client, auth, tmp_path):
    ids = load_documents(app, tmp_path, 1)
    auth.roles.update(lan="editor")
    auth.login("lan")
    url = f"/staff/documents/{ids[0]}"
    cases = [(b"", "Tệp rỗng"), (b"MZ\x90\x00 this is an exe", "không phải PDF"),
             (b"%PDF-1.7\n garbage", "bị hỏng")]
    for content, message in cases:
        response = client.post(f"{url}/pdf", data={
            "csrf_token": csrf_token(client, url),
            "pdf": (io.BytesIO(content), "../../etc/passwd.pdf")},
            content_type="multipart/form-data", follow_redirects=True)
        assert message in response.get_data(as_text=True), message
    with app.app_context():
        assert len(db.session.get(Document, ids[0]).files) == 1  # only the good one from _load


def test_cli_compose_approve_publish_and_export(app, runner, tmp_path):
    ids = load_documents(app, tmp_path, 3)
    with app.app_context():
        from search_index.analysis import fold
        unaccented = fold(db.session.get(Document, ids[1]).notation)  # "47/2026/QD-UBND"
    result = runner.invoke(args=["compose-issue", "--year", "2026", "--numbers", "1,2",
                                 "--date", ISSUE_DATE.isoformat(), "--by", "lan",
                                 str(ids[0]), unaccented, str(ids[2])])
    assert result.exit_code == 0, result.output
    assert "composed Số 01 + 02/2026" in result.output
    pages = [int(p) for p in re.findall(r"p\.\s*(\d+)", result.output)]
    assert pages == sorted(pages) and len(pages) == 3
    unknown = runner.invoke(args=["compose-issue", "--year", "2026", "--numbers", "3",
                                  "--date", "2026-08-10", "99/2026/QĐ-UBND"])
    assert unknown.exit_code == 1 and "0 documents match" in unknown.output
    reused = runner.invoke(args=["compose-issue", "--year", "2026", "--numbers", "2",
                                 "--date", "2026-08-10"])
    assert reused.exit_code == 1 and "đã dùng" in reused.output
    not_yet = runner.invoke(args=["publish-issue", "--year", "2026", "--number", "1"])
    assert not_yet.exit_code == 1 and "phải được duyệt" in not_yet.output
    assert runner.invoke(args=["approve-issue", "--year", "2026", "--number", "2",
                               "--by", "hoa"]).exit_code == 0
    published = runner.invoke(args=["publish-issue", "--year", "2026", "--number", "1",
                                    "--by", "hoa"])
    assert published.exit_code == 0 and "published Số 01 + 02/2026" in published.output
    out = tmp_path / "so-01.pdf"
    exported = runner.invoke(args=["issue-pdf", "--year", "2026", "--number", "2",
                                   "--out", str(out)])
    assert exported.exit_code == 0
    import hashlib
    with app.app_context():
        issue = db.session.scalar(select(Issue))
        assert hashlib.sha256(out.read_bytes()).hexdigest() == issue.pdf_sha256
    missing = runner.invoke(args=["issue-pdf", "--year", "2026", "--number", "5",
                                  "--out", str(out)])
    assert missing.exit_code == 1 and "no issue number 5" in missing.output


def test_full_demo_publishes_issues(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        issues = db.session.scalars(select(Issue)).all()
        assert len(issues) >= 5 and all(i.state == "published" for i in issues)
        assert any(len(i.numbers) == 2 for i in issues)
        numbers = sorted(db.session.scalars(select(IssueNumber.number).where(
            IssueNumber.title_id == current_title_id())))
        assert numbers == list(range(1, len(numbers) + 1))
        for issue in issues:
            assert all(e.document.issued <= issue.date for e in issue.entries)
        assert db.session.scalar(select(func.count()).select_from(Document).where(
            Document.state == "published")) == sum(len(i.entries) for i in issues)
    assert "volume bound: Quý II/2026" in result.output  # the demo's complete quarter
    # ... and a former province's title with past issues brought in from their PDFs
    assert "former title: Công báo tỉnh Bình Phước, Số 22 + 23/2024" in result.output
    assert "former title: Công báo tỉnh Bình Phước: tập Quý II/2024" in result.output
    with app.app_context():
        former = db.session.scalar(select(GazetteTitle).where(GazetteTitle.slug == "binh-phuoc"))
        past = db.session.scalars(select(Issue).where(Issue.title_id == former.id)).all()
        assert sorted(i.label for i in past) == ["Số 20", "Số 21", "Số 22 + 23"]
        assert all(i.year == 2024 and i.state == "published" for i in past)
        volume = db.session.scalar(select(Volume).where(Volume.title_id == former.id))
        assert volume.label == "Quý II/2024" and len(volume.issues) == 3
        manifest = get_store().path(volume.manifest_sha256).read_text(encoding="utf-8")
        assert all(i.pdf_sha256 in manifest for i in past)  # the imported PDFs, as kept
        across = db.session.scalars(select(DocumentRelation).where(
            DocumentRelation.confirmed.is_(True))).all()
        assert any(r.target is not None and r.target.issuer.name == "UBND tỉnh Bình Phước"
                   and r.source.published_entry.issue.title.current for r in across)
    again = runner.invoke(args=["demo"])
    assert "published" not in again.output.replace("demo admin", "")
    assert "volume bound" not in again.output and "former title" not in again.output
