"""Compose a numbered issue into one print-ready PDF.

Cover and contents come first, then the documents' own pages as they are (pypdf), each with the
running header and page number stamped in the top margin, then the colophon. The contents print
page numbers that depend on how many pages the contents take, so they are laid out until the
count is stable (two passes in practice).
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.constants import PageLabelStyle
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import RectangleObject

from print_templates import Masthead
from print_templates.dates import short_date
from print_templates.layouts import (
    HEADER_BAND,
    ContentsLine,
    FrontMatter,
    build_colophon,
    build_front_matter,
    build_header_pages,
    build_separator_page,
)

from .active_content import strip_active_content
from .model import PART_TITLES, ComposedIssue, CompositionError, ContentsEntry, IssueSpec
from .ordering import authority
from .pdfio import write_atomically
from .textlayer import remove_text_above

A4_WIDTH, A4_HEIGHT = 595.276, 841.89
A4_TOLERANCE = 3.0  # points
MAX_PASSES = 6


@dataclass
class _Placed:
    """A document with its pages read and its place in the issue."""

    reader: PdfReader
    entry: ContentsEntry


def open_document_pdf(source: Path | BinaryIO, notation: str, key: str) -> PdfReader:
    """Read a document's PDF (a path or a binary stream) or raise CompositionError naming the
    document, in Vietnamese."""
    try:
        reader = PdfReader(str(source) if isinstance(source, (str, Path)) else source)
        if reader.is_encrypted:
            raise CompositionError(f"Tệp PDF của văn bản {notation} có mật khẩu; cần bản không "
                                   "khoá.", key)
        if len(reader.pages) == 0:
            raise CompositionError(f"Tệp PDF của văn bản {notation} không có trang nào.", key)
        return reader
    except CompositionError:
        raise
    except FileNotFoundError:
        raise CompositionError(f"Không tìm thấy tệp PDF của văn bản {notation}.", key) from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise CompositionError(f"Tệp PDF của văn bản {notation} bị hỏng, không đọc được "
                               f"({type(error).__name__}).", key) from error


# "V/v", "V/V:", "v/v." at the start of an abstract: the clerk's shorthand for "Về việc".
_VV_OPENING = re.compile(r"^\s*v/v\b[.:]?\s*", re.IGNORECASE)


def contents_text(type_name: str, notation: str, abstract: str) -> str:
    """"Quyết định số 37/2026/QĐ-UBND bãi bỏ ...": the abstract continues the sentence, in lower
    case, with "V/v" written out as "về việc" (as the real Sơn La contents print it)."""
    rest = _VV_OPENING.sub("", abstract, count=1)
    words, lowered = rest.split(" "), 1
    if rest != abstract:  # "V/v Thành lập" -> "về việc thành lập"
        words, lowered = ["về", "việc", *words], 3
    for index, word in enumerate(words[:lowered]):
        if word and not word.isupper():
            words[index] = word[0].lower() + word[1:]
    return f"{type_name} số {notation} {' '.join(words)}".strip()


def _layout(spec: IssueSpec, readers: list[PdfReader], front_pages: int,
            separators: bool) -> list[ContentsEntry]:
    entries, page, part = [], front_pages + 1, None
    for document, reader in zip(spec.documents, readers, strict=True):
        if separators and document.part != part:
            page += 1
        part = document.part
        count = len(reader.pages)
        entries.append(ContentsEntry(
            key=document.key, part=document.part,
            heading=authority(document.issuer, document.doc_type).heading,
            notation=document.notation,
            line=contents_text(document.type_name, document.notation, document.abstract),
            issued=document.issued, start_page=page, page_count=count,
            printed_page=spec.first_page + page - 1))
        page += count
    return entries


def _front(spec: IssueSpec) -> FrontMatter:
    return FrontMatter(label=spec.label, issue_date=spec.date, running_header=spec.running_header,
                       first_page=spec.first_page, qr_url=spec.public_url)


def _lines(entries: list[ContentsEntry]) -> list[ContentsLine]:
    return [ContentsLine(PART_TITLES[e.part], e.heading, e.issued, e.line, e.printed_page)
            for e in entries]


def _is_plain_a4(page: PageObject) -> bool:
    box = page.mediabox
    return (abs(float(box.width) - A4_WIDTH) <= A4_TOLERANCE
            and abs(float(box.height) - A4_HEIGHT) <= A4_TOLERANCE
            and abs(float(box.left)) < 0.5 and abs(float(box.bottom)) < 0.5)


def place_page(writer: PdfWriter, page: PageObject, header: PageObject) -> PageObject:
    """Add ``page`` to ``writer`` on A4 (scaled down and centred if it is not A4), remove the
    document's own page number from its top margin (textlayer) and stamp the header on it.
    pypdf 7 merges and rewrites only pages already in a writer, hence the order."""
    if page.get("/Rotate", 0) % 360:
        page.transfer_rotation_to_content()
    if _is_plain_a4(page):
        placed = writer.add_page(page)
        for box in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
            if box in placed:
                del placed[box]
        limit = float(placed.mediabox.top) - HEADER_BAND
    else:
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        scale = min(1.0, A4_WIDTH / width, (A4_HEIGHT - HEADER_BAND) / height)
        tx = (A4_WIDTH - width * scale) / 2 - float(box.left) * scale
        ty = (A4_HEIGHT - HEADER_BAND - height * scale) / 2 - float(box.bottom) * scale
        placed = writer.add_blank_page(A4_WIDTH, A4_HEIGHT)
        placed.merge_transformed_page(page, Transformation().scale(scale).translate(tx, ty))
        placed.mediabox = RectangleObject([0, 0, A4_WIDTH, A4_HEIGHT])
        limit = (float(box.top) - HEADER_BAND) * scale + ty  # the source's own top margin
    remove_text_above(placed, writer, limit)
    placed.merge_page(header)
    return placed


def compose_issue(spec: IssueSpec, masthead: Masthead, out_path: Path) -> ComposedIssue:
    """Write the issue's PDF to ``out_path`` (atomically) and return its contents with pages."""
    readers = [open_document_pdf(d.pdf_path, d.notation, d.key) for d in spec.documents]
    separators = masthead.separator_pages
    with tempfile.TemporaryDirectory(prefix="issue-", dir=out_path.parent) as tmp:
        work = Path(tmp)
        front_path = work / "front.pdf"
        front_pages = 1
        for _ in range(MAX_PASSES):
            entries = _layout(spec, readers, front_pages, separators)
            built = build_front_matter(front_path, masthead, _front(spec), _lines(entries))
            if built == front_pages:
                break
            front_pages = built
        else:
            raise CompositionError("Không ổn định được số trang của mục lục.")

        placed = [_Placed(r, e) for r, e in zip(readers, entries, strict=True)]
        last_page = (entries[-1].start_page + entries[-1].page_count - 1) if entries \
            else front_pages
        doc_pages = [(spec.first_page + p - 1, p) for e in entries
                     for p in range(e.start_page, e.start_page + e.page_count)]
        headers_path = work / "headers.pdf"
        build_header_pages(headers_path, spec.running_header, doc_pages or [(1, 1)])
        colophon_path = work / "colophon.pdf"
        colophon_page = last_page + 1
        build_colophon(colophon_path, masthead, spec.running_header,
                       spec.first_page + colophon_page - 1, colophon_page)

        writer = PdfWriter()
        for page in PdfReader(str(front_path)).pages:
            writer.add_page(page)
        writer.add_outline_item(title="Bìa và mục lục", page_number=0)
        headers = PdfReader(str(headers_path)).pages
        header_index, part_items, part = 0, {}, None
        for item in placed:
            entry = item.entry
            if entry.part != part:
                part = entry.part
                if separators:
                    _add_separator(writer, work, spec, entry)
                part_items[part] = writer.add_outline_item(
                    title=PART_TITLES[part].capitalize(),
                    page_number=entry.start_page - 1 - int(separators))
            for page in item.reader.pages:
                place_page(writer, page, headers[header_index])
                header_index += 1
            writer.add_outline_item(title=f"{entry.notation} ({entry.printed_page})",
                                    page_number=entry.start_page - 1, parent=part_items[entry.part])
        for page in PdfReader(str(colophon_path)).pages:
            writer.add_page(page)
        _finish(writer, spec, masthead, entries)
        page_count = len(writer.pages)
        write_atomically(writer, out_path)
    return ComposedIssue(path=out_path, page_count=page_count, front_pages=front_pages,
                         entries=entries)


