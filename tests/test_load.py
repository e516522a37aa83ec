"""Load while publishing: gunicorn (2 workers) on loopback serves 60 s of mixed public traffic
from wrk (searches, document pages, PDF downloads, issue pages; 16 connections) while two staff
members create, compose, approve and publish an issue through the staff pages. No answer may be
a server error (gunicorn's access log is read, status by status), the publication must succeed
and be found at once, and the p95 latency is reported. The server's instance is a copy of the
session's built demo (`flask demo` run there again finds it loaded). GAZETTE_LOAD_SECONDS
shortens the run for a quick local check."""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import threading
import time
import urllib.request
from collections import Counter
from datetime import date
from urllib.parse import quote

import pytest

from bench import wrk
from tests.support.demo_instance import copy_into_instance
from tests.support.servers import Browser, flask, start_gunicorn, stop
from tests.support.web import PASSWORDS

pytestmark = pytest.mark.slow
SECONDS = int(os.environ.get("GAZETTE_LOAD_SECONDS", "60"))
QUERIES = ["quy hoach", "ngân sách", "47/2026/QĐ-UBND", "bo nhiem", "giáo dục", "dat dai",
           "nghị quyết hội đồng", "phí lệ phí", "xa phieng khoai", "thu tuc hanh chinh"]


def _paths(database: str) -> list[str]:
    """The mixed traffic: what citizens and the app ask for, from the demo's real records."""
    with sqlite3.connect(database) as db:
        documents = [row[0] for row in db.execute(
            "SELECT id FROM documents WHERE state = 'published' ORDER BY id LIMIT 40")]
        files = db.execute("SELECT document_id, id FROM document_files WHERE role = 'pdf' "
                           "AND document_id IN (SELECT id FROM documents WHERE state = "
                           "'published') ORDER BY id LIMIT 20").fetchall()
        issues = db.execute("SELECT i.year, min(n.number) FROM issues i JOIN issue_numbers n "
                            "ON n.issue_id = i.id WHERE i.state = 'published' "
                            "GROUP BY i.id").fetchall()
    paths = [f"/tim-kiem?q={quote(q)}" for q in QUERIES]
    paths += [f"/api/v1/search?q={quote(q)}" for q in QUERIES]
    paths += [f"/van-ban/{d}" for d in documents] + [f"/api/v1/documents/{d}" for d in documents]
    paths += [f"/van-ban/{d}/tep/{f}?tai=1" for d, f in files]
    paths += [f"/cong-bao/{y}/{n}" for y, n in issues] + [f"/cong-bao/{y}/{n}.pdf"
                                                           for y, n in issues[:3]]
    paths += ["/", "/cong-bao", "/feeds/van-ban.atom"]
    assert documents and files and issues
    return paths


def test_public_load_while_staff_publish(tmp_path, capsys, built_demo):
    if shutil.which("wrk") is None:
        pytest.fail("wrk is missing: `make test` installs the Debian package wrk")
    instance = tmp_path / "instance"
    env = {**os.environ, "GAZETTE_INSTANCE": str(instance), "GAZETTE_LOG_LEVEL": "WARNING",
           "GAZETTE_API_RATE": "10000000 per minute",
           "GAZETTE_SEARCH_RATE": "10000000 per minute", "GAZETTE_SECRET_KEY": "load-test-key",
           "GAZETTE_JOB_RUNNER": "thread"}
    env.pop("DATABASE_URL", None)
    copy_into_instance(built_demo, instance)
    flask(env, "db", "upgrade")
    flask(env, "demo", "--no-former-title")
    for name, role in (("lan", "editor"), ("hoa", "approver")):
        flask({**env, "GAZETTE_USER_PASSWORD": PASSWORDS[role]}, "create-user", "--username",
              name, "--role", role)
    # Three documents arrive for the next issue (the demo has published all but the probable
    # duplicates, which wait for review).
    arriving = tmp_path / "arriving.jsonl"
    arriving.write_text("".join(json.dumps({
        "number": f"{2101 + n}/QĐ-UBND", "issued": "2026-11-02", "issuer": "UBND Tỉnh",
        "doc_type": "Quyết định", "status": "Đang hiệu lực", "signer": "Chủ tịch UBND",
        "abstract": f"Văn bản đăng trong lúc tải nặng số {n}",
        "source_url": f"https://example.test/tai-nang/{n}"}, ensure_ascii=False) + "\n"
        for n in range(3)), encoding="utf-8")
    flask(env, "import-records", str(arriving))
    database = str(instance / "gazette.sqlite3")
    with sqlite3.connect(database) as db:
        waiting = db.execute("SELECT id, notation FROM documents WHERE state = 'received' "
                             "AND review = 'ok' ORDER BY id DESC LIMIT 3").fetchall()
        number = db.execute("SELECT max(number) FROM issue_numbers JOIN issues ON issues.id = "
                            "issue_numbers.issue_id WHERE issues.year = 2026").fetchone()[0] + 1
    assert waiting, "the demo leaves documents to publish"
    from gazette_app.demo.documents import DemoDocument, render_document_pdf
    for document_id, notation in waiting:
        pdf = render_document_pdf(tmp_path / f"{document_id}.pdf", DemoDocument(
            notation, "UBND tỉnh", "Quyết định", "Văn bản đăng trong lúc tải nặng",
            date(2026, 11, 1), "Chủ tịch UBND"), 3)
        flask(env, "attach-pdf", str(document_id), str(pdf))

    paths = _paths(database)
    access_log = tmp_path / "access.log"
    server_log = tmp_path / "server.log"
    server, base = start_gunicorn(env, workers=2, access_log=str(access_log),
                                  error_log=server_log)
    try:
        load = wrk.start(base, paths, SECONDS)
        published: dict = {}

        def publish() -> None:
            time.sleep(min(10, SECONDS / 4))  # into the thick of the load
            start = time.perf_counter()
            editor, approver = Browser(base), Browser(base)
            editor.login("lan", "editor")
            approver.login("hoa", "approver")
            published["page"] = editor.publish_issue(approver, 2026, number,
                                                     date(2026, 11, 20).isoformat(),
                                                     [str(d) for d, _ in waiting])
            published["seconds"] = time.perf_counter() - start

        staff = threading.Thread(target=publish)
        staff.start()
        result = wrk.finish(*load, timeout=SECONDS + 120)
        staff.join(timeout=300)
        found = urllib.request.urlopen(
            f"{base}/api/v1/search?year=2026&issue={number}").read().decode()
    finally:
        stop(server)

    assert "Đã phát hành" in published.get("page", ""), "the publication did not succeed"
    for _, notation in waiting:
        assert notation.replace("/", "\\/") in found or notation in found
    statuses = Counter(re.findall(r'" (\d{3}) ', access_log.read_text()))
    errors = {code: n for code, n in statuses.items() if code.startswith("5")}
    line = (f"load: {result.requests} requests in {result.seconds:.0f} s "
            f"({result.per_second:.0f}/s), p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} "
            f"ms, statuses {dict(statuses)}, wrk errors {result.errors}, publish took "
            f"{published['seconds']:.1f} s")
    with capsys.disabled():  # reported in the run's output, passed or not
        print(f"\n{line}")
    assert not errors, line + "\n" + server_log.read_text()[-3000:]
    assert sum(statuses.values()) >= result.requests > 0
    assert result.errors["status"] == 0  # every answer 2xx or 3xx
