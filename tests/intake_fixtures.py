"""Real files for the receiving tests, made during the run: DOCX with python-docx, scans
rendered from a typed PDF, a DOCX bomb, a password-protected PDF; and the tool check."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from PIL import Image
from pypdf import PdfWriter


def need(tool: str, package: str) -> None:
    """Fail in CI, skip with the reason elsewhere, when a system tool is missing."""
    if shutil.which(tool) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is required in CI (Debian package {package})")
        pytest.skip(f"{tool} is not installed (Debian package {package}); make test installs it")


def docx_bytes(lines: list[str]) -> bytes:
    word = DocxDocument()
    for line in lines:
        word.add_paragraph(line)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def scan_of(pdf: Path, folder: Path) -> Path:
    """The first page of ``pdf`` as a scanner would give it: a grey image in a PDF, no text."""
    need("pdftoppm", "poppler-utils")
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(pdf),
                    str(folder / "scan")], check=True)
    scan = folder / "scan.pdf"
    Image.open(folder / "scan.png").convert("L").save(scan, resolution=200)
    return scan


def docx_bomb() -> bytes:
    """A DOCX-shaped zip of 300 KB that would unzip to 300 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


def locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list]) -> bytes:
    """A real Excel workbook (an annex: a price table, a list of procedures)."""
    from openpyxl import Workbook
    book = Workbook()
    for row in rows:
        book.active.append(row)
    for letter in "ABCDEF"[:max(len(row) for row in rows)]:  # whole cells, one page wide
        book.active.column_dimensions[letter].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
