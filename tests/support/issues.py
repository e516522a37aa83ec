"""Real PDFs for issue tests, built during the run from the Sơn La records."""
from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A5, landscape, letter
from reportlab.pdfgen.canvas import Canvas

from gazette_app.demo.documents import DemoDocument, render_document_pdf
from gazette_app.notation import parse_notation
from gazette_app.vocabulary import issuer_display_name
from issues.model import IssueDocument
from print_templates import SERIF, register_fonts
from tests.support.paths import DEMO_RECORDS

# Notations chosen for variety: both parts, province, Standing Committee, chairman, communes.
SAMPLE = ["09/2026/NQ-HĐND", "47/2026/QĐ-UBND", "40/2026/QĐ-UBND", "18/NQ-HĐND",
          "1367/QĐ-UBND", "21/NQ-HĐND", "10/2026/NQ-HĐND", "1182/QĐ-UBND", "14/NQ-HĐND",
          "46/2026/QĐ-UBND", "1515/QĐ-UBND", "22/QĐ-TT HĐND", "19/NQ-HĐND"]
PAGES = [3, 1, 30, 2, 1, 4, 12, 1, 2, 5, 7, 1, 2]


def records() -> list[dict]:
    return [json.loads(line) for line in DEMO_RECORDS.open(encoding="utf-8")]


def issue_documents(folder: Path, count: int = len(SAMPLE)) -> list[IssueDocument]:
    """One record per sample notation (first match), each with a generated PDF."""
    by_number: dict[str, dict] = {}
    for record in records():
        by_number.setdefault(record["number"], record)
    documents = []
    for index, (number, pages) in enumerate(zip(SAMPLE[:count], PAGES, strict=False)):
        record = by_number[number]
        documents.append(make_document(folder, index, record, pages))
    return documents


def make_document(folder: Path, index: int, record: dict, pages: int) -> IssueDocument:
    notation = parse_notation(record["number"])
    issuer = issuer_display_name(record["issuer"])
    issued = date.fromisoformat(record["issued"])
    demo = DemoDocument(record["number"], issuer, notation.type_name, record["abstract"], issued,
                        record["signer"])
    path = render_document_pdf(folder / f"doc-{index}.pdf", demo, pages)
    return IssueDocument(key=str(index), notation=record["number"],
                         type_name=notation.type_name, doc_type=record["doc_type"],
                         issuer=issuer, issued=issued, abstract=record["abstract"],
                         legal=notation.legal, seq=notation.seq, pdf_path=path)


def odd_size_pdf(path: Path, notation: str) -> Path:
    """Two pages not in A4: a landscape Letter page and an A5 page, each naming ``notation``."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=landscape(letter), initialFontName=SERIF)
    canvas.setFont(SERIF, 14)
    canvas.drawString(72, 400, f"Số: {notation} — Phụ lục khổ ngang")
    canvas.showPage()
    canvas.setPageSize(A5)
    canvas.setFont(SERIF, 14)
    canvas.drawString(40, 500, "Trang khổ A5")
    canvas.showPage()
    canvas.save()
    return path


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, as poppler's pdftotext reads it (pages split on form feeds)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]
