"""Past issues brought in from their PDFs into a former province's title (issue 22): the title
with its own numbering and addresses, registration of what the importer verified, the issue PDF
kept byte for byte (``verify`` re-hashes it), the side-by-side confirmation of what it could not
verify, and a folder import that resumes where it stopped."""
from __future__ import annotations

import hashlib
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from gazette_app.demo.former import NOTE, PROVINCE, SLUG, past_issue_pdfs
from gazette_app.extensions import db
from gazette_app.models import (
    Document,
    GazetteTitle,
    Issue,
    IssueState,
    PastIssueImport,
    Role,
    User,
)
from gazette_app.models.past_issue import EntryState, ImportState
from gazette_app.search import drain
from gazette_app.services.citations import resolve
from gazette_app.services.issues import create_issue, taken_numbers
from gazette_app.services.volumes import verify
from gazette_app.storage import get_store
from tests.support.paths import DEMO_RECORDS
from tests.support.web import csrf_token

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def past_pdfs(tmp_path_factory) -> list[tuple[int, Path]]:
    """Bình Phước's 2024 issues 20, 21 and 22 + 23, laid out as published."""
    return past_issue_pdfs(tmp_path_factory.mktemp("former"), DEMO_RECORDS)


def add_former_title(runner) -> None:
    result = runner.invoke(args=["title-add", "--slug", SLUG, "--province", PROVINCE,
                                 "--first-year", "2010", "--last-year", "2025", "--note", NOTE])
    assert result.exit_code == 0, result.output


def import_one(runner, number: int, pdf: Path, *extra: str):
    return runner.invoke(args=["import-issue", "--title", SLUG, "--year", "2024", "--number",
                               str(number), *extra, str(pdf)])


def test_a_past_issue_is_registered_in_its_own_title(app, runner, client, past_pdfs):
    add_former_title(runner)
    number, pdf = past_pdfs[0]
    result = import_one(runner, number, pdf)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "registered Công báo tỉnh Bình Phước, Số 20/2024: 3 documents" in result.output
    with app.app_context():
        issue = db.session.scalar(select(Issue).where(Issue.title_id != 1))
        assert issue.title.slug == SLUG and issue.state == IssueState.PUBLISHED
        assert issue.number_list == [20] and issue.page_count == len(PdfReader(pdf).pages)
        # the published original, byte for byte
        assert issue.pdf_sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert get_store().path(issue.pdf_sha256).read_bytes() == pdf.read_bytes()
        issuers = {e.document.issuer.name for e in issue.entries}
        assert issuers <= {"UBND tỉnh Bình Phước", "HĐND tỉnh Bình Phước"}, issuers
        for entry in issue.entries:
            pages = PdfReader(get_store().path(entry.document.file("pdf").sha256)).pages
            assert len(pages) == entry.page_count
            assert entry.document.notation.split("/")[0] in pages[0].extract_text()
        first = issue.entries[0]
        page_number = issue.first_page + first.start_page - 1
        cited = resolve(f"Công báo tỉnh Bình Phước, Số 20/2024, tr. {page_number}")
        assert cited.document.id == first.document_id
        notation = first.document.notation
    page = client.get(f"/cong-bao/{SLUG}/2024/20")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Công báo tỉnh Bình Phước" in html and notation in html
    assert client.get("/cong-bao/2024/20").status_code == 404  # not the current title's
    assert client.get(f"/cong-bao/{SLUG}/2024").status_code == 200
    assert client.get(f"/cong-bao/{SLUG}/2024/20.pdf").data == pdf.read_bytes()
    assert client.get("/cong-bao/khong-co/2024/20").status_code == 404
    api = client.get(f"/api/v1/issues/2024/20?title={SLUG}").get_json()
    assert api["title"] == SLUG and api["gazette"] == "Công báo tỉnh Bình Phước"
    assert client.get("/api/v1/issues/2024/20").status_code == 404
    cited = client.get("/api/v1/citations", query_string={
        "q": f"Cong bao tinh Binh Phuoc, So 20/2024, tr. {page_number}"}).get_json()
    assert cited["citation"] == f"Công báo tỉnh Bình Phước, Số 20/2024, tr. {page_number}"


