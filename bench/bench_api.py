"""The search API under load: gunicorn on loopback (2 workers), wrk with 16 connections for
30 s over the mixed query set; requests/s, p95 and errors (targets: >= 300 requests/s, zero
errors). Also the app's cold start: a new gunicorn until its first answer.

The instance is a temporary copy of the demo (367 real records); the API's rate limit is raised
for the run, since one client sending thousands of requests a second is what it exists to stop."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import wrk  # noqa: E402
from bench.common import machine, report  # noqa: E402
from bench.corpus import queries  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, timeout: float = 60) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--access-logfile",
         "/dev/null", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    print(f"# search API load benchmark on {machine()}")
    if shutil.which("wrk") is None:
        print("# wrk missing: make bench installs the Debian package wrk")
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GAZETTE_INSTANCE": tmp, "GAZETTE_API_RATE": "10000000 per minute",
               "GAZETTE_LOG_LEVEL": "WARNING"}
        flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
        for command in (["db", "upgrade"], ["demo", "--no-issues"]):
            subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
        port = free_port()
        start = time.perf_counter()
        server = gunicorn(env, port, workers=2)
        try:
            wait_ready(f"http://127.0.0.1:{port}/healthz")
            report("app_cold_start_to_first_answer", time.perf_counter() - start, "s")
            words = [q["text"] for q in queries(200, 10_000) if not q["filters"]]
            paths = [f"/api/v1/search?q={quote(text)}" for text in words] + \
                ["/api/v1/search?q=47/2026/QĐ-UBND".replace("Đ", "%C4%90"),
                 "/api/v1/search?q=quy+hoach&issuer=ubnd-tinh", "/api/v1/search?legal=true"]
            for path in paths[:20]:  # warm every worker's searcher
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
            result = wrk.run(f"http://127.0.0.1:{port}", paths, seconds=30)
        finally:
            server.terminate()
            server.wait(timeout=30)
    errors = sum(result.errors.values())
    report("search_api_requests", result.requests, "requests")
    report("search_api_throughput_16_connections", result.per_second, "requests/s", 300,
           better="higher")
    report("search_api_p95_16_connections", result.p95_ms, "ms")
    report("search_api_errors", errors, "errors", 0)
    if errors:
        print("# errors: " + ", ".join(f"{n} {c}" for n, c in result.errors.items()))


if __name__ == "__main__":
    main()
