"""A document's layout as rows of positioned pieces of text, from a Word file read directly
(python-docx) or from a PDF page read by position (pypdf's layout mode), so that the proposal
can tell the header's two columns, the title and the signature block apart instead of guessing
from flattened text.

A row is one printed line; its segments are the runs of text separated by a wide gap, each with
its starting column on a 0-100 scale (0 = left margin). In the header, a segment that starts
right of the middle is the right column (national motto, place and date); in the signature
block, the right column holds the signer's role and name and the left one "Nơi nhận"."""
from __future__ import annotations

import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table

from search_index.analysis import nfc

from . import IntakeError
from .tools import PDFTOTEXT, require, run

MIDDLE = 42  # a segment starting at or right of this column is in the right column
_GAP = re.compile(r" {4,}")  # the gap between two columns in a layout-mode line
MAX_ROWS = 4000  # rows of a Word file read for the proposal (its first pages are enough)
_SPECK = re.compile(r"^\s*[^\w\s]{1,2}\s*$")  # "|", "•", "'": dust OCR read as a mark


@dataclass(frozen=True)
class Segment:
    col: int  # 0-100
    text: str

    @property
    def right(self) -> bool:
        return self.col >= MIDDLE


@dataclass
class Layout:
    """The rows of the first page and of the last page (the same rows for a Word file)."""

    first: list[list[Segment]] = field(default_factory=list)
    last: list[list[Segment]] = field(default_factory=list)
    positioned: bool = True  # False for flattened text: columns come from content alone


def from_layout_text(first_page: str, last_page: str) -> Layout:
    """Rows from pypdf's layout-mode text of the first and last pages."""
    return Layout(_layout_rows(first_page), _layout_rows(last_page))


def from_plain_text(first_page: str, last_page: str) -> Layout:
    """Rows from flattened text (one segment per line, at the left margin)."""
    def rows(text: str) -> list[list[Segment]]:
        return [[Segment(0, nfc(line.strip()))] for line in text.splitlines() if line.strip()]
    return Layout(rows(first_page), rows(last_page), positioned=False)


def _layout_rows(text: str) -> list[list[Segment]]:
    lines = [unicodedata.normalize("NFC", line.rstrip()) for line in text.splitlines()]
    lines = [line for line in lines if line.strip()]
    if not lines:
        return []
    width = max(len(line) for line in lines) or 1
    rows = []
    for line in lines:
        segments = []
        position = 0
        for piece in _GAP.split(line):
            start = line.index(piece, position) if piece else position
            position = start + len(piece)
            if piece.strip() and not _SPECK.match(piece):
                col = (start + len(piece) - len(piece.lstrip())) * 100 // width
                segments.append(Segment(col, " ".join(piece.split())))
        if segments:
            rows.append(segments)
    return rows


LAST_PAGES = 3  # the signature block is on the last page, or before one or two annex pages


def from_pdf(reader) -> Layout:
    """Rows of the first page and of the last pages of ``reader`` (a PdfReader) by position."""
    def rows(index: int) -> list[list[Segment]]:
        try:
            text = reader.pages[index].extract_text(extraction_mode="layout",
                                                    layout_mode_space_vertically=False)
        except Exception:  # noqa: BLE001 - a page pypdf cannot lay out reads as empty
            text = ""
        return _layout_rows(text or "")
    count = len(reader.pages)
    first = rows(0)
    last: list[list[Segment]] = []
    for index in range(max(0, count - LAST_PAGES), count):
        last += rows(index)
    return Layout(first, last if count > 1 else first)


def from_pdftotext(pdf: bytes, pages: int, timeout: float = 60) -> Layout:
    """Rows by position from poppler's ``pdftotext -layout``: the text layer an OCR tool adds
    (glyphless fonts, one word at a time) is laid out by it where pypdf's layout mode gives
    nothing."""
    binary = require(PDFTOTEXT)
    with tempfile.TemporaryDirectory(prefix="layout-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)

        def text(first: int, last: int) -> list[str]:
            result = run([binary, "-layout", "-enc", "UTF-8", "-f", str(first), "-l", str(last),
                          str(source), "-"], timeout, "Đọc bố cục trang")
            return result.stdout.decode("utf-8", "replace").split("\f")

        first = _layout_rows(text(1, 1)[0])
        last: list[list[Segment]] = []
        if pages > 1:
            for page in text(max(1, pages - LAST_PAGES + 1), pages):
                last += _layout_rows(page)
    return Layout(first, last or first)


# --- Word files -----------------------------------------------------------------------------

def from_docx(data: bytes) -> Layout:
    """Rows of a Word file in reading order: paragraphs and tables of the body. A table row
    becomes as many rows as its tallest cell has paragraphs, each cell a segment placed by its
    column (the header table: organ and number left, motto and date right)."""
    try:
        word = WordDocument(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise IntakeError("Tệp Word bị hỏng, không đọc được.") from error
    rows: list[list[Segment]] = []
    for block in word.iter_inner_content():
        if len(rows) > MAX_ROWS:
            break
        if isinstance(block, Table):
            rows += _table_rows(block)
            continue
        text = " ".join(block.text.split())
        if not text:
            continue
        right = block.alignment == WD_ALIGN_PARAGRAPH.RIGHT or (
            block.paragraph_format.left_indent or 0) > 2_000_000  # EMU: about 5.5 cm
        rows.append([Segment(60 if right else 0, nfc(text))])
    return Layout(rows, rows)


def _table_rows(table) -> list[list[Segment]]:
    rows: list[list[Segment]] = []
    for row in table.rows:
        cells = []
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per grid column
                continue
            seen.add(id(cell._tc))
            cells.append([" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip()])
        step = 100 // max(1, len(cells))
        for index in range(max((len(c) for c in cells), default=0)):
            segments = [Segment(column * step, nfc(lines[index]))
                        for column, lines in enumerate(cells) if index < len(lines)]
            rows.append(segments)
    return rows