def test_search_across_titles_or_in_one(app, runner, client, past_pdfs):
    add_former_title(runner)
    number, pdf = past_pdfs[0]
    assert import_one(runner, number, pdf).exit_code == 0
    with app.app_context():
        drain()
        notation = db.session.scalar(select(Document.notation).order_by(Document.id))
    for title, found in (("", True), (SLUG, True), ("hien-hanh", False)):
        result = client.get("/api/v1/search", query_string={"q": notation, "title": title})
        assert result.status_code == 200, result.get_data(as_text=True)
        hits = [hit["notation"] for hit in result.get_json()["results"]]
        assert (notation in hits) is found, (title, hits)
    html = client.get("/tim-kiem", query_string={"q": notation}).get_data(as_text=True)
    assert "Công báo tỉnh Bình Phước, Số 20/2024" in html  # where the hit was published
    assert 'name="title"' in html and "Mọi tên Công báo" in html
    bad = client.get("/api/v1/search", query_string={"q": "x", "title": "Bình Phước"})
    assert bad.status_code == 400


def test_verify_rehashes_the_imported_issue_pdf(app, runner, past_pdfs):
    add_former_title(runner)
    number, pdf = past_pdfs[1]
    assert import_one(runner, number, pdf).exit_code == 0
    with app.app_context():
        assert verify().ok
        sha = db.session.scalar(select(Issue.pdf_sha256).where(Issue.title_id != 1))
        stored = get_store().path(sha)
        stored.chmod(0o644)
        stored.write_bytes(stored.read_bytes() + b"%")
        check = verify()
        assert not check.ok and sha in {item["sha256"] for item in check.altered}


def test_numbers_are_per_title(app, runner, past_pdfs):
    """The current title and a former one each have their own Số 20/2024; the same file
    twice is one reading, and a taken number is refused."""
    add_former_title(runner)
    number, pdf = past_pdfs[0]
    assert import_one(runner, number, pdf).exit_code == 0
    again = import_one(runner, number, pdf)
    assert again.exit_code == 0 and "already registered" in again.output
    taken = import_one(runner, number, past_pdfs[1][1])  # its cover says 21, staff say 20
    assert taken.exit_code == 1
    assert "Công báo tỉnh Bình Phước đã có Số 20/2024" in taken.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PastIssueImport)) == 1
        title = db.session.scalar(select(GazetteTitle).where(GazetteTitle.slug == SLUG))
        assert not title.current and title.note == NOTE
        assert taken_numbers(2024, title.id) == {20}
        assert taken_numbers(2024) == set()  # the current title's Số 20/2024 is still free
        admin = User(username="numbers", full_name="Người tạo số", role=Role.ADMIN,
                     password_hash="!")
        db.session.add(admin)
        current = create_issue(2024, [20], date(2024, 5, 20), [], admin,
                               gap_reason="Số 01–19 phát hành trước khi dùng hệ thống")
        db.session.commit()
        assert current.title.current and current.number_list == [20]


