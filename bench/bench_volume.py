"""Build a 1,500-page quarterly volume from composed issues (targets: <= 15 s, peak memory
<= 300 MB, <= 2x the time of qpdf concatenating the same files, measured in the same run).

The build runs in a child process so that its peak memory is measured from a clean start, not
mixed with the setup's; qpdf's own peak is measured on the baseline concatenation (a process
started by exec keeps its parent's memory high-water mark, so it is started from a small one)."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_compose import documents  # noqa: E402
from bench.common import machine, report  # noqa: E402
from issues.compose import compose_issue  # noqa: E402
from issues.model import IssueSpec  # noqa: E402
from issues.ordering import order_documents  # noqa: E402
from issues.volume import VolumeDocument, VolumeIssue, VolumeSpec  # noqa: E402
from print_templates import Masthead  # noqa: E402

TARGET_PAGES = 1500
ISSUE_COUNT = 8


def compose_quarter(folder: Path) -> VolumeSpec:
    """Eight composed issues of about 190 pages each (the 200-page bench issue's documents)."""
    docs = order_documents(documents(folder))
    issues, pages, number = [], 0, 1
    start = date(2026, 7, 6)
    while pages < TARGET_PAGES - 20 and number <= ISSUE_COUNT:
        spec = IssueSpec(2026, (number,), start + timedelta(days=10 * number), tuple(docs))
        composed = compose_issue(spec, Masthead.load(), folder / f"issue-{number}.pdf")
        vdocs = tuple(VolumeDocument(
            key=f"{number}-{e.key}", notation=e.notation, type_name=d.type_name,
            doc_type=d.doc_type, issuer=d.issuer, issued=d.issued, abstract=d.abstract,
            legal=d.legal, seq=d.seq, start_page=e.start_page, page_count=e.page_count,
            printed_page=e.printed_page) for e, d in zip(composed.entries, docs, strict=True))
        issues.append(VolumeIssue(key=str(number), numbers=(number,), date=spec.date,
                                  pdf_path=composed.path, pdf_sha256="0" * 64, first_page=1,
                                  documents=vdocs))
        pages += composed.page_count
        number += 1
    return VolumeSpec(2026, 3, tuple(issues), double_sided=True)


CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench.bench_volume import load_spec
from issues.volume import build_volume
from print_templates import Masthead
spec = load_spec(Path(sys.argv[2]))
start = time.perf_counter()
built = build_volume(spec, Masthead.load(), Path(sys.argv[3]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "pages": built.page_count, "sheets": built.sheet_count,
                  "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


QPDF_MEMORY = """
import json, resource, subprocess, sys
subprocess.run(["qpdf", "--empty", "--pages", *sys.argv[1:-1], "--", sys.argv[-1]], check=True)
print(json.dumps(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
"""


def save_spec(spec: VolumeSpec, path: Path) -> None:
    def plain(value):
        return {k: str(v) if isinstance(v, (Path, date)) else v for k, v in value.__dict__.items()}
    path.write_text(json.dumps({"year": spec.year, "quarter": spec.quarter, "issues": [
        plain(replace(i, documents=())) | {"documents": [plain(d) for d in i.documents]}
        for i in spec.issues]}, ensure_ascii=False))


def load_spec(path: Path) -> VolumeSpec:
    data = json.loads(path.read_text())
    issues = []
    for item in data["issues"]:
        documents = tuple(VolumeDocument(**(d | {"issued": date.fromisoformat(d["issued"]),
                                                 "files": ()})) for d in item["documents"])
        issues.append(VolumeIssue(**(item | {
            "numbers": tuple(item["numbers"]), "date": date.fromisoformat(item["date"]),
            "pdf_path": Path(item["pdf_path"]), "documents": documents, "files": ()})))
    return VolumeSpec(data["year"], data["quarter"], tuple(issues))


def main() -> None:
    print(f"# volume benchmark on {machine()}")
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = compose_quarter(folder)
        save_spec(spec, folder / "spec.json")
        runs = []
        for run in range(2):
            out = subprocess.run([sys.executable, "-c", CHILD, str(root), str(folder / "spec.json"),
                                  str(folder / f"volume-{run}.pdf")], check=True,
                                 capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["seconds"])
        files = [str(i.pdf_path) for i in spec.issues]
        start = time.perf_counter()
        subprocess.run(["qpdf", "--empty", "--pages", *files, "--", str(folder / "q.pdf")],
                       check=True)
        qpdf = time.perf_counter() - start
        qpdf_mb = json.loads(subprocess.run(  # from a small parent: exec keeps its high-water
            [sys.executable, "-c", QPDF_MEMORY, *files, str(folder / "q2.pdf")], check=True,
            capture_output=True, text=True).stdout)
        report("volume_issues", len(spec.issues), "issues")
        report("volume_pages", best["pages"], "pages")
        report("volume_sheets", best["sheets"], "sheets")
        report("build_1500_page_volume", best["seconds"], "s", target=15.0)
        report("build_volume_peak_memory_python", best["self_mb"], "MB", target=300.0)
        report("qpdf_concatenate_same_issues", qpdf, "s")
        report("qpdf_concatenate_peak_memory", qpdf_mb, "MB", target=300.0)
        report("build_volume_vs_qpdf_ratio", best["seconds"] / qpdf, "x", target=2.0)


if __name__ == "__main__":
    main()
