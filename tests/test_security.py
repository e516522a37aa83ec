"""Attack tests: every route of the URL map answered for the anonymous, an editor and an
approver; XSS payloads in every metadata field, in search and in feedback shown escaped; posts
without a CSRF token refused; SQL-injection strings in every filter harmless; path traversal
in every route that takes a string refused. Also the security headers, cookies, idle session
expiry, request ids and readiness. (Brute-force lock-out: tests/test_auth.py.)"""
from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from gazette_app.extensions import db
from gazette_app.models import Document, User
from gazette_app.services.documents import attach_pdf
from gazette_app.services.records import import_records
from tests.support.issues import issue_documents, records

ADMIN_ONLY = {"staff.users", "staff.update_account"}
APPROVER_ONLY = {"staff.approve_issue", "staff.unapprove_issue", "staff.publish_issue",
                 "staff.upload_past_issue", "staff.confirm_past_entry"}
# The API's only write: citizens' feedback from the app, public by design and rate-limited.
PUBLIC_API_WRITES = {"api.feedback"}
SAMPLE_ARGS = {"int": 1, "any": "print", "default": "x"}

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
SQLI = ["' OR '1'='1", "1; DROP TABLE documents; --", "%' UNION SELECT password_hash FROM users --",
        "\" OR 1=1 --", "1) OR (1=1", "\\'; DELETE FROM issues; --"]
TRAVERSAL = ["../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd",
             "....//....//etc/passwd", "..\\..\\..\\etc\\passwd", "/etc/passwd"]


def _url(rule) -> str:
    """A concrete URL for a rule: ids that may not exist are fine (404 is an answer)."""
    url = rule.rule
    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        value = SAMPLE_ARGS.get(converter or "default", "x")
        url = re.sub(rf"<[^>]*\b{name}>", str(value), url, count=1)
    return url


def _calls(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, _url(rule)


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False  # the walker tests roles, not tokens
    app.config["RATELIMIT_ENABLED"] = False
    return app


def test_every_staff_route_and_api_write_refuses_the_anonymous(no_csrf, client):
    writes = {e for e, m, _ in _calls(no_csrf) if e.startswith("api.") and m != "GET"}
    assert writes == PUBLIC_API_WRITES, "a new API write needs a role check and this test"
    for endpoint, method, url in _calls(no_csrf):
        if not endpoint.startswith("staff."):
            continue
        response = client.open(url, method=method)
        assert response.status_code in (401, 403) or (
            response.status_code == 302 and "/login" in response.headers["Location"]), \
            (endpoint, method, response.status_code)
    anonymous = client.post("/api/v1/feedback", json={"message": "x"})
    assert anonymous.status_code == 400  # checked like any citizen's, never a server error


@pytest.mark.parametrize("role", ["editor", "approver"])
def test_every_staff_route_answers_each_role_as_its_rights_say(no_csrf, client, auth, role):
    auth.login("nv", role=role)
    for endpoint, method, url in _calls(no_csrf):
        if not endpoint.startswith("staff."):
            continue
        refused = endpoint in ADMIN_ONLY or (role == "editor" and endpoint in APPROVER_ONLY)
        status = client.open(url, method=method).status_code
        assert status < 500, (endpoint, method, status)
        assert (status == 403) is refused, (endpoint, method, status)


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(app, client, auth):
    auth.login("quantri", role="admin")
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
    for endpoint, method, url in _calls(app):
        if method == "POST" and not endpoint.startswith("api."):
            response = client.post(url, data={"username": "moi", "password": "x" * 20,
                                              "role": "admin", "message": "góp ý " * 5})
            assert response.status_code == 400, (endpoint, response.status_code)
            assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users


def _hostile_document(app, tmp_path) -> int:
    record = dict(records()[0], abstract=f"Về việc {XSS} quy hoạch", signer=XSS, field=XSS,
                  issuer=f"UBND tỉnh {XSS}", source_url="https://example.org/xss")
    pdf = issue_documents(tmp_path, 1)[0].pdf_path.read_bytes()
    app.config["SHOW_UNPUBLISHED"] = True  # public before publication: every page shows it
    with app.app_context():
        summary = import_records([json.dumps(record, ensure_ascii=False)])
        assert not summary.rejected, summary.rejected
        document = db.session.scalar(select(Document).where(Document.source_ref.is_not(None)))
        attach_pdf(document, pdf, f"{XSS}.pdf")
        return document.id


def _assert_escaped(body: str, where: str) -> None:
    assert "<script>alert" not in body and "<img src=x" not in body, where
    assert "&lt;script&gt;" in body or "\\u003cscript" in body or "&lt;img" in body, where


def test_xss_in_metadata_search_and_feedback_is_shown_escaped(app, client, auth, tmp_path):
    doc_id = _hostile_document(app, tmp_path)
    for url in [f"/van-ban/{doc_id}", "/", "/tim-kiem?q=quy+hoach", "/tim-kiem?q=script",
                f"/tim-kiem?q={XSS}", "/feeds/van-ban.atom", f"/trich-dan?q={XSS}"]:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == (404 if url.startswith("/trich-dan") else 200), url
        _assert_escaped(response.get_data(as_text=True), url)
    created = client.post("/api/v1/feedback", json={"message": f"Góp ý {XSS} đủ dài",
                                                    "name": XSS, "document_id": doc_id})
    assert created.status_code == 201
    auth.login("lan", role="editor")
    for url in [f"/staff/documents/{doc_id}", "/staff/documents", "/staff/feedback",
                f"/staff/feedback/{created.get_json()['id']}", "/staff/audit"]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.get_data(as_text=True), url)
    pdf = client.get(f"/van-ban/{doc_id}", follow_redirects=True)
    link = re.search(r'/van-ban/\d+/tep/\d+', pdf.get_data(as_text=True)).group(0)
    served = client.get(link + "?tai=1")
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert "<" not in served.headers["Content-Disposition"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_sql_injection_strings_in_every_filter_are_harmless(app, client, auth, tmp_path):
    app.config["RATELIMIT_ENABLED"] = False  # hundreds of searches from one address, on purpose
    _hostile_document(app, tmp_path)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Document))
    auth.login("lan", role="editor")
    filters = {
        "/tim-kiem": ["q", "issuer", "doc_type", "status", "field", "date_from", "date_to",
                      "year", "issue", "sort", "page", "size", "legal"],
        "/api/v1/search": ["q", "issuer", "doc_type", "status", "field", "date_from",
                           "date_to", "year", "issue", "sort", "page", "size", "legal"],
        "/api/v1/documents": ["notation", "issuer", "year"],
        "/api/v1/issues": ["year"], "/api/v1/citations": ["q"], "/trich-dan": ["q"],
        "/feeds/van-ban.atom": ["issuer", "type"],
        "/staff/documents": ["q", "issuer", "doc_type", "legal", "status", "year", "review",
                             "state"],
        "/staff/audit": ["action"], "/staff/issues": ["year"], "/staff/thong-ke": ["nam", "quy"],
    }
    for path, names in filters.items():
        for name in names:
            for payload in SQLI:
                response = client.get(path, query_string={name: payload})
                assert response.status_code in (200, 400, 404, 422), (path, name, payload)
                assert "syntax error" not in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == before
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_path_traversal_in_every_string_route_is_refused(app, client):
    string_routes = ["/static/{}", "/co-chu/{}", "/van-ban/{}/2026/x", "/van-ban/x/2026/{}"]
    for route in string_routes:
        for payload in TRAVERSAL:
            response = client.get(route.format(payload))
            if response.status_code in (301, 302, 308):  # only ever to a page of this site
                assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
                response = client.get(route.format(payload), follow_redirects=True)
                assert response.request.path in ("/", "/static/etc/passwd")
            body = response.get_data()
            assert response.status_code in (200, 400, 404), (route, payload)
            assert b"root:" not in body and b"SECRET_KEY" not in body
    assert client.get("/co-chu/lon?next=//evil.example").headers["Location"] == "/"
    assert client.get("/co-chu/lon?next=/\\evil.example").headers["Location"] == "/"


