"""The findings of the independent security scan (issue 15), one test or more each: sessions
the server can end, active content never published as received, login timing and throttle,
CSV cells, the Host header, oversized integers, rate limits, bounded forms, control
characters. (The earlier attack tests: tests/test_security.py and tests/test_auth.py.)"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
from datetime import UTC, date, datetime

import pytest
import time_machine
from pypdf import PdfWriter
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from gazette_app import jobs
from gazette_app.demo.documents import DemoDocument, render_document_pdf
from gazette_app.extensions import db
from gazette_app.models import Document, Receipt, User
from gazette_app.services import issues as workflow
from gazette_app.services.documents import attach_pdf
from gazette_app.services.receiving import register
from gazette_app.services.records import import_records
from gazette_app.services.users import create_user
from gazette_app.storage import get_store
from tests.support.intake import (
    active_markers,
    active_pdf,
    docx_bytes,
    macro_docx,
    need,
    uncompressed,
    xlsx_bytes,
)
from tests.support.web import PASSWORDS, csrf_token


def _plain_pdf(tmp_path, notation: str) -> bytes:
    demo = DemoDocument(notation, "UBND tỉnh", "Quyết định", "Quy định mức thu phí thẩm định",
                        date(2026, 7, 13), "Chủ tịch UBND Nguyễn Đình Việt")
    return render_document_pdf(tmp_path / "plain.pdf", demo, 2).read_bytes()


def upload(client, files: list[tuple[str, bytes]]):
    data = {"csrf_token": csrf_token(client, "/staff/receive"),
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/staff/receive", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


# --- 1. sessions the server can end ---------------------------------------------------------

def _copy_of_session(app, client):
    """Another browser holding the same session cookie (what a thief replays)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_session_cookie_dies_at_logout(app, client, auth):
    auth.login("lan", role="editor")
    assert client.get("/staff/").status_code == 200
    thief = _copy_of_session(app, client)
    assert thief.get("/staff/").status_code == 200
    auth.logout()
    replay = thief.get("/staff/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_a_copied_session_cookie_dies_at_a_password_or_role_change(app, client, auth):
    from gazette_app.services.users import set_password, update_user
    auth.login("lan", role="editor")
    client.get("/staff/")
    thief = _copy_of_session(app, client)
    with app.app_context():
        set_password(_user("lan"), "một-mật-khẩu-mới-2026")
    assert thief.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 302  # every session of the account ended
    assert auth.login("lan", password="một-mật-khẩu-mới-2026").status_code == 302
    thief = _copy_of_session(app, client)
    with app.app_context():
        update_user(_user("lan"), "approver", True)
    assert thief.get("/staff/").status_code == 302


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app, client, auth):
    """GAZETTE_SESSION_MINUTES=1, a request every 20 s: open at 60 s, closed from 80 s."""
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert auth.login("lan", role="editor").status_code == 302
        answers = []
        for _ in range(6):
            clock.shift(20)
            answers.append(client.get("/staff/").status_code)
    assert answers == [200, 200, 200, 302, 302, 302]


# --- 2. active content is kept for staff, never published as received ----------------------

def _only_clean(pdf: bytes, tmp_path) -> None:
    assert active_markers(pdf, tmp_path) == []
    # the document's ordinary link is still there
    assert b"congbao.sonla.gov.vn" in uncompressed(pdf, tmp_path)


def test_an_active_pdf_is_kept_as_received_and_published_clean(app, client, auth, tmp_path):
    """Received through the upload page: the original kept byte for byte for staff only, the
    receipt says what was removed, the registered PDF (what the public gets) is clean."""
    auth.login("bien-tap", role="editor")
    hostile = active_pdf(_plain_pdf(tmp_path, "52/2026/QĐ-UBND"))
    assert set(active_markers(hostile, tmp_path)) == {
        "JavaScript", "JS", "Launch", "SubmitForm", "EmbeddedFiles", "XFA", "AA", "OpenAction",
        "app.alert"}
    upload(client, [("QD 52.pdf", hostile)])
    with app.app_context():
        jobs.run_pending()
        receipt = db.session.scalars(select(Receipt)).one()
        assert receipt.state == "proposed", receipt.message
        assert receipt.files[0]["sha256"] == hashlib.sha256(hostile).hexdigest()
        form = {k: v for k, v in receipt.proposal.items() if isinstance(v, str)}
        form["doc_type"] = "Quyết định của UBND tỉnh"
        receipt_id = receipt.id
    page = client.get(f"/staff/receipts/{receipt_id}").get_data(as_text=True)
    for removed in ("/OpenAction", "/Launch", "/SubmitForm", "/AA", "/EmbeddedFiles", "/XFA"):
        assert removed in page, removed
    with app.app_context():
        register(db.session.get(Receipt, receipt_id), form, [])
        document = db.session.scalars(select(Document)).one()
        kept = document.file("received")
        assert get_store().path(kept.sha256).read_bytes() == hostile  # byte for byte
        _only_clean(get_store().path(document.file("pdf").sha256).read_bytes(), tmp_path)
        ids = (document.id, kept.id, document.file("pdf").id)
    assert client.get(f"/van-ban/{ids[0]}/tep/{ids[1]}").status_code == 404
    assert client.get(f"/van-ban/{ids[0]}/tep/{ids[2]}").status_code in (200, 404)


