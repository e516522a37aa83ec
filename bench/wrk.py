"""wrk, the HTTP load generator, over a fixed list of paths (round robin), with its summary read
back as numbers. Used by bench/bench_api.py and by the load test (tests/test_load.py).

With several servers (``hosts``), wrk's threads are spread over them (thread i connects to host
i modulo their number), so one run loads every server and one latency histogram covers all
answers: its p95 is the p95 of every request, not a mean of per-server figures."""
from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%f %%f %%f %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50.0) / 1000.0,
    latency:percentile(95.0) / 1000.0, e.connect, e.read, e.write, e.status, e.timeout))
end
"""
HOSTS = """
local hosts = {%s}
local started = 0
setup = function(thread)
  started = started + 1
  local host = hosts[((started - 1) %% #hosts) + 1]
  thread.addr = wrk.lookup(host[1], host[2])[1]
end
"""
ERRORS = ("connect", "read", "write", "status", "timeout")


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: dict[str, int]  # socket errors, and answers that were not 2xx or 3xx ("status")

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def start(base: str, paths: list[str], seconds: int, connections: int = 16,
          threads: int = 2, hosts: list[tuple[str, int]] | None = None
          ) -> tuple[subprocess.Popen, Path]:
    """wrk running in the background; ``finish`` waits for it and reads its result. With
    ``hosts`` (host, port), the threads connect to them in turn instead of to ``base``'s."""
    folder = Path(tempfile.mkdtemp(prefix="wrk-"))
    script = folder / "paths.lua"
    lua = SCRIPT % ", ".join(json.dumps(p) for p in paths)
    if hosts:
        lua += HOSTS % ", ".join(f"{{{json.dumps(h)}, {json.dumps(str(p))}}}" for h, p in hosts)
    script.write_text(lua)
    process = subprocess.Popen(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
                                "-s", str(script), base], stdout=subprocess.PIPE, text=True)
    return process, folder


def finish(process: subprocess.Popen, folder: Path, timeout: float) -> LoadResult:
    output, _ = process.communicate(timeout=timeout)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    found = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+) (\d+) (\d+) (\d+)",
                      output)
    if found is None:
        raise RuntimeError(f"wrk gave no result: {output[-500:]}")
    return LoadResult(int(found[1]), float(found[2]), float(found[3]), float(found[4]),
                      {name: int(found[5 + i]) for i, name in enumerate(ERRORS)})


def run(base: str, paths: list[str], seconds: int, connections: int = 16,
        hosts: list[tuple[str, int]] | None = None) -> LoadResult:
    """One wrk run; with ``hosts``, one thread per host (``connections`` spread evenly)."""
    threads = len(hosts) if hosts else 2
    process, folder = start(base, paths, seconds, connections, threads, hosts)
    return finish(process, folder, seconds + 120)
