"""Receiving: how often the proposal is right, per field, on generated documents that vary what
real ones vary (tests/intake_documents.py: header as table or lines, abbreviated and other
organs, blank numbers and days, long titles, addressee blocks, KT./TM. signature blocks,
unsigned drafts, annex pages), written as DOCX, PDF, DOC (LibreOffice) and scans at 150, 200
and 300 dpi (turned and dusty, read by the app's fixed OCR settings, twice each).

Targets (issue 21): per field >= 0.95 on text documents, >= 0.90 on scans; 0 invented values
(a proposal where the document has none); two readings of the same scan give the same proposal.

    .venv/bin/python bench/bench_intake.py            # make bench: 150 documents, 4 scans
    .venv/bin/python bench/bench_intake.py --full     # 400 documents, 100 DOC, 24 scans
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, report  # noqa: E402
from gazette_app.intake.metadata import Proposal  # noqa: E402
from gazette_app.intake.reading import propose_document  # noqa: E402
from gazette_app.intake.tools import OCR_SETTINGS_LABEL, ocr_pdf  # noqa: E402
from tests.support.documents import Spec, docs_of, docx_of, pdf_of, scan_of, specs  # noqa: E402

FIELDS = ("number", "type_name", "issuer", "issued", "abstract", "signer")
TEXT_TARGET, SCAN_TARGET = 0.95, 0.90
SCAN_SETTINGS = ((150, 0.8, 0.001), (200, -1.0, 0.002), (300, 0.5, 0.001), (200, 0.3, 0.0))


class Score:
    def __init__(self) -> None:
        self.right: Counter[str] = Counter()
        self.invented: Counter[str] = Counter()
        self.count = 0

    def add(self, spec: Spec, proposal: Proposal) -> list[str]:
        self.count += 1
        wrong = []
        for field in FIELDS:
            got, expected = getattr(proposal, field), spec.expected[field]
            self.right[field] += got == expected
            if got != expected:
                wrong.append(f"{field}: {got!r} != {expected!r}")
            if expected in ("", None) and got not in ("", None):
                self.invented[field] += 1
        return wrong

    def print(self, label: str, target: float) -> None:
        for field in FIELDS:
            report(f"intake {label} {field} accuracy", self.right[field] / max(1, self.count),
                   "ratio", target, better="higher")
        report(f"intake {label} invented values", sum(self.invented.values()), "values", 0)


def _libreoffice_pdfs(docs: list[Path], folder: Path) -> list[Path]:
    """The PDFs LibreOffice makes of ``docs`` in one run (what receiving does with a DOC)."""
    out = folder / "doc-pdf"
    out.mkdir()
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'lo-pdf'}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(out),
                    *map(str, docs)], check=True, capture_output=True, timeout=900)
    return [out / (p.stem + ".pdf") for p in docs]


def text_documents(chosen: list[Spec], doc_count: int, folder: Path, verbose: bool) -> None:
    score = Score()
    by_kind: dict[str, Score] = {"docx": Score(), "pdf": Score(), "doc": Score()}
    started = time.perf_counter()
    docx_paths = []
    for index, spec in enumerate(chosen):
        docx = docx_of(spec)
        pdf = pdf_of(spec, folder / f"t{index}.pdf").read_bytes()
        for kind, original, rendition in (("docx", docx, b""), ("pdf", pdf, pdf)):
            proposal = propose_document(kind, original, rendition)[0]
            wrong = score.add(spec, proposal)
            by_kind[kind].add(spec, proposal)
            if wrong and verbose:
                print(f"  {kind} #{index}: {'; '.join(wrong)}")
        if index < doc_count:
            path = folder / f"t{index}.docx"
            path.write_bytes(docx)
            docx_paths.append(path)
    readings = 2 * len(chosen)
    seconds = time.perf_counter() - started
    docs = docs_of(docx_paths, folder / "doc") if docx_paths else []
    for index, pdf_path in enumerate(_libreoffice_pdfs(docs, folder) if docs else []):
        proposal = propose_document("doc", docs[index].read_bytes(), pdf_path.read_bytes())[0]
        wrong = score.add(chosen[index], proposal)
        by_kind["doc"].add(chosen[index], proposal)
        if wrong and verbose:
            print(f"  doc #{index}: {'; '.join(wrong)}")
    print(f"text documents: {len(chosen)} as DOCX and PDF, {len(docs)} as DOC "
          f"({score.count} readings)")
    for kind, part in by_kind.items():
        if part.count:
            print(f"  {kind}: " + ", ".join(f"{f} {part.right[f] / part.count:.3f}"
                                            for f in FIELDS))
    score.print("text", TEXT_TARGET)
    report("intake text proposal time", 1000 * seconds / max(1, readings), "ms per document")


def scans(chosen: list[Spec], folder: Path, verbose: bool) -> None:
    score = Score()
    same = 0
    started = time.perf_counter()
    for index, spec in enumerate(chosen):
        dpi, skew, noise = SCAN_SETTINGS[index % len(SCAN_SETTINGS)]
        pdf = pdf_of(spec, folder / f"s{index}.pdf")
        scan = scan_of(pdf, folder, dpi, skew, noise, seed=index)
        readings = []
        for attempt in (1, 2):
            copy = folder / f"scan-{index}-{attempt}.pdf"
            copy.write_bytes(scan.read_bytes())
            readings.append(propose_document("pdf", b"", ocr_pdf(copy), ocr=True)[0])
        same += readings[0] == readings[1]
        wrong = score.add(spec, readings[0])
        if wrong and verbose:
            print(f"  scan #{index} ({dpi} dpi): {'; '.join(wrong)}")
    seconds = time.perf_counter() - started
    print(f"scans: {len(chosen)} at 150/200/300 dpi, each read twice with {OCR_SETTINGS_LABEL}")
    score.print("scan", SCAN_TARGET)
    report("intake scan repeat identical", same / max(1, len(chosen)), "ratio", 1.0,
           better="higher")
    report("intake scan reading time", seconds / max(1, 2 * len(chosen)), "s per reading")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the full set (several minutes)")
    parser.add_argument("--documents", type=int, help="text documents (default 150, full 400)")
    parser.add_argument("--docs", type=int, help="of which also as DOC (default 20, full 100)")
    parser.add_argument("--scans", type=int, help="scanned documents (default 4, full 24)")
    parser.add_argument("--verbose", action="store_true", help="print every wrong field")
    args = parser.parse_args()
    documents = args.documents or (400 if args.full else 150)
    doc_count = args.docs if args.docs is not None else (100 if args.full else 20)
    scan_count = args.scans if args.scans is not None else (24 if args.full else 4)
    print(f"intake benchmark on {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        folder = Path(tmp)
        text_documents(specs(documents, seed=2026), doc_count, folder, args.verbose)
        if scan_count:
            scans(specs(scan_count, seed=2027), folder, args.verbose)


if __name__ == "__main__":
    main()
