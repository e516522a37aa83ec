"""The search API under load: gunicorn on loopback (2 workers), wrk with 16 connections for
30 s over the mixed query set on /api/v1/search; requests/s, p95 and errors (targets: >= 300
requests/s, p95 <= 100 ms, zero errors). Also the app's cold start: a new gunicorn until its
first answer.

Instances (``--instance demo,100k``): ``demo`` is a temporary copy of the demo (367 real
records); a size (``10k``, ``100k``) is that many documents of the bench corpus registered
through the app's models and indexed by its search backends (bench/api_instance.py), built once
and cached under bench/.cache/api-<size>/ until the corpus or a schema changes (``--rebuild``
forces it). Every instance runs with GAZETTE_SHOW_UNPUBLISHED=true: its documents are
registered, not composed into issues, and that setting makes them public and indexed.

Backends (``--backends tantivy,postgres``): the embedded default (tantivy, one server) and the
several-server mode: GAZETTE_SEARCH_BACKEND=postgres with two servers (each gunicorn with 2
workers and its own instance folder) on one PostgreSQL database, created for the run beside
GAZETTE_TEST_POSTGRES_URL's and dropped after it (the cached 100k database is a pg_dump file
restored into it). wrk's two threads connect one to each server, 8 connections each, so one
latency histogram covers every answer.

The API's rate limit is raised for the run, since one client sending thousands of requests a
second is what it exists to stop."""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import wrk  # noqa: E402
from bench.api_instance import CACHE, version  # noqa: E402
from bench.common import free_port, machine, report  # noqa: E402
from bench.corpus import queries  # noqa: E402

BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("GAZETTE_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECONDS = 30
CONNECTIONS = 16
WORKERS = 2
THROUGHPUT_TARGET = 300  # requests/s
P95_TARGET = 100  # ms
SERVERS = {"tantivy": 1, "postgres": 2}  # the several-server mode runs two


def size_of(instance: str) -> int | None:
    """``demo`` -> None; ``100k`` or ``100000`` -> 100000."""
    if instance == "demo":
        return None
    found = re.fullmatch(r"(\d+)(k?)", instance)
    if not found:
        raise SystemExit(f"--instance {instance!r}: demo, or a size such as 10k or 100000")
    return int(found[1]) * (1000 if found[2] else 1)


def instance_env(folder: Path, backend: str, database: str | None) -> dict:
    env = {**os.environ, "GAZETTE_INSTANCE": str(folder), "GAZETTE_SEARCH_BACKEND": backend,
           "GAZETTE_API_RATE": "10000000 per minute", "GAZETTE_LOG_LEVEL": "WARNING",
           "GAZETTE_SHOW_UNPUBLISHED": "true", "GAZETTE_SECRET_KEY": "bench-api-one-secret"}
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = database
    return env


def run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command[:4])} failed: {result.stderr[-2000:]}")


def flask(env: dict, *args: str) -> None:
    run([str(BIN / "flask"), "--app", "wsgi", *args], env)


def populate(env: dict, size: int | None) -> None:
    """A new instance: the schema, then the demo records or ``size`` corpus documents."""
    flask(env, "db", "upgrade")
    if size is None:
        flask(env, "demo", "--no-issues")
    else:
        begin = time.perf_counter()
        run([sys.executable, str(ROOT / "bench" / "api_instance.py"), str(size)], env)
        report(f"search_api_build_{label(size)}_{env['GAZETTE_SEARCH_BACKEND']}",
               size / (time.perf_counter() - begin), "docs/s")


def label(size: int | None) -> str:
    if size is None:
        return "demo"
    return f"{size // 1_000_000}m" if size >= 1_000_000 else f"{size // 1000}k"


# -- PostgreSQL: a database per run, beside the configured one
def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def psql(sql: str) -> None:
    run(["psql", libpq(POSTGRES_URL), "-v", "ON_ERROR_STOP=1", "-qc", sql], dict(os.environ))


@contextmanager
def bench_database() -> Iterator[str]:
    name = f"gazette_bench_api_{uuid.uuid4().hex[:8]}"
    psql(f'CREATE DATABASE "{name}"')
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", POSTGRES_URL)
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- cached large instances
def cached(size: int, backend: str, rebuild: bool) -> Path:
    """The cached instance of ``size`` documents for ``backend``, built when missing or stale:
    tantivy: an instance folder (SQLite database and index); postgres: a pg_dump file."""
    folder = CACHE / f"api-{label(size)}"
    target = folder / ("tantivy" if backend == "tantivy" else "postgres.dump")
    stamp = folder / f"{backend}.version"
    wanted = version(size, backend)
    if not rebuild and stamp.exists() and stamp.read_text() == wanted and target.exists():
        return target
    print(f"# building the {label(size)} instance for {backend} (cached in {folder})",
          flush=True)
    stamp.unlink(missing_ok=True)
    if target.is_dir():
        shutil.rmtree(target)
    target.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    if backend == "tantivy":
        populate(instance_env(target, backend, None), size)
    else:
        with tempfile.TemporaryDirectory() as tmp, bench_database() as database:
            populate(instance_env(Path(tmp), backend, database), size)
            run(["pg_dump", "-Fc", "-f", str(target), libpq(database)], dict(os.environ))
    stamp.write_text(wanted)
    return target