def _add_separator(writer: PdfWriter, work: Path, spec: IssueSpec, entry: ContentsEntry) -> None:
    physical = entry.start_page - 1
    path = work / f"separator-{entry.part}.pdf"
    build_separator_page(path, PART_TITLES[entry.part], spec.running_header,
                         spec.first_page + physical - 1, physical)
    writer.add_page(PdfReader(str(path)).pages[0])


def _finish(writer: PdfWriter, spec: IssueSpec, masthead: Masthead,
            entries: list[ContentsEntry]) -> None:
    """Page labels and document metadata."""
    # Documents' pages come from clean renditions already; this keeps a file stored before
    # that (or a page merged with its annotations) from carrying scripts into an issue.
    strip_active_content(writer)
    writer.set_page_label(0, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL,
                          start=spec.first_page)
    title = (f"Công báo tỉnh {masthead.province} {spec.label}/{spec.year} "
             f"ngày {short_date(spec.date)}")
    writer.add_metadata({
        "/Title": title,
        "/Subject": f"{spec.running_header}: {len(entries)} văn bản",
        "/Keywords": "; ".join(e.notation for e in entries),
        "/Author": masthead.publisher,
        "/Creator": "Công báo platform (issues engine)",
    })
    writer.page_mode = "/UseOutlines"
    writer.generate_file_identifiers()
