"""Compose a 200-page issue from stored PDFs (target <= 2 s on 2 cores), with qpdf
concatenating the same files in the same run as the baseline."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, report  # noqa: E402
from gazette_app.demo.documents import DemoDocument, render_document_pdf  # noqa: E402
from gazette_app.notation import parse_notation  # noqa: E402
from gazette_app.vocabulary import issuer_display_name  # noqa: E402
from issues.compose import compose_issue  # noqa: E402
from issues.model import IssueDocument, IssueSpec  # noqa: E402
from issues.ordering import order_documents  # noqa: E402
from print_templates import Masthead  # noqa: E402

RECORDS = Path(__file__).resolve().parent.parent / "gazette_app" / "demo" / \
    "sonla-2026-documents.jsonl"
TARGET_PAGES = 200


def documents(folder: Path) -> list[IssueDocument]:
    """Demo records with PDFs of 1 to 30 pages, until the issue holds 200 document pages."""
    found, pages, sizes = [], 0, [1, 2, 3, 5, 8, 12, 30, 1, 2, 4]
    for index, line in enumerate(RECORDS.open(encoding="utf-8")):
        record = json.loads(line)
        notation = parse_notation(record["number"])
        count = min(sizes[index % len(sizes)], TARGET_PAGES - pages)
        issuer = issuer_display_name(record["issuer"])
        issued = date.fromisoformat(record["issued"])
        demo = DemoDocument(record["number"], issuer, notation.type_name, record["abstract"],
                            issued, record["signer"])
        path = render_document_pdf(folder / f"{index}.pdf", demo, count)
        found.append(IssueDocument(str(index), record["number"], notation.type_name,
                                   record["doc_type"], issuer, issued, record["abstract"],
                                   notation.legal, notation.seq, path))
        pages += count
        if pages >= TARGET_PAGES:
            return found
    return found


def main() -> None:
    print(f"# compose benchmark on {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docs = order_documents(documents(folder))
        spec = IssueSpec(2026, (44, 45), date(2026, 8, 10), tuple(docs),
                         public_url="http://127.0.0.1:5000/cong-bao/2026/44")
        compose_issue(spec, Masthead.load(), folder / "warm.pdf")  # fonts loaded once
        runs = []
        for run in range(3):
            start = time.perf_counter()
            result = compose_issue(spec, Masthead.load(), folder / f"issue-{run}.pdf")
            runs.append(time.perf_counter() - start)
        tracemalloc.start()
        compose_issue(spec, Masthead.load(), folder / "traced.pdf")
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        best = min(runs)
        report("compose_issue_pages", result.page_count, "pages")
        report("compose_issue_documents", len(docs), "documents")
        report("compose_200_page_issue", best, "s", target=2.0)
        report("compose_200_page_issue_python_peak", peak, "MB")
        if shutil.which("qpdf"):
            files = [str(d.pdf_path) for d in docs]
            start = time.perf_counter()
            subprocess.run(["qpdf", "--empty", "--pages", *files, "--", str(folder / "q.pdf")],
                           check=True)
            qpdf = time.perf_counter() - start
            report("qpdf_concatenate_same_files", qpdf, "s")
            report("compose_vs_qpdf_ratio", best / qpdf, "x")


if __name__ == "__main__":
    main()
