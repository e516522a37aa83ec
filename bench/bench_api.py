"""The search API under load: gunicorn on loopback (2 workers), wrk with 16 connections for
30 s over the mixed query set; requests/s, p95 and errors (targets: >= 300 requests/s, zero
errors). Also the app's cold start: a new gunicorn until its first answer.

The instance is a temporary copy of the demo (367 real records); the API's rate limit is raised
for the run, since one client sending thousands of requests a second is what it exists to stop."""
from __future__ import annotations

import json
import os
import re
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

from bench.common import machine, report  # noqa: E402
from bench.corpus import queries  # noqa: E402

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%f %%f %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(95.0) / 1000.0, e.connect, e.read, e.write,
    e.status, e.timeout))
end
"""


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
            script = Path(tmp) / "search.lua"
            script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
            out = subprocess.run(["wrk", "-t2", "-c16", "-d30s", "-s", str(script),
                                  f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                                 check=True).stdout
        finally:
            server.terminate()
            server.wait(timeout=30)
    numbers = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    requests, seconds, p95 = int(numbers[1]), float(numbers[2]), float(numbers[3])
    errors = sum(int(numbers[i]) for i in range(4, 9))
    report("search_api_requests", requests, "requests")
    report("search_api_throughput_16_connections", requests / seconds, "requests/s", 300,
           better="higher")
    report("search_api_p95_16_connections", p95, "ms")
    report("search_api_errors", errors, "errors", 0)
    if errors:
        names = ("connect", "read", "write", "status", "timeout")
        print("# errors: " + ", ".join(f"{n} {numbers[i + 4]}" for i, n in enumerate(names)))


if __name__ == "__main__":
    main()
