"""Several app servers on one PostgreSQL database: two gunicorn processes with their own
instance folders share only the database (documents, search, jobs), the file store path and
Redis. A document published through one is found through the other; a job queued through one
is run by the other's worker, woken through Redis."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from gazette_app.demo.documents import DemoDocument, render_document_pdf
from tests.conftest import PASSWORDS, postgres_database
from tests.test_api import _redis_url

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A staff member's session against one server: cookies, CSRF tokens, form posts."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as answer:
            return answer.read().decode("utf-8")

    def post(self, path: str, data: dict, form_page: str) -> str:
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.get(form_page)).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        with self.opener.open(self.base + path, data=body, timeout=120) as answer:
            return answer.read().decode("utf-8")

    def login(self, username: str, role: str) -> None:
        page = self.post("/login", {"username": username, "password": PASSWORDS[role]}, "/login")
        assert "Đăng xuất" in page, page[-500:]


def _wait(url: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode()[-2000:])
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_two_servers_share_one_database(tmp_path):
    redis_url = _redis_url()
    if redis_url is None:
        pytest.skip("no Redis at 127.0.0.1:6379")
    with postgres_database() as database:
        env = {**os.environ, "DATABASE_URL": database, "SEARCH_BACKEND": "postgres",
               "GAZETTE_STORE": str(tmp_path / "shared-store"), "REDIS_URL": redis_url,
               "GAZETTE_SECRET_KEY": "one-secret-for-every-server", "GAZETTE_LOG_LEVEL":
               "WARNING", "GAZETTE_JOB_POLL_SECONDS": "30", "GAZETTE_API_RATE": "10000/minute"}

        def flask(instance: str, *args: str) -> str:
            result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT,
                                    env={**env, "GAZETTE_INSTANCE": str(tmp_path / instance)},
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, result.stdout + result.stderr
            return result.stdout

        flask("a", "db", "upgrade")
        flask("a", "demo", "--no-issues")
        for name, role in (("lan", "editor"), ("hoa", "approver")):
            env["GAZETTE_USER_PASSWORD"] = PASSWORDS[role]
            flask("a", "create-user", "--username", name, "--role", role)
        pdf = render_document_pdf(tmp_path / "qd.pdf", DemoDocument(
            "47/2026/QĐ-UBND", "UBND tỉnh", "Quyết định", "Bãi bỏ các Quyết định về hỗ trợ",
            date(2026, 8, 1), "Chủ tịch UBND Nguyễn Đình Việt"), 2)
        flask("a", "attach-pdf", "47/2026/QĐ-UBND", str(pdf))

        servers, bases = [], []
        try:
            for name in ("a", "b"):
                port = _port()
                servers.append(subprocess.Popen(
                    [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--workers",
                     "1", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
                     "wsgi:app"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    env={**env, "GAZETTE_INSTANCE": str(tmp_path / name)}))
                bases.append(f"http://127.0.0.1:{port}")
                _wait(bases[-1] + "/healthz", servers[-1])
            one, other = bases
            found = urllib.request.urlopen(
                other + "/api/v1/search?q=47/2026&issue=1&year=2026").read().decode()
            assert '"total":0' in found.replace(" ", "")  # not published yet

            editor = Browser(one)
            editor.login("lan", "editor")
            document_id = re.search(r'name="document" value="(\d+)"',
                                    editor.get("/staff/issues/new")).group(1)
            page = editor.post("/staff/issues/new", {
                "year": "2026", "numbers": "01", "date": "2026-08-10",
                "document": [document_id]}, "/staff/issues/new")
            issue = re.search(r'/staff/issues/(\d+)/compose', page).group(1)
            editor.post(f"/staff/issues/{issue}/compose", {}, f"/staff/issues/{issue}")
            approver = Browser(one)
            approver.login("hoa", "approver")
            approver.post(f"/staff/issues/{issue}/approve", {}, f"/staff/issues/{issue}")
            page = approver.post(f"/staff/issues/{issue}/publish", {}, f"/staff/issues/{issue}")
            assert "Đã phát hành" in page

            # Through the other server: found, in issue 01, and its PDF from the shared store.
            found = urllib.request.urlopen(
                other + "/api/v1/search?q=47/2026/QD-UBND&issue=1&year=2026").read().decode()
            assert '"notation":"47/2026/QĐ-UBND"' in found.replace(" ", "")
            printed = urllib.request.urlopen(other + "/cong-bao/2026/1.pdf").read()
            assert printed[:5] == b"%PDF-"

            # A volume built through the first server's page runs on whichever worker wakes.
            approver.post("/staff/volumes/build", {"year": "2026", "quarter": "3",
                                                   "double_sided": "1"}, "/staff/volumes")
            for _ in range(100):  # the workers poll every 30 s: only Redis makes this quick
                volumes = urllib.request.urlopen(other + "/api/v1/volumes").read().decode()
                if "Quý III/2026" in volumes:
                    break
                time.sleep(0.2)
            assert "Quý III/2026" in volumes
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
