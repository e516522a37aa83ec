"""Quarterly volumes: built from published issues and read back (order, index pages, right-hand
starts, bookmarks, labels), the manifest's hashes, `verify` passing then naming the damaged
file, and citations leading back to every document."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from gazette_app.extensions import db
from gazette_app.models import Document, Issue, User, Verification, Volume
from gazette_app.services import issues as workflow
from gazette_app.services.citations import JSON_SCHEMA_PATTERN as CITATION_PATTERN
from gazette_app.services.citations import parse_citation
from gazette_app.services.volumes import build_volume, verify
from gazette_app.storage import get_store
from search_index.analysis import fold
from tests.support.issues import page_texts
from tests.support.records import load_documents

# Three issues in the third quarter (one a double issue), one in the fourth.
ISSUES = [([1], date(2026, 8, 10), 3), ([2, 3], date(2026, 8, 20), 4),
          ([4], date(2026, 9, 15), 2), ([5], date(2026, 10, 2), 2)]
END_OF_QUARTER = date(2026, 10, 1)


def _publish_quarter(app, tmp_path) -> list[int]:
    ids = load_documents(app, tmp_path, sum(count for _, _, count in ISSUES))
    issue_ids, offset = [], 0
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.username == "lan"))
        approver = db.session.scalar(select(User).where(User.username == "hoa"))
        for numbers, day, count in ISSUES:
            issue = workflow.create_issue(2026, numbers, day, ids[offset:offset + count], editor)
            offset += count
            workflow.compose(issue, editor)
            workflow.approve(issue, approver)
            workflow.publish(issue, approver)
            issue_ids.append(issue.id)
    return issue_ids


@pytest.fixture
def quarter(app, tmp_path):
    return _publish_quarter(app, tmp_path)


def _volume_path(app, volume: Volume):
    return get_store().path(volume.pdf_sha256)


@pytest.mark.both_databases
def test_volume_binds_the_quarter_in_order_with_index_and_right_hand_starts(app, quarter):
    with app.app_context():
        result = build_volume(2026, 3, double_sided=True)
        volume, built = result.volume, result.built
        assert [i.label for i in volume.issues] == ["Số 01", "Số 02 + 03", "Số 04"]
        path = _volume_path(app, volume)
        reader = PdfReader(str(path))
        assert len(reader.pages) == volume.page_count == built.page_count
        assert volume.sheet_count == (volume.page_count + 1) // 2
        texts = page_texts(path)
        assert "CÔNG BÁO" in texts[0] and "QUÝ III/2026" in texts[0]
        for label, day in (("Số 01", "10/8/2026"), ("Số 02 + 03", "20/8/2026"),
                           ("Số 04", "15/9/2026")):
            row = next(line for line in texts[0].splitlines() if label in line)
            assert day in row and str(built.issue_starts[next(
                str(i.id) for i in volume.issues if i.label == label)]) == row.split()[-1]
        assert "XUẤT BẢN" in texts[1] and "Tập lưu trữ gồm 3 số" in texts[1]  # the verso
        issues = {str(i.id): i for i in db.session.scalars(select(Issue))}
        starts = built.issue_starts
        order = sorted(starts, key=starts.get)
        assert [issues[key].label for key in order] == ["Số 01", "Số 02 + 03", "Số 04"]
        for key, start in starts.items():
            assert start % 2 == 1, "every issue starts on a right-hand (odd) page"
            issue = issues[key]
            assert issue.label in texts[start - 1]  # its own cover
            assert "CÔNG BÁO " + issue.label in texts[start - 3]  # the separator before it
            assert texts[start - 2].strip() == ""  # the separator's blank back
            original = PdfReader(str(get_store().path(issue.pdf_sha256)))
            assert len(original.pages) == issue.page_count
        # The index: each line's volume page is where the notation appears.
        documents = db.session.scalars(select(Document).where(
            Document.state == "published")).all()
        in_quarter = [d for d in documents if d.published_entry.issue.date < END_OF_QUARTER]
        index_text = "\n".join(texts[2:built.front_pages])
        assert "Trang trong số" in index_text and "Trang trong tập" in index_text
        for document in in_quarter:
            page = built.document_pages[str(document.id)]
            assert fold(document.notation) in fold(texts[page - 1]), document.notation
            line = next(line for line in index_text.splitlines()
                        if f"số {document.notation} " in line)
            assert line.split()[-1] == str(page), line
            assert line.split()[-2] == str(document.published_page), line
        assert len(in_quarter) == 9
        # Bookmarks: volume > issue > part > document.
        outline = reader.outline
        assert reader.get_destination_page_number(outline[0]) == 0
        children = outline[1]
        titles = [item.title for item in children if not isinstance(item, list)]
        assert titles[0] == "Bìa và mục lục tổng hợp"
        assert titles[-1] == "PHỤ LỤC: Bản kê tệp và mã kiểm tra"
        assert [t for t in titles if t.startswith("Số")] == [
            "Số 01 ngày 10/8/2026", "Số 02 + 03 ngày 20/8/2026", "Số 04 ngày 15/9/2026"]
        # Page labels name the issue and its printed page: what a citation names.
        first = in_quarter[0]
        label = reader.page_labels[built.document_pages[str(first.id)] - 1]
        entry = first.published_entry
        assert label == f"{entry.issue.label}, tr. {first.published_page}"
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_single_sided_volume_has_no_blank_backs(app, quarter):
    with app.app_context():
        built = build_volume(2026, 3, double_sided=False).built
        issues = db.session.scalars(select(Issue).where(Issue.date < END_OF_QUARTER)
                                    .order_by(Issue.date)).all()
        starts = sorted(built.issue_starts.values())
        assert built.sheet_count == built.page_count
        assert starts[1] - starts[0] == issues[0].page_count + 1  # only the separator between


def test_manifest_lists_every_file_with_matching_hashes(app, quarter):
    with app.app_context():
        volume = build_volume(2026, 3).volume
        store = get_store()
        manifest = json.loads(store.path(volume.manifest_sha256).read_bytes())
        assert manifest["pdf_sha256"] == volume.pdf_sha256
        assert manifest["content_sha256"] == volume.content_sha256
        assert hashlib.sha256(store.path(volume.pdf_sha256).read_bytes()).hexdigest() == \
            volume.pdf_sha256
        listed = 0
        for issue in manifest["issues"]:
            assert store.hash_of(issue["pdf_sha256"]) == issue["pdf_sha256"]
            for document in issue["documents"]:
                for item in document["files"]:
                    assert store.hash_of(item["sha256"]) == item["sha256"]
                    assert store.path(item["sha256"]).stat().st_size == item["size"]
                    listed += 1
        assert listed == 9
        texts = page_texts(store.path(volume.pdf_sha256))
        annex = texts[built_start(manifest) - 1:]
        printed = "\n".join(annex)
        assert "PHỤ LỤC" in annex[0] and "BẢN KÊ TỆP VÀ MÃ KIỂM TRA" in annex[0]
        assert volume.content_sha256 in printed
        for issue in manifest["issues"]:  # Vietnamese labels and dates, one line per file
            assert f"{issue['label']} ngày " in printed and issue["date"] not in printed
            assert next(line for line in printed.splitlines()
                        if issue["pdf_sha256"] in line).startswith("Số Công báo (bản in")
        assert "pdf" not in printed.replace("PDF", "") and "issue" not in printed
        assert "XUẤT BẢN" in annex[-1]  # the closing colophon page
        single = next(d for i in manifest["issues"] for d in i["documents"]
                      if d["volume_pages"][0] == d["volume_pages"][1])
        assert f"tr. {single['volume_pages'][0]} " in printed and \
            f"tr. {single['volume_pages'][0]}–{single['volume_pages'][0]}" not in printed


def built_start(manifest: dict) -> int:
    """First page of the printed annex: the page after the last issue (and its blank back)."""
    last = max(page for issue in manifest["issues"] for page in issue["volume_pages"])
    return last + 1 + (last % 2 if manifest["double_sided"] else 0)


def _damage(path, how: str) -> None:
    os.chmod(path, 0o644)
    if how == "alter":
        with open(path, "r+b") as handle:
            handle.seek(100)
            handle.write(b"altered by the test")
    else:
        path.unlink()


@pytest.mark.both_databases
@pytest.mark.parametrize("how", ["alter", "delete"])
def test_verify_passes_then_names_the_damaged_file(app, runner, quarter, how):
    with app.app_context():
        volume = build_volume(2026, 3).volume
        run = verify("test")
        assert run.ok and run.files_checked == 11 + 4 + 2 and not run.missing and not run.altered
        document = volume.issues[0].entries[0].document  # bound in the volume
        notation, victim = document.notation, document.file("pdf")
        _damage(get_store().path(victim.sha256), how)
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1, result.output
    assert victim.sha256 in result.output and notation in result.output
    assert ("ALTERED" if how == "alter" else "MISSING") in result.output
    with app.app_context():
        last = db.session.scalars(select(Verification).order_by(Verification.id.desc())).first()
        assert last.ok is False
        found = last.altered if how == "alter" else last.missing
        assert [item["sha256"] for item in found] == [victim.sha256]
        if how == "delete":  # the volume's manifest lists it too
            assert any(victim.sha256 in p["what"] for p in last.problems)


def test_build_volume_command_and_empty_quarter(app, runner, quarter, tmp_path):
    out = tmp_path / "quy-1.pdf"
    result = runner.invoke(args=["build-volume", "--year", "2026", "--quarter", "3",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "pages" in result.output and "sheets" in result.output
    with app.app_context():
        volume = db.session.scalar(select(Volume))
        assert hashlib.sha256(out.read_bytes()).hexdigest() == volume.pdf_sha256
    empty = runner.invoke(args=["build-volume", "--year", "2026", "--quarter", "1"])
    assert empty.exit_code != 0 and "chưa có số Công báo nào" in empty.output


def test_citation_lookup_finds_every_document_of_the_volume(app, client, quarter):
    app.config["RATELIMIT_ENABLED"] = False  # one request per page of the volume
    with app.app_context():
        volume = build_volume(2026, 3).volume
        cited = [(entry.document.id, entry.document.notation, issue, entry)
                 for issue in volume.issues for entry in issue.entries]
        assert len(cited) == 9
        cases = []
        for document_id, notation, issue, entry in cited:
            first = issue.first_page + entry.start_page - 1
            for page in range(first, first + entry.page_count):  # every page inside it
                cases.append((document_id, notation, issue.year, issue.number_list[-1], page))
        front_page = (volume.issues[0].year, volume.issues[0].first_number, 1)
    for document_id, _notation, year, number, page in cases:
        answer = client.get("/api/v1/citations", query_string={
            "q": f"Công báo tỉnh Sơn La, Số {number:02d}/{year}, tr. {page}"})
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        assert body["where"] == "document" and body["document"]["id"] == document_id, body
        by_parts = client.get(f"/api/v1/citations/{year}/{number}/{page}").get_json()
        assert by_parts["document"]["id"] == document_id
    document_id, notation, year, number, page = cases[0]
    html = client.get("/trich-dan", query_string={"q": f"so {number}/{year} tr {page}"}) \
        .get_data(as_text=True)
    assert notation in html and "Mở trang" in html
    year, number, page = front_page
    assert client.get(f"/api/v1/citations/{year}/{number}/{page}").get_json()["where"] == "front"
    missing = client.get("/api/v1/citations", query_string={"q": f"Số {number}/{year}, tr. 999"})
    assert missing.status_code == 404 and "không có trang 999" in missing.get_json()["error"][
        "message"]
    unreadable = client.get("/trich-dan", query_string={"q": "trang hai mươi"})
    assert unreadable.status_code == 404 and "Số 12/2026, tr. 23" in unreadable.get_data(
        as_text=True)
    assert client.get("/api/v1/citations").status_code == 400
    unaccented = client.get("/api/v1/citations", query_string={"q": f"So {number}/{year} tr 1"})
    assert unaccented.get_json()["where"] == "front"


def test_volume_is_public_with_its_manifest_and_listed_in_the_api(app, client, quarter):
    with app.app_context():
        volume = build_volume(2026, 3).volume
        pdf_sha, manifest_sha = volume.pdf_sha256, volume.manifest_sha256
    listed = client.get("/api/v1/volumes").get_json()["results"]
    assert [(v["label"], v["pdf_sha256"]) for v in listed] == [("Quý III/2026", pdf_sha)]
    pdf = client.get("/cong-bao/2026/quy-3.pdf")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == pdf_sha
    manifest = client.get("/cong-bao/2026/quy-3.json")
    assert hashlib.sha256(manifest.data).hexdigest() == manifest_sha
    assert client.get("/cong-bao/2026/quy-1.pdf").status_code == 404
    assert "Tập lưu trữ" in client.get("/cong-bao/2026").get_data(as_text=True)


def test_staff_build_and_verify_through_the_archive_page(app, client, auth, quarter):
    from gazette_app import jobs
    from tests.support.web import csrf_token
    auth.login("luu-tru", role="editor")
    page = client.get("/staff/volumes").get_data(as_text=True)
    assert "Quý III/2026" in page and "Chưa đóng tập" in page and "Chưa kiểm tra" in page
    token = csrf_token(client, "/staff/volumes")
    client.post("/staff/volumes/build", data={"csrf_token": token, "year": "2026",
                                              "quarter": "3", "double_sided": "1"})
    client.post("/staff/volumes/verify", data={"csrf_token": token})
    with app.app_context():
        assert jobs.run_pending() == 2
    page = client.get("/staff/volumes").get_data(as_text=True)
    assert "tờ giấy (in hai mặt)" in page and "không bị thay đổi" in page
    with app.app_context():
        assert db.session.scalar(select(Volume)).built_by_id is not None


@settings(max_examples=300, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(st.from_regex(CITATION_PATTERN, fullmatch=True))
def test_every_citation_the_api_document_admits_is_read(text):
    """The OpenAPI pattern of ?q= is a subset of what the parser reads."""
    citation = parse_citation(text)
    assert citation.page >= 1 and citation.number >= 1