def test_security_headers_on_pages_files_and_https(app, client):
    page = client.get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in page.headers  # plain http: no HSTS
    api = client.get("/api/v1/")
    assert api.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_hsts_and_client_address_behind_a_trusted_proxy(db_url, tmp_path):
    import flask_migrate

    from gazette_app import create_app
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": db_url, "TRUSTED_PROXIES": 1,
                      "LOG_LEVEL": "WARNING"}, instance=tmp_path / "behind-proxy")
    with app.app_context():
        flask_migrate.upgrade()
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https",
                                                   "X-Forwarded-For": "203.0.113.9"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.app_context():
        db.engine.dispose()


def test_session_cookie_flags_and_idle_expiry(app, client, auth):
    response = auth.login("lan", role="editor")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    expired = client.get("/staff/")
    assert expired.status_code == 302 and "/login" in expired.headers["Location"]
    assert client.get("/staff/").status_code == 302  # still logged out


def test_deactivated_account_loses_its_open_session(app, client, auth):
    auth.login("lan", role="editor")
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "lan")).active = False
        db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_request_id_is_returned_and_kept_from_the_proxy(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a9c1e77"})
    assert given.headers["X-Request-ID"] == "nginx-4f2a9c1e77"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>" + "x" * 80})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])


def test_json_logs_carry_the_request_id(app, client, capsys):
    from gazette_app.logs import configure
    configure("INFO", "json")
    try:
        response = client.get("/readyz", headers={"X-Request-ID": "trace-123456"})
        app.logger.info("probe")  # outside a request: request id "-"
    finally:
        configure("WARNING", "text")
    assert response.status_code == 200
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()
             if line.startswith("{")]
    assert lines and {"time", "level", "logger", "message", "request_id"} <= set(lines[-1])


def test_readiness_names_what_is_wrong(app, client):
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {
        "database": "ok", "store": "ok", "search": "ok"}
    app.config["MIN_FREE_MB"] = 10 ** 12
    full = client.get("/readyz")
    assert full.status_code == 503 and "MB free" in full.get_json()["checks"]["store"]
