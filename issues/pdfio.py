"""Writing PDFs safely: the output appears whole or not at all."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)


def write_atomically(writer: PdfWriter, out_path: Path) -> None:
    """Write to a temporary file beside ``out_path``, fsync, then rename over it."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out_path.parent, prefix=".pdf-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            writer.write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, out_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


@dataclass
class OutlineItem:
    """A bookmark: its title, the (0-based) page it opens, its children."""

    title: str
    page: int
    children: list[OutlineItem] = field(default_factory=list)


@dataclass(frozen=True)
class PageLabel:
    first_page: int  # 0-based
    style: str | None = None  # /D, /r, ... or None for a prefix alone
    prefix: str = ""
    start: int = 1


def append_navigation(path: Path, outline: list[OutlineItem], labels: list[PageLabel],
                      info: dict[str, str]) -> None:
    """Add bookmarks, page labels and document information to the PDF at ``path`` as a
    standard incremental update (ISO 32000-1, 7.5.6): new objects, a replaced catalog and a
    cross-reference section appended to the file. The pages are never parsed beyond the page
    tree, so memory does not grow with their content. The file must end in a classic
    cross-reference table (what qpdf writes without object streams)."""
    reader = PdfReader(path)
    pages = [page.indirect_reference for page in reader.pages]
    root_ref = reader.trailer.raw_get("/Root")
    size = int(cast(NumberObject, reader.trailer["/Size"]))
    numbers = iter(range(size, size + 10_000_000))
    objects: dict[int, PdfObject] = {}

    def ref(obj) -> IndirectObject:
        number = next(numbers)
        objects[number] = obj
        return IndirectObject(number, 0, reader)

    catalog = DictionaryObject(  # same entries, replaced object
        cast(DictionaryObject, reader.trailer["/Root"]))
    catalog[NameObject("/Outlines")] = _outline(outline, pages, ref)
    catalog[NameObject("/PageLabels")] = ref(_labels(labels))
    catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
    objects[root_ref.idnum] = catalog
    info_ref = ref(DictionaryObject({NameObject(k): TextStringObject(v) for k, v in info.items()}))
    trailer = DictionaryObject({NameObject("/Size"): NumberObject(max(objects) + 1),
                                NameObject("/Root"): root_ref, NameObject("/Info"): info_ref,
                                NameObject("/Prev"): NumberObject(_startxref(path))})
    if "/ID" in reader.trailer:
        trailer[NameObject("/ID")] = reader.trailer["/ID"]
    _append(path, objects, trailer)


def _outline(items: list[OutlineItem], pages: list, ref) -> IndirectObject:
    root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    root_ref = ref(root)
    count = _children(root, root_ref, items, pages, ref)
    root[NameObject("/Count")] = NumberObject(count)
    return root_ref


def _children(parent: DictionaryObject, parent_ref, items: list[OutlineItem], pages,
              ref) -> int:
    """Link ``items`` under ``parent``; returns how many items are visible below it (open)."""
    refs, total = [], 0
    for item in items:
        node = DictionaryObject({
            NameObject("/Title"): TextStringObject(item.title),
            NameObject("/Parent"): parent_ref,
            NameObject("/Dest"): ArrayObject([pages[item.page], NameObject("/Fit")])})
        node_ref = ref(node)
        below = _children(node, node_ref, item.children, pages, ref)
        if item.children:
            node[NameObject("/Count")] = NumberObject(below)
        refs.append((node, node_ref))
        total += 1 + below
    for index, (node, _) in enumerate(refs):
        if index:
            node[NameObject("/Prev")] = refs[index - 1][1]
        if index + 1 < len(refs):
            node[NameObject("/Next")] = refs[index + 1][1]
    if refs:
        parent[NameObject("/First")], parent[NameObject("/Last")] = refs[0][1], refs[-1][1]
    return total


def _labels(labels: list[PageLabel]) -> DictionaryObject:
    nums = ArrayObject()
    for label in sorted(labels, key=lambda item: item.first_page):
        entry = DictionaryObject()
        if label.style:
            entry[NameObject("/S")] = NameObject(label.style)
            entry[NameObject("/St")] = NumberObject(label.start)
        if label.prefix:
            entry[NameObject("/P")] = TextStringObject(label.prefix)
        nums += [NumberObject(label.first_page), entry]
    return DictionaryObject({NameObject("/Nums"): nums})


def _startxref(path: Path) -> int:
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 1024))
        tail = handle.read()
    return int(tail[tail.rindex(b"startxref") + 9:].split()[0])


def _append(path: Path, objects: dict[int, PdfObject], trailer: DictionaryObject) -> None:
    offsets: dict[int, int] = {}
    with open(path, "r+b") as handle:
        handle.seek(0, os.SEEK_END)
        handle.write(b"\n")
        for number in sorted(objects):
            offsets[number] = handle.tell()
            handle.write(f"{number} 0 obj\n".encode())
            objects[number].write_to_stream(handle)
            handle.write(b"\nendobj\n")
        xref = handle.tell()
        handle.write(b"xref\n")
        for start, run in _runs(sorted(offsets)):
            handle.write(f"{start} {len(run)}\n".encode())
            handle.write(b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in run))
        handle.write(b"trailer\n")
        trailer.write_to_stream(handle)
        handle.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
        handle.flush()
        os.fsync(handle.fileno())


def _runs(numbers: list[int]) -> list[tuple[int, list[int]]]:
    """Consecutive object numbers grouped into cross-reference subsections."""
    runs: list[tuple[int, list[int]]] = []
    for number in numbers:
        if runs and runs[-1][1][-1] == number - 1:
            runs[-1][1].append(number)
        else:
            runs.append((number, [number]))
    return runs
