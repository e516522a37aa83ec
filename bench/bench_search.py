"""Search benchmark: indexing throughput, index size, peak memory of searching and query
latency (p50/p95/p99) for the tantivy (default), Whoosh and PostgreSQL backends, with SQLite
FTS5 on the same corpus and queries as the baseline, and a bare tantivy top-20 query (no
counts, facets or highlights) on the default's index: the ratio says what our layer costs.
``--sizes 10000`` (make bench), ``--sizes 10000,100000`` (make bench-full) or
``--sizes 1000000`` (on request). The corpus is streamed: never the whole corpus in memory."""
from __future__ import annotations

import argparse
import itertools
import os
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, report  # noqa: E402
from bench.corpus import documents, queries  # noqa: E402
from search_index.analysis import fold, word_spans  # noqa: E402
from search_index.model import SearchDocument, SearchQuery  # noqa: E402

POSTGRES_URL = os.environ.get("GAZETTE_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BATCH = 1000
DEFAULT = "tantivy"  # the embedded default backend, which the targets are stated for
# p95 targets (ms) by backend and size; sizes between take the nearest smaller one.
P95_TARGETS = {DEFAULT: {10_000: 30, 100_000: 30, 1_000_000: 50},
               "postgres": {10_000: 80, 100_000: 80, 1_000_000: 150}}
BARE_RATIO_TARGET = 3.0  # our p95 / the bare engine's p95, at 100k
PEAK_MEMORY_TARGET_MB = 2048  # the searching process at 1M


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered), pick(0.95), pick(0.99)


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size >= 1_000_000 else f"{size // 1000}k"


def target(name: str, size: int) -> float | None:
    by_size = P95_TARGETS.get(name)
    if not by_size:
        return None
    return by_size[max(s for s in by_size if s <= size)] if size >= min(by_size) else None


def batches(size: int) -> Iterator[list[SearchDocument]]:
    """The corpus, BATCH documents at a time, made as they are indexed."""
    stream = documents(size)
    while batch := list(itertools.islice(stream, BATCH)):
        yield batch