def test_active_content_never_reaches_a_published_issue_or_a_download(app, tmp_path):
    """A PDF attached by hand (CLI, staff page) is cleaned the same way; the composed and
    published issue and every public download of the document are clean."""
    from tests.support.issues import issue_documents, records
    record = records()[0]
    with app.app_context():
        import_records([json.dumps(record, ensure_ascii=False)])
        document = db.session.scalars(select(Document)).one()
        clean = issue_documents(tmp_path, 1)[0].pdf_path.read_bytes()
        attach_pdf(document, active_pdf(clean), "ban-ky.pdf")
        editor = create_user("lan", PASSWORDS["editor"], "editor")
        approver = create_user("hoa", PASSWORDS["approver"], "approver")
        issue = workflow.create_issue(2026, [1], document.issued, [document.id], editor)
        workflow.compose(issue, editor)
        workflow.approve(issue, approver)
        workflow.publish(issue, approver)
        _only_clean(get_store().path(issue.pdf_sha256).read_bytes(), tmp_path)
        files = [(f.id, f.public) for f in document.files]
        doc_id = document.id
    client = app.test_client()
    for file_id, public in files:
        answer = client.get(f"/van-ban/{doc_id}/tep/{file_id}?tai=1")
        assert answer.status_code == (200 if public else 404)
        if public:
            _only_clean(answer.get_data(), tmp_path)
    listed = client.get(f"/api/v1/documents/{doc_id}").get_json()["files"]
    assert [f["role"] for f in listed] == ["pdf"]


def test_a_macro_docx_is_flagged_to_staff_and_never_offered_as_it_came(app, client, auth):
    need("soffice", "libreoffice-writer-nogui")
    auth.login("bien-tap", role="editor")
    docx = macro_docx(["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Số: 61/2026/QĐ-UBND",
                       "Sơn La, ngày 2 tháng 9 năm 2026", "QUYẾT ĐỊNH",
                       "Quy định giá dịch vụ thoát nước", "CHỦ TỊCH", "Nguyễn Đình Việt"])
    upload(client, [("QĐ giá thoát nước.docx", docx)])
    with app.app_context():
        jobs.run_pending()
        receipt = db.session.scalars(select(Receipt)).one()
        assert receipt.state == "proposed", receipt.message
        assert receipt.files[0]["hazards"] == ["macro (VBA)",
                                               "liên kết ra ngoài (attachedTemplate)"]
        receipt_id = receipt.id
    page = client.get(f"/staff/receipts/{receipt_id}").get_data(as_text=True)
    assert "macro (VBA)" in page and "không công bố" in page
    with app.app_context():
        receipt = db.session.get(Receipt, receipt_id)
        form = {k: v for k, v in receipt.proposal.items() if isinstance(v, str)}
        register(receipt, dict(form, doc_type="Quyết định của UBND tỉnh"), [])
        document = db.session.scalars(select(Document)).one()
        kept = document.file("received")
        assert get_store().path(kept.sha256).read_bytes() == docx
        assert document.file("original") is None  # no Word file for the public or e-edition
        assert not kept.public
        doc_id, file_id = document.id, kept.id
    assert client.get(f"/van-ban/{doc_id}/tep/{file_id}?tai=1").status_code == 404


def test_ordinary_office_files_and_pdfs_are_not_flagged():
    from gazette_app.intake.files import office_hazards
    from issues.active_content import clean_pdf
    assert office_hazards(docx_bytes(["Điều 1."]), "docx") == []
    assert office_hazards(xlsx_bytes([["Thủ tục", "Phí"]]), "xlsx") == []
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert clean_pdf(buffer.getvalue()) == (buffer.getvalue(), [])


# --- 4, 5. login timing and the per-address throttle ----------------------------------------

def _login_seconds(auth, username: str) -> float:
    started = time.perf_counter()
    assert auth.login(username, password="không-phải-mật-khẩu").status_code == 401
    return time.perf_counter() - started