def test_an_unverified_entry_waits_for_staff_side_by_side(app, runner, client, auth,
                                                          past_pdfs, tmp_path):
    add_former_title(runner)
    number, pdf = past_pdfs[2]
    broken = tmp_path / "broken.pdf"
    reader = PdfReader(pdf)
    result = import_one(runner, number, pdf, "--dry-run")
    assert result.exit_code == 0, (result.output, result.exception)
    target = next((line for line in result.output.splitlines() if line.startswith("OK pages")),
                  result.output)
    assert target.startswith("OK pages"), target
    first = int(target.split()[2].split("-")[0])
    blank = PdfWriter()
    for index, page in enumerate(reader.pages, start=1):
        if index == first:
            blank.add_blank_page(float(page.mediabox.width), float(page.mediabox.height))
        else:
            blank.add_page(page)
    with broken.open("wb") as out:
        blank.write(out)
    kept = import_one(runner, number, broken)
    assert kept.exit_code == 0, kept.output
    assert "wait for staff" in kept.output and "CONFIRM position" in kept.output
    with app.app_context():
        imported = db.session.scalar(select(PastIssueImport))
        assert imported.state == ImportState.TO_CONFIRM
        assert db.session.scalar(select(func.count()).select_from(Issue)
                                 .where(Issue.title_id == imported.title_id)) == 0
        waiting = imported.waiting[0]
        import_id = imported.id
    auth.login("approver", role="approver")
    page = client.get(f"/staff/past-issues/{import_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert waiting["notation"] in html and f"/staff/past-issues/{import_id}/pages/" in html
    image = client.get(f"/staff/past-issues/{import_id}/pages/{first}.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    wrong = client.post(f"/staff/past-issues/{import_id}/entries/{waiting['position']}", data={
        "csrf_token": csrf_token(client, f"/staff/past-issues/{import_id}"),
        "first_page": "0", "last_page": "2"})
    assert wrong.status_code == 400 and "Trang phải trong khoảng" in wrong.get_data(as_text=True)
    last = waiting["last_page"] or first
    done = client.post(f"/staff/past-issues/{import_id}/entries/{waiting['position']}", data={
        "csrf_token": csrf_token(client, f"/staff/past-issues/{import_id}"),
        "first_page": str(first), "last_page": str(last)}, follow_redirects=True)
    assert done.status_code == 200
    with app.app_context():
        imported = db.session.get(PastIssueImport, import_id)
        row = next(r for r in imported.entries if r["position"] == waiting["position"])
        assert row["state"] == EntryState.CONFIRMED and row["confirmed_by"]
        if not imported.waiting:
            assert imported.state in (ImportState.READY, ImportState.REGISTERED)


def test_a_folder_import_resumes_where_it_stopped(app, runner, past_pdfs, tmp_path):
    add_former_title(runner)
    folder = tmp_path / "archive"
    folder.mkdir()
    for number, pdf in past_pdfs[:2]:
        shutil.copy(pdf, folder / f"2024-{number:03d}.pdf")
    (folder / "2024-099.pdf").write_bytes(b"not a pdf")
    first = runner.invoke(args=["import-issues", "--title", SLUG, str(folder)])
    assert first.exit_code == 0, first.output
    assert "2 registered" in first.output and "1 refused" in first.output
    assert "REFUSED 2024-099.pdf" in first.output
    number, pdf = past_pdfs[2]
    shutil.copy(pdf, folder / f"2024-{number:03d}.pdf")  # the interrupted run's last file
    second = runner.invoke(args=["import-issues", "--title", SLUG, str(folder)])
    assert "3 registered" in second.output, second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PastIssueImport)) == 3
        assert db.session.scalar(select(func.count()).select_from(Issue)) == 3
        assert db.session.scalar(select(func.count()).select_from(Document)) == 11


def test_staff_upload_a_past_issue(app, runner, client, auth, past_pdfs):
    add_former_title(runner)
    auth.login("editor", role="editor")
    number, pdf = past_pdfs[1]
    with pdf.open("rb") as handle:  # registering is an approver's act
        refused = client.post("/staff/past-issues", data={
            "csrf_token": csrf_token(client, "/staff/past-issues"), "title": SLUG,
            "pdf": (handle, "so-21.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 403
    auth.logout()
    auth.login("approver", role="approver")
    listing = client.get("/staff/past-issues")
    assert listing.status_code == 200 and "Công báo tỉnh Bình Phước" in listing.get_data(
        as_text=True)
    token = csrf_token(client, "/staff/past-issues")
    with pdf.open("rb") as handle:
        done = client.post("/staff/past-issues", data={
            "csrf_token": token, "title": SLUG, "year": "", "number": "",
            "pdf": (handle, "so-21.pdf")}, content_type="multipart/form-data",
            follow_redirects=True)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Đã đăng ký Công báo tỉnh Bình Phước, Số 21/2024" in html
    with open(pdf, "rb") as handle, app.app_context():
        imported = db.session.scalar(select(PastIssueImport))
        assert imported.source_name == "so-21.pdf" and imported.state == ImportState.REGISTERED
        assert imported.pdf_sha256 == hashlib.sha256(handle.read()).hexdigest()
    refused = client.post("/staff/past-issues", data={
        "csrf_token": csrf_token(client, "/staff/past-issues"), "title": SLUG, "year": "abc",
        "number": "", "pdf": (io.BytesIO(b"%PDF-1.4 broken"), "x.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Năm, số và số trang phải là số nguyên dương." in refused.get_data(as_text=True)
