"""Real servers for the tests that need them: gunicorn on a free loopback port, and a staff
member's browser session (cookies, CSRF tokens, form posts) against it."""
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
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.web import PASSWORDS

BIN = Path(sys.executable).parent


def _port_range() -> range:
    """GAZETTE_TEST_PORTS ("5700-5749"; "0-0", any port, when unset); under pytest-xdist each
    worker takes its own slice of it, so that two workers never pick the same free port at
    the same moment."""
    low, _, high = os.environ.get("GAZETTE_TEST_PORTS", "0-0").partition("-")
    first, last = int(low), int(high or low)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
    if first == 0 or not worker:
        return range(first, last + 1)
    share = (last - first + 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    assert share > 0, f"GAZETTE_TEST_PORTS={low}-{high}: fewer ports than pytest-xdist workers"
    start = first + int(worker.removeprefix("gw")) * share
    return range(start, start + share)


def free_port() -> int:
    """A free loopback port: any, or one of GAZETTE_TEST_PORTS ("5700-5749") when a machine
    shared by several developers gives each a range."""
    ports = _port_range()
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise AssertionError(f"no free port in {ports.start}-{ports.stop - 1} (GAZETTE_TEST_PORTS)")


def flask(env: dict, *args: str, timeout: float = 900) -> str:
    """``flask --app wsgi ARGS`` with ``env``; fails the test with its output if it fails."""
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def start_gunicorn(env: dict, workers: int = 1, access_log: str = "/dev/null",
                   error_log: Path | None = None):
    """gunicorn with the project's configuration on a free port; returns (process, base URL)
    once /healthz answers. Its own and the app's log lines go to ``error_log`` (a file, never
    a pipe: an unread pipe would block the server once full)."""
    port = free_port()
    error_log = error_log or Path(env["GAZETTE_INSTANCE"]).with_suffix(".log")
    with open(error_log, "ab") as log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--workers",
             str(workers), "--bind", f"127.0.0.1:{port}", "--access-logfile", access_log,
             "wsgi:app"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if server.poll() is not None:
            raise AssertionError(error_log.read_text()[-2000:])
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError(f"{base}/healthz never answered")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


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
        with self.opener.open(self.base + path, data=body, timeout=300) as answer:
            return answer.read().decode("utf-8")

    def login(self, username: str, role: str) -> None:
        page = self.post("/login", {"username": username, "password": PASSWORDS[role]}, "/login")
        assert "Đăng xuất" in page, page[-500:]

    def publish_issue(self, approver: Browser, year: int, number: int, day: str,
                      document_ids: list[str]) -> str:
        """New issue of the documents (this browser, an editor), composed; approved and
        published by ``approver``. Returns the page after publishing."""
        page = self.post("/staff/issues/new", {"year": str(year), "numbers": f"{number:02d}",
                                               "date": day, "document": document_ids},
                         "/staff/issues/new")
        issue = re.search(r'/staff/issues/(\d+)/compose', page).group(1)
        self.post(f"/staff/issues/{issue}/compose", {}, f"/staff/issues/{issue}")
        approver.post(f"/staff/issues/{issue}/approve", {}, f"/staff/issues/{issue}")
        return approver.post(f"/staff/issues/{issue}/publish", {}, f"/staff/issues/{issue}")
