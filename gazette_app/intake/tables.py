"""Tables of a received document, kept in its text so that the page can show them as tables.

A PDF's text layer (``text.page_texts``) gives a table as lines: "1 Chiềng Hặc 1.250,5 Giữ
nguyên", a long cell wrapped over several lines. The rows are found elsewhere and the lines
that hold each row are replaced by one line whose cells are separated by tabs, which
``document_text`` shows as a table (search, which splits on white space, reads it as before):

- a DOCX: its tables as Word holds them (``word/document.xml``), the ruled ones or those of three
  columns or more (a two-column table without rules is the layout of the national heading or
  the signatures, which reads better as text);
- any other file, through its PDF: pypdf's layout mode keeps the columns apart, and a run of at
  least three lines in three or more aligned columns is taken for a table (a wrapped cell's
  next lines join the cell above them).

A row is replaced only when its text, white space aside, is exactly the text of whole
consecutive lines of one page; anything else is left as the lines it was (never a wrong table).
"""
from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from search_index.analysis import nfc

Table = list[list[str]]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOCUMENT_XML = 50 * 1024 * 1024  # the file passed the bomb check; this bounds what is parsed
_STRETCH = re.compile(r"\S+(?: {1,2}\S+)*")  # words apart by at most two spaces
_BLANK = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _BLANK.sub(" ", nfc(text)).strip()


# --- DOCX -----------------------------------------------------------------------------------

def _ruled(table: ElementTree.Element) -> bool:
    """Whether a Word table draws lines: its style is a grid, or it sets borders."""
    style = table.find(f"{W}tblPr/{W}tblStyle")
    if style is not None and "grid" in style.get(f"{W}val", "").lower():
        return True
    for borders in (*table.iter(f"{W}tblBorders"), *table.iter(f"{W}tcBorders")):
        if any(edge.get(f"{W}val", "nil") not in ("nil", "none") for edge in borders):
            return True
    return False


def _cell_text(cell: ElementTree.Element) -> str:
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in cell.iter(f"{W}p")]
    return _clean(" ".join(paragraphs))


def docx_tables(data: bytes) -> list[Table]:
    """The DOCX's tables in document order (outer tables only), as rows of cell texts."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCUMENT_XML:
                return []
            root = ElementTree.fromstring(archive.read(info))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return []
    body = root.find(f"{W}body")
    found: list[Table] = []
    for table in body.iter(f"{W}tbl") if body is not None else ():
        rows = [[_cell_text(cell) for cell in row.findall(f"{W}tc")]
                for row in table.findall(f"{W}tr")]
        columns = max((len(row) for row in rows), default=0)
        if len(rows) >= 2 and columns >= 2 and (columns >= 3 or _ruled(table)):
            found.append(rows)
    return found


# --- PDF (layout mode) ----------------------------------------------------------------------

def _segments(line: str) -> list[tuple[int, str]]:
    """(column, text) of each stretch of a layout line between gaps of three spaces or more."""
    return [(match.start(), match.group()) for match in _STRETCH.finditer(line)]


def _column(starts: list[int], at: int) -> int | None:
    matches = [index for index, start in enumerate(starts) if abs(start - at) <= 2]
    return matches[0] if matches else None


def _page_tables(layout: str) -> list[Table]:
    tables: list[Table] = []
    starts: list[int] = []
    rows: Table = []

    def close() -> None:
        if len(rows) >= 3:
            tables.append([[_clean(cell) for cell in row] for row in rows])
        rows.clear()
        starts.clear()

    for line in layout.split("\n"):
        segments = _segments(line)
        placed = [_column(starts, at) for at, _ in segments] if starts else []
        columns = [column for column in placed if column is not None]
        if segments and len(columns) == len(segments) and (len(columns) >= 2 or columns[0]):
            if columns[0] == 0:  # a new row of the table; else a wrapped cell goes on
                rows.append([""] * len(starts))
            for column, (_, text) in zip(columns, segments, strict=True):
                rows[-1][column] = f"{rows[-1][column]} {text}".strip()
            continue
        close()
        if len(segments) >= 3:  # a table's first row sets its columns
            starts.extend(at for at, _ in segments)
            rows.append([text for _, text in segments])
    close()
    return tables


def pdf_tables(reader: PdfReader) -> list[Table]:
    """Tables found in the layout of each page's text (see the module's docstring)."""
    found: list[Table] = []
    for page in reader.pages:
        try:
            found += _page_tables(page.extract_text(extraction_mode="layout") or "")
        except (PyPdfError, ValueError, KeyError, TypeError, ZeroDivisionError):
            continue
    return found


# --- the text, with its tables --------------------------------------------------------------

def mark_tables(pages: list[str], tables: list[Table]) -> list[str]:
    """The pages' text with each row found as whole lines replaced by its tab-separated cells."""
    lines = [(number, line) for number, page in enumerate(pages) for line in page.split("\n")]
    owner: list[int] = []  # for each non-blank character of the text, its line
    for index, (_, line) in enumerate(lines):
        owner += [index] * sum(not c.isspace() for c in line)
    stream = "".join(c for _, line in lines for c in line if not c.isspace())
    replaced: dict[int, str | None] = {}
    cursor = 0
    for row in (row for table in tables for row in table):
        cells = [cell.replace("\t", " ") for cell in row]
        compact = "".join(c for cell in cells for c in cell if not c.isspace())
        if sum(bool(cell) for cell in cells) < 2:
            continue
        at = stream.find(compact, cursor)
        end = at + len(compact) - 1
        if at < 0 or (at > 0 and owner[at - 1] == owner[at]) or \
                (end + 1 < len(owner) and owner[end + 1] == owner[end]) or \
                lines[owner[at]][0] != lines[owner[end]][0]:
            continue  # not whole lines of one page: the lines stay as they are
        replaced[owner[at]] = "\t".join(cells)
        replaced.update((index, None) for index in range(owner[at] + 1, owner[end] + 1))
        cursor = end + 1
    if not replaced:
        return pages
    out: list[list[str]] = [[] for _ in pages]
    for index, (number, line) in enumerate(lines):
        text = replaced.get(index, line)
        if text is not None:
            out[number].append(text)
    return ["\n".join(page) for page in out]


def with_tables(pages: list[str], kind: str, source: bytes, pdf: bytes) -> list[str]:
    """The text of a received file (``kind`` as in ``intake.files``) with its tables marked."""
    if kind == "docx":
        tables = docx_tables(source)
    else:
        try:
            tables = pdf_tables(PdfReader(io.BytesIO(pdf)))
        except (PyPdfError, ValueError, KeyError, TypeError, OSError):
            tables = []
    return mark_tables(pages, tables) if tables else pages