def test_login_takes_as_long_for_an_unknown_user_as_for_a_known_one(app, auth):
    app.config["LOGIN_MAX_FAILURES"] = 100  # this test measures, it does not lock
    auth.create("lan", "editor")
    _login_seconds(auth, "lan"), _login_seconds(auth, "khong-co")  # warm both paths
    known = sorted(_login_seconds(auth, "lan") for _ in range(5))[2]
    unknown = sorted(_login_seconds(auth, f"khong-co-{i}") for i in range(5))[2]
    assert max(known, unknown) < 2 * min(known, unknown), (known, unknown)


def test_the_address_throttle_counts_failures_across_a_success(app, client, auth):
    limit = 4 * app.config["LOGIN_MAX_FAILURES"]  # what README and SECURITY.md say
    auth.create("lan", "editor")
    first = [auth.login(f"doan-{i}", password="sai").status_code for i in range(limit - 2)]
    assert set(first) == {401}
    assert auth.login("lan").status_code == 302  # the right password, from the same address
    auth.logout()
    then = [auth.login(f"doan-lai-{i}", password="sai").status_code for i in range(4)]
    assert then == [401, 429, 429, 429]


# --- 6. CSV cells that a spreadsheet would run -----------------------------------------------

def test_a_search_for_a_formula_is_plain_text_in_the_statistics_csv(app, client, auth):
    from gazette_app.search import flush_search_log
    formulas = ['=HYPERLINK("http://evil.example","bấm")', "+1+2", "-2+3", "@SUM(A1)",
                "\t=1+1", "\r=1+1"]
    for query in formulas:
        client.get("/tim-kiem", query_string={"q": query})
    flush_search_log(app)
    auth.login("lan", role="editor")
    today = date.today()
    text = client.get(f"/staff/thong-ke.csv?nam={today.year}&quy={(today.month - 1) // 3 + 1}")\
        .get_data(as_text=True)
    cells = [row[1] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))
             if row and row[0] == "Tìm không thấy"]
    assert cells and all(cell.startswith("'") for cell in cells), cells
    assert "'=hyperlink(\"http://evil.example\",\"bấm\")" in cells  # queries are kept lowercase
    every_cell = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    assert not [c for c in every_cell if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


# --- 7. the Host header --------------------------------------------------------------------

def test_a_forged_host_changes_no_link_and_is_refused(app, client):
    app.config["GAZETTE_PUBLIC_URL"] = "https://congbao.sonla.gov.vn"
    pages = ["/sitemap.xml", "/feeds/cong-bao.atom", "/feeds/van-ban.atom?type=x", "/api/v1/",
             "/api/v1/search?q=a", "/api/v1/issues?year=2026"]
    for url in pages:  # the names the app answers to: links from GAZETTE_PUBLIC_URL only
        answer = client.get(url, headers={"Host": "localhost"})
        assert answer.status_code == 200, url
        body = answer.get_data(as_text=True)
        assert "http://localhost" not in body, url
    assert "https://congbao.sonla.gov.vn/tim-kiem" in client.get("/sitemap.xml").get_data(
        as_text=True)
    assert "https://congbao.sonla.gov.vn/feeds/van-ban.atom?type=x" in client.get(
        "/feeds/van-ban.atom?type=x").get_data(as_text=True)
    for url in pages:  # any other name is refused, and nothing cacheable is served for it
        forged = client.get(url, headers={"Host": "evil.example"})
        assert forged.status_code == 400, url
        assert "evil.example" not in forged.get_data(as_text=True)
        assert "public" not in forged.headers.get("Cache-Control", "")


def test_trusted_hosts_default_to_the_public_address_and_loopback():
    from gazette_app.config import trusted_hosts
    assert trusted_hosts("", "https://congbao.sonla.gov.vn") == [
        "congbao.sonla.gov.vn", "127.0.0.1", "localhost", "::1"]
    assert trusted_hosts("a.vn, .b.vn", "https://x.vn") == ["a.vn", ".b.vn"]
    assert trusted_hosts("*", "https://x.vn") is None


# --- 8. oversized integers -------------------------------------------------------------------

HUGE = ["99999999999999999999", "2147483648", "-1", "1e400", "٣"]
# Every integer a page reads from its query string or form, by route (found by reading every
# request.args/request.form use; a new one belongs here).
QUERY_INTEGERS = {
    "/gop-y": ["van-ban"], "/van-ban/1": ["id"], "/tim-kiem": ["year", "issue", "page", "size"],
    "/api/v1/search": ["year", "issue", "page", "size"], "/api/v1/issues": ["year"],
    "/api/v1/documents": ["year"], "/staff/documents": ["issuer", "year", "page", "per_page"],
    "/staff/audit": ["page", "per_page"], "/staff/feedback": ["page", "per_page"],
    "/staff/issues": ["year"], "/staff/thong-ke": ["nam", "quy"],
    "/staff/thong-ke.csv": ["nam", "quy"],
}
FORM_INTEGERS = {"/gop-y": ["document_id"], "/staff/volumes/build": ["year", "quarter"],
                 "/staff/issues/new": ["year", "numbers", "document"],
                 "/staff/issues/1/move": ["document"],
                 "/staff/receipts/1/register": ["relation_rows"]}


@pytest.mark.both_databases
def test_oversized_integers_anywhere_give_400_or_404_never_500(app, client, auth):
    from gazette_app.inputs import DB_INT_MAX
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["RATELIMIT_ENABLED"] = False
    auth.login("quantri", role="admin")
    walked = 0
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if not isinstance(converter, IntegerConverter):
                continue
            assert converter.max is not None and converter.max <= DB_INT_MAX, rule.rule
            url = re.sub(rf"<[^>]*:{name}>", HUGE[0], rule.rule)
            url = re.sub(r"<int[^>]*>", "1", url)
            url = re.sub(r"<[^>]+>", "x", url)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                assert client.open(url, method=method).status_code == 404, (method, url)
                walked += 1
    assert walked > 30
    slugs = [f"/van-ban/x/2026/{n}-x" for n in HUGE] + [f"/cong-bao/2026/{HUGE[0]}"]
    for url in slugs:
        assert client.get(url).status_code == 404, url
    for path, names in QUERY_INTEGERS.items():
        for name in names:
            for value in HUGE:
                status = client.get(path, query_string={name: value}).status_code
                assert status in (200, 300, 302, 400, 404), (path, name, value, status)
    for path, names in FORM_INTEGERS.items():
        for name in names:
            for value in HUGE:
                status = client.post(path, data={name: value, "message": "Góp ý đủ dài " * 3})\
                    .status_code
                assert status in (200, 302, 400, 404), (path, name, value, status)


# --- 10. counts a form may ask for -------------------------------------------------------------

def test_a_form_asking_for_ten_million_rows_answers_at_once(app, client, auth):
    from gazette_app.models import Receipt
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login("lan", role="editor")
    with app.app_context():
        receipt = Receipt(files=[], state="proposed", proposal={})
        db.session.add(receipt)
        db.session.commit()
        receipt_id = receipt.id
    started = time.perf_counter()
    answer = client.post(f"/staff/receipts/{receipt_id}/register",
                         data={"relation_rows": "10000000"})
    assert answer.status_code == 400
    assert time.perf_counter() - started < 2


# --- 11. control characters ---------------------------------------------------------------------

def test_control_characters_are_refused_before_xml_or_the_database(client):
    for url in ["/feeds/van-ban.atom?issuer=%00", "/feeds/van-ban.atom?type=a%01b",
                "/tim-kiem?q=a%00b", "/api/v1/search?q=%00", "/van-ban/x%00/2026/1-x",
                "/api/v1/documents?notation=%1b"]:
        answer = client.get(url)
        assert answer.status_code == 400, url
        assert "\x00" not in answer.get_data(as_text=True)
        assert "ký tự điều khiển" in answer.get_data(as_text=True)
    feedback = client.post("/api/v1/feedback", json={"message": "Góp ý có \x00 ký tự NUL ở giữa"})
    assert feedback.status_code == 400
    assert "ký tự điều khiển" in feedback.get_data(as_text=True)
    assert client.get("/feeds/van-ban.atom?type=Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh").status_code \
        == 200  # ordinary Vietnamese is not refused


# --- 9. rate limits hold for the whole server ---------------------------------------------------

@pytest.mark.slow
def test_rate_limits_hold_across_two_gunicorn_workers_without_redis(tmp_path):
    import os
    import urllib.error
    import urllib.request

    from tests.support.servers import flask as run_flask
    from tests.support.servers import start_gunicorn, stop
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"GAZETTE_INSTANCE": str(tmp_path / "instance"), "GAZETTE_LOG_LEVEL": "WARNING",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'gazette.sqlite3'}",
                "GAZETTE_SECRET_KEY": "wt15-test", "GAZETTE_API_RATE": "30 per minute",
                "GAZETTE_FEEDBACK_RATE": "3 per hour", "GAZETTE_SEARCH_RATE": "10 per minute"})
    run_flask(env, "db", "upgrade")
    server, base = start_gunicorn(env, workers=2)

    def status(path: str, body: bytes | None = None) -> int:
        request = urllib.request.Request(base + path, data=body, headers={
            "Content-Type": "application/json"} if body else {})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        api = [status("/api/v1/issues?year=2026") for _ in range(60)]
        feedback = [status("/api/v1/feedback", b'{"message": "x"}') for _ in range(8)]
        pages = [status("/tim-kiem?q=quy+hoach") for _ in range(20)]
    finally:
        stop(server)
    assert len([s for s in api if s != 429]) == 30 and api[-1] == 429
    assert len([s for s in feedback if s != 429]) == 3
    assert len([s for s in pages if s != 429]) == 10