def reset_peak_memory() -> None:
    """Peak RSS from now on (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_memory_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def latencies(run: Callable[[dict], object], query_set: list[dict]) -> list[float]:
    for item in query_set[:20]:  # warm the searcher and caches
        run(item)
    samples = []
    for item in query_set:
        begin = time.perf_counter()
        run(item)
        samples.append((time.perf_counter() - begin) * 1000)
    return samples


def report_latencies(name: str, size: int, samples: list[float],
                     p95_target: float | None = None) -> float:
    p50, p95, p99 = percentiles(samples)
    report(f"search_query_{name}_{label(size)}_p50", p50, "ms")
    report(f"search_query_{name}_{label(size)}_p95", p95, "ms", p95_target)
    report(f"search_query_{name}_{label(size)}_p99", p99, "ms")
    return p95


def index_all(name: str, backend, size: int) -> None:
    start = time.perf_counter()
    count = sum(backend.index(batch) for batch in batches(size))
    rate = count / (time.perf_counter() - start)
    report(f"search_index_{name}_{label(size)}", rate, "docs/s",
           1000 if name == DEFAULT else None, better="higher")


def measure_backend(name: str, backend, query_set, size: int, on_disk: Callable[[], float]
                    ) -> float:
    index_all(name, backend, size)
    report(f"search_index_{name}_{label(size)}_size", on_disk(), "MB")
    reset_peak_memory()
    samples = latencies(lambda item: backend.search(
        SearchQuery(text=item["text"], **item["filters"])), query_set)
    memory_target = PEAK_MEMORY_TARGET_MB if size >= 1_000_000 and name == DEFAULT else None
    report(f"search_{name}_{label(size)}_peak_memory_searching", peak_memory_mb(), "MB",
           memory_target)
    return report_latencies(name, size, samples, target(name, size))


def bare_tantivy(backend) -> Callable[[dict], object]:
    """The same index and query clauses, asked for the top 20 only: no count, no facets, no
    stored fields, no highlights."""
    from tantivy import Occur, Query

    from search_index.backend import clamp
    from search_index.query import parse_query

    def run(item: dict):
        query = clamp(SearchQuery(text=item["text"], **item["filters"]))
        parsed = parse_query(query.text)
        clauses = backend._clauses(parsed)
        parts = [(Occur.Must, clause) for clause in clauses]
        parts += [(Occur.Must, Query.const_score_query(f, 0.0))
                  for f in backend._filters(query)]
        if not clauses:
            parts.append((Occur.Must, Query.all_query()))
        return backend._searcher().search(
            Query.boolean_query(parts), limit=20, count=False,
            order_by_field="date_order" if parsed.empty else None).hits
    return run


def fts5_match(text: str) -> str:
    """The same words as our query, for FTS5: phrases kept, every word required (AND)."""
    phrases = re.findall(r'"([^"]*)"', text)
    rest = re.sub(r'"[^"]*"', " ", text)
    parts = [f'"{" ".join(fold(w) for w, _, _ in word_spans(p))}"' for p in phrases]
    parts += [f'"{fold(w)}"' for w, _, _ in word_spans(rest)]
    return " AND ".join(p for p in parts if p != '""') or '""'


def measure_fts5(query_set, size: int, folder: Path) -> float:
    conn = sqlite3.connect(folder / "fts5.sqlite3")
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(notation, abstract, body, "
                 "tokenize='unicode61 remove_diacritics 2')")
    start, words, count = time.perf_counter(), 0, 0
    for batch in batches(size):
        conn.executemany("INSERT INTO docs(rowid, notation, abstract, body) VALUES (?,?,?,?)",
                         [(d.id, d.notation, d.abstract, d.body) for d in batch])
        conn.commit()
        words += sum(len(d.body.split()) for d in batch)
        count += len(batch)
    report(f"search_index_fts5_{label(size)}", count / (time.perf_counter() - start), "docs/s")
    report(f"search_corpus_{label(size)}_body_words", words / count, "words/document")
    samples = latencies(lambda item: conn.execute(
        "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 20.0, 3.0, 1.0) "
        "LIMIT 20", (fts5_match(item["text"]),)).fetchall(), query_set)
    conn.close()
    (folder / "fts5.sqlite3").unlink()
    return report_latencies("fts5", size, samples)


def postgres_backend():
    import psycopg

    from search_index.postgres_backend import PostgresBackend
    name = f"gazette_bench_{uuid.uuid4().hex[:8]}"
    libpq = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(libpq, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"# PostgreSQL skipped: {error}")
        return None, None
    return PostgresBackend(re.sub(r"/[^/]*$", f"/{name}", POSTGRES_URL)), (libpq, name)


def database_mb(backend) -> float:
    from sqlalchemy import text
    with backend.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        return conn.execute(text("SELECT pg_database_size(current_database())")).scalar() / 1e6


def drop_database(handle) -> None:
    import psycopg
    libpq, name = handle
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure_tantivy(query_set, size: int, folder: Path, baseline: float | None
                    ) -> tuple[float, float]:
    from search_index.tantivy_backend import TantivyBackend
    backend = TantivyBackend(folder / "tantivy")
    ours = measure_backend("tantivy", backend, query_set, size,
                           lambda: folder_mb(folder / "tantivy"))
    bare = report_latencies("tantivy_bare_top20", size,
                            latencies(bare_tantivy(backend), query_set))
    report(f"search_tantivy_vs_bare_p95_{label(size)}", ours / bare, "x",
           BARE_RATIO_TARGET if size >= 100_000 else None)
    if baseline:
        report(f"search_tantivy_vs_fts5_p95_{label(size)}", ours / baseline, "x", 1.0)
    return ours, bare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backends", default="fts5,tantivy,whoosh,postgres",
                        help="which to measure, of fts5,tantivy,whoosh,postgres (Whoosh takes "
                             "about 15 minutes at 100k)")
    args = parser.parse_args()
    print(f"# search benchmark on {machine()}, load average {os.getloadavg()[0]:.1f} "
          "(a shared machine makes every figure slower: compare ratios)")
    chosen = args.backends.split(",")
    for size in [int(s) for s in args.sizes.split(",")]:
        query_set = queries(args.queries, size)
        with tempfile.TemporaryDirectory(dir=os.environ.get("GAZETTE_BENCH_TMP")) as tmp:
            folder = Path(tmp)
            baseline = measure_fts5(query_set, size, folder) if "fts5" in chosen else None
            tantivy = None
            if "tantivy" in chosen:
                tantivy = measure_tantivy(query_set, size, folder, baseline)
            if "whoosh" in chosen:
                from search_index.whoosh_backend import WhooshBackend
                measure_backend("whoosh", WhooshBackend(folder / "whoosh"), query_set, size,
                                partial(folder_mb, folder / "whoosh"))
            backend, handle = postgres_backend() if "postgres" in chosen else (None, None)
            if backend is not None:
                try:
                    ours = measure_backend("postgres", backend, query_set, size,
                                           partial(database_mb, backend))
                    if tantivy:
                        report(f"search_postgres_vs_tantivy_p95_{label(size)}",
                               ours / tantivy[0], "x")
                        report(f"search_postgres_vs_bare_tantivy_p95_{label(size)}",
                               ours / tantivy[1], "x")
                finally:
                    backend.engine.dispose()
                    drop_database(handle)


if __name__ == "__main__":
    main()
