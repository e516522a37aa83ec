"""Which OCR settings read scans best and the same way twice: a small measurement on generated
scans (tests/intake_documents.py) at 150, 200 and 300 dpi, turned and dusty, each read twice
with each candidate setting; prints per setting the share of proposal fields right, whether
the two readings gave the same proposal, and the seconds per page. The result chose
``intake.tools.OCR_SETTINGS`` (README: "Receiving: scans").

    .venv/bin/python bench/ocr_settings.py [--documents 3]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gazette_app.intake.reading import propose_document  # noqa: E402
from tests.support.documents import pdf_of, scan_of, specs  # noqa: E402

CANDIDATES = {
    "vie+eng": ["--language", "vie+eng"],
    "vie": ["--language", "vie"],
    "vie deskew": ["--language", "vie", "--deskew"],
    "vie deskew clean": ["--language", "vie", "--deskew", "--clean"],
}
FIELDS = ("number", "type_name", "issuer", "issued", "abstract", "signer")


def ocr(scan: Path, out: Path, options: list[str]) -> bytes:
    subprocess.run(["ocrmypdf", *options, "--jobs", "1", "--skip-text", "--output-type", "pdf",
                    "--quiet", str(scan), str(out)], check=True,
                   env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    return out.read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=3)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    chosen = {k: v for k, v in CANDIDATES.items() if not args.only or k in args.only.split(",")}
    if shutil.which("unpaper") is None:  # --clean needs it; the app does not
        print("ocr vie deskew clean: skipped (unpaper not installed: apt-get install unpaper)")
        chosen.pop("vie deskew clean", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scans = []
        for index, spec in enumerate(specs(args.documents, seed=150)):
            pdf = pdf_of(spec, folder / f"d{index}.pdf")
            for dpi, skew, noise in ((150, 0.6, 0.001), (200, -1.0, 0.002), (300, 0.4, 0.001)):
                scans.append((spec, scan_of(pdf, folder, dpi, skew, noise, seed=index)))
        for name, options in chosen.items():
            right = total = same = 0
            started = time.perf_counter()
            for number, (spec, scan) in enumerate(scans):
                readings = [propose_document("pdf", b"", ocr(scan, folder / f"o{number}{r}.pdf",
                                                              options))[0] for r in (1, 2)]
                same += readings[0] == readings[1]
                for field in FIELDS:
                    right += getattr(readings[0], field) == spec.expected[field]
                    total += 1
            seconds = (time.perf_counter() - started) / (2 * len(scans))
            print(f"ocr {name}: fields right {right / total:.3f}, same twice {same}/{len(scans)}, "
                  f"{seconds:.1f} s per reading", flush=True)


if __name__ == "__main__":
    main()