@contextmanager
def prepared(instance: str, backend: str, rebuild: bool) -> Iterator[list[dict]]:
    """The environments of the servers to start, on a fresh copy of the instance."""
    size = size_of(instance)
    with tempfile.TemporaryDirectory(dir=os.environ.get("GAZETTE_BENCH_TMP")) as tmp:
        folders = [Path(tmp) / name for name in "ab"[:SERVERS[backend]]]
        if backend == "tantivy":
            if size is None:
                populate(instance_env(folders[0], backend, None), None)
            else:
                shutil.copytree(cached(size, backend, rebuild), folders[0])
            yield [instance_env(folders[0], backend, None)]
            return
        dump = cached(size, backend, rebuild) if size is not None else None
        with bench_database() as database:
            if dump is None:
                populate(instance_env(folders[0], backend, database), None)
            else:
                begin = time.perf_counter()
                run(["pg_restore", "--no-owner", "-j", "2", "-d", libpq(database), str(dump)],
                    dict(os.environ))
                report(f"search_api_restore_{label(size)}_postgres",
                       time.perf_counter() - begin, "s")
            yield [instance_env(folder, backend, database) for folder in folders]


# -- servers and load
def wait_ready(url: str, timeout: float = 120) -> float:
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
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--access-logfile",
         "/dev/null", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextmanager
def servers(envs: list[dict], name: str) -> Iterator[list[int]]:
    """One gunicorn per environment, started one after the other; their ports."""
    started: list[subprocess.Popen] = []
    ports: list[int] = []
    try:
        for env in envs:
            port = free_port()
            begin = time.perf_counter()
            started.append(gunicorn(env, port, WORKERS))
            wait_ready(f"http://127.0.0.1:{port}/healthz")
            if not ports:
                report(f"app_cold_start_to_first_answer_{name}", time.perf_counter() - begin,
                       "s")
            ports.append(port)
        yield ports
    finally:
        for server in started:
            server.terminate()
        for server in started:
            server.wait(timeout=30)


def search_paths(size: int | None) -> list[str]:
    """The mixed query set as API requests: on a corpus instance all 200 queries (notations,
    words, accented words, phrases, filtered by issuer, year or legal status); on the demo the
    unfiltered ones (the corpus's years and numbers are not the demo's) and three of its own."""
    mix = queries(200, size or 10_000)
    if size is None:
        return [f"/api/v1/search?q={quote(q['text'])}" for q in mix if not q["filters"]] + [
            "/api/v1/search?" + urlencode({"q": "47/2026/QĐ-UBND"}),
            "/api/v1/search?q=quy+hoach&issuer=ubnd-tinh", "/api/v1/search?legal=true"]
    return ["/api/v1/search?" + urlencode({"q": q["text"], **{
        key: str(value).lower() for key, value in q["filters"].items()}}) for q in mix]


def found_share(base: str, paths: list[str]) -> float:
    """Each path asked once (which also warms every worker's searcher): the share of queries
    with at least one document, so an empty index cannot pass for a fast one."""
    found = 0
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=60) as answer:
            found += json.load(answer)["total"] > 0
    return found / len(paths)


def measure(instance: str, backend: str, seconds: int, rebuild: bool) -> None:
    size = size_of(instance)
    name = f"{label(size)}_{backend}"
    paths = search_paths(size)
    with prepared(instance, backend, rebuild) as envs, servers(envs, name) as ports:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            report(f"search_api_{name}_queries_finding_documents", found_share(base, paths),
                   "share")
        hosts = [("127.0.0.1", port) for port in ports] if len(ports) > 1 else None
        print(f"# {name}: {len(ports)} server(s) x {WORKERS} workers, wrk {CONNECTIONS} "
              f"connections for {seconds} s, load average {os.getloadavg()[0]:.1f}", flush=True)
        result = wrk.run(bases[0], paths, seconds=seconds, connections=CONNECTIONS, hosts=hosts)
    errors = sum(result.errors.values())
    report(f"search_api_{name}_requests", result.requests, "requests")
    report(f"search_api_{name}_throughput_16_connections", result.per_second, "requests/s",
           THROUGHPUT_TARGET, better="higher")
    report(f"search_api_{name}_p50_16_connections", result.p50_ms, "ms")
    report(f"search_api_{name}_p95_16_connections", result.p95_ms, "ms", P95_TARGET)
    report(f"search_api_{name}_errors", errors, "errors", 0)
    if errors:
        print("# errors: " + ", ".join(f"{n} {c}" for n, c in result.errors.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instance", "--sizes", dest="instances", default="demo",
                        help="comma-separated: demo (367 records), 10k, 100k ...")
    parser.add_argument("--backends", default="tantivy,postgres",
                        help="tantivy (one server), postgres (two servers, one database)")
    parser.add_argument("--seconds", type=int, default=SECONDS)
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached instances")
    args = parser.parse_args()
    print(f"# search API load benchmark on {machine()}, load average "
          f"{os.getloadavg()[0]:.1f} (a shared machine makes every figure slower)", flush=True)
    if shutil.which("wrk") is None:
        print("# wrk missing: make bench installs the Debian package wrk")
        return
    for instance in args.instances.split(","):
        for backend in args.backends.split(","):
            if backend not in SERVERS:
                raise SystemExit(f"--backends {backend!r}: tantivy or postgres")
            measure(instance, backend, args.seconds, args.rebuild)


if __name__ == "__main__":
    main()
