"""Past issues that this platform did not make, built during the run for the importer.

The cover and contents are written with python-docx and laid out by LibreOffice (``soffice
--headless --convert-to pdf``): contents as a bordered table (sequence, notation and date,
abstract, page) or as a list whose page numbers follow a right tab stop with dot leaders, on
one page or over two, for a single or a double issue ("Số 44 + 45"), with page numbers that
count the cover, start at the first document, or run through the year. The documents' pages
are real records of the demo rendered by ``render_document_pdf``; qpdf joins the parts and a
colophon made the same way. A scan is the whole issue rendered by poppler as grey images and
put back into a PDF by Pillow: no text layer at all.
"""
from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Cm, Pt
from PIL import Image
from pypdf import PdfReader

from gazette_app.demo.documents import DemoDocument, render_document_pdf
from gazette_app.notation import parse_notation
from gazette_app.vocabulary import issuer_display_name
from issues.compose import contents_text
from issues.model import PART_TITLES, IssueDocument
from issues.ordering import authority, order_documents
from tests.support.intake import need
from tests.support.issues import records

LAYOUTS = ("table", "leaders")
NUMBERINGS = ("physical", "documents", "year")


@dataclass(frozen=True)
class PastIssueSpec:
    name: str
    numbers: tuple[int, ...]
    issue_date: date
    documents: tuple[IssueDocument, ...]  # in the contents' order
    layout: str = "leaders"  # "table" or "leaders"
    numbering: str = "physical"  # the cover is page 1 / documents from 1 / through the year
    year_start: int = 157  # first document's printed page when numbering runs through the year
    break_after: int | None = None  # a page break in the contents after this entry
    unlisted: tuple[int, ...] = ()  # documents printed in the issue but missing from contents


@dataclass
class PastIssue:
    spec: PastIssueSpec
    path: Path
    page_count: int
    truth: list[tuple[str, int, int]] = field(default_factory=list)  # notation, 1-based pages


# ---------------------------------------------------------------- documents

def demo_documents(folder: Path, rng: random.Random, count: int,
                   max_pages: int = 6) -> list[IssueDocument]:
    """``count`` different demo records, each with a generated PDF of 1 to ``max_pages``
    pages (PDFs are cached in ``folder`` by notation, issuer and pages)."""
    chosen = rng.sample(_distinct_records(), count)
    return [_document(folder, record, rng.randint(1, max_pages)) for record in chosen]


_RECORDS: list[dict] = []


def _distinct_records() -> list[dict]:
    if not _RECORDS:
        seen = set()
        for record in records():
            key = (record["number"], record["issuer"])
            if key not in seen:
                seen.add(key)
                _RECORDS.append(record)
    return _RECORDS


def _document(folder: Path, record: dict, pages: int) -> IssueDocument:
    notation = parse_notation(record["number"])
    issuer = issuer_display_name(record["issuer"])
    issued = date.fromisoformat(record["issued"])
    slug = f"{notation.key}-{issuer}-{pages}".replace("/", "_").replace(" ", "_")
    path = folder / "documents" / f"{slug}.pdf"
    if not path.exists():
        demo = DemoDocument(record["number"], issuer, notation.type_name, record["abstract"],
                            issued, record["signer"])
        render_document_pdf(path, demo, pages)
    return IssueDocument(key=slug, notation=record["number"], type_name=notation.type_name,
                         doc_type=record["doc_type"], issuer=issuer, issued=issued,
                         abstract=record["abstract"], legal=notation.legal, seq=notation.seq,
                         pdf_path=path)


def page_count(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


# ---------------------------------------------------------------- DOCX

def _style(word) -> None:
    normal = word.styles["Normal"]
    normal.font.name = "Times New Roman"  # LibreOffice lays it out in Liberation Serif
    normal.font.size = Pt(12)
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)


def _centred(word, text: str, size: int = 12, bold: bool = False, after: int = 4) -> None:
    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(after)
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def _cover(word, spec: PastIssueSpec) -> None:
    _centred(word, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, 60)
    _centred(word, "CÔNG BÁO", 40, True, 6)
    _centred(word, "TỈNH SƠN LA", 22, True, 60)
    numbers = " + ".join(f"{n:02d}" for n in spec.numbers)
    day = spec.issue_date
    _centred(word, f"Số {numbers}", 16, True)
    _centred(word, f"Ngày {day.day:02d} tháng {day.month} năm {day.year}", 14, False, 80)
    _centred(word, "Văn phòng Ủy ban nhân dân tỉnh Sơn La xuất bản", 11)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _rows(spec: PastIssueSpec, first_pages: list[int]):
    """(part title or None, heading or None, entry index, document, printed page)."""
    part = heading = None
    for index, (document, printed) in enumerate(zip(spec.documents, first_pages, strict=True)):
        if index in spec.unlisted:
            continue
        new_part = PART_TITLES[document.part] if document.part != part else None
        part = document.part
        own = authority(document.issuer, document.doc_type).heading
        new_heading = own if (own != heading or new_part) else None
        heading = own
        yield new_part, new_heading, index, document, printed


def _contents_table(word, spec: PastIssueSpec, first_pages: list[int]) -> None:
    widths = (Cm(1.2), Cm(4.3), Cm(9.5), Cm(1.5))
    table = _continue_table(word, widths)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.rows[0].cells[1].paragraphs[0].runs[0].text = "Số, ký hiệu, ngày ban hành"
    for part, heading, index, document, printed in _rows(spec, first_pages):
        for title in (part, heading):
            if title:
                merged = table.add_row().cells
                whole = merged[0].merge(merged[3])
                whole.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                whole.paragraphs[0].add_run(title).bold = True
        cells = table.add_row().cells
        texts = (str(index + 1), f"{document.notation}\nngày {_short(document.issued)}",
                 f"{document.type_name} {_lower_first(document.abstract)}", str(printed))
        for cell, text, width in zip(cells, texts, widths, strict=True):
            cell.width = width
            cell.text = text
        if spec.break_after == index:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            table = _continue_table(word, widths)


def _continue_table(word, widths):
    table = word.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice lays out by
    for cell, text, width in zip(table.rows[0].cells, ("STT", "Số, ký hiệu", "Trích yếu",
                                                        "Trang"), widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text).bold = True
    return table


def _contents_leaders(word, spec: PastIssueSpec, first_pages: list[int]) -> None:
    for part, heading, index, document, printed in _rows(spec, first_pages):
        if part:
            _centred(word, part, 12, True, 2)
        if heading:
            _centred(word, heading, 12, True, 2)
        paragraph = word.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT,
                                                          WD_TAB_LEADER.DOTS)
        paragraph.paragraph_format.space_after = Pt(4)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        text = contents_text(document.type_name, document.notation, document.abstract)
        paragraph.add_run(text.replace(document.notation,
                                       f"{document.notation} ngày {_short(document.issued)}", 1))
        paragraph.add_run(f"\t{printed}")
        if spec.break_after == index:
            paragraph.add_run().add_break(WD_BREAK.PAGE)


def _short(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text and not text.split(" ")[0].isupper() else text


def front_docx(spec: PastIssueSpec, first_pages: list[int], out: Path) -> Path:
    word = DocxDocument()
    _style(word)
    _cover(word, spec)
    _centred(word, "MỤC LỤC", 14, True, 8)
    if spec.layout == "table":
        _contents_table(word, spec, first_pages)
    else:
        _contents_leaders(word, spec, first_pages)
    word.save(out)
    return out


def colophon_docx(out: Path) -> Path:
    word = DocxDocument()
    _style(word)
    for _ in range(20):
        word.add_paragraph()
    for line in ("VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH SƠN LA XUẤT BẢN",
                 "Địa chỉ: Tòa nhà 7 tầng, Trung tâm hành chính tỉnh Sơn La",
                 "Điện thoại: 0212 3852 112", "Email: congbao@sonla.gov.vn",
                 "In tại: Công ty cổ phần in Sơn La"):
        _centred(word, line, 12)
    word.save(out)
    return out


def convert(docx_files: list[Path], out_dir: Path) -> None:
    """Files by fifties in one LibreOffice run each (starting soffice costs more than
    converting); a file a run skipped (it happens in long runs) is converted again alone."""
    need("soffice", "libreoffice-writer-nogui")
    for docx in docx_files:
        (out_dir / f"{docx.stem}.pdf").unlink(missing_ok=True)  # never an earlier pass's PDF
    for start in range(0, len(docx_files), 50):
        _soffice(docx_files[start:start + 50], out_dir)
    for docx in docx_files:
        if not (out_dir / f"{docx.stem}.pdf").exists():
            _soffice([docx], out_dir)
        if not (out_dir / f"{docx.stem}.pdf").exists():
            raise RuntimeError(f"LibreOffice did not convert {docx.name}")


def _soffice(docx_files: list[Path], out_dir: Path) -> None:
    profile = out_dir / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)],
                   check=True, capture_output=True, timeout=900)


# ---------------------------------------------------------------- issues

def _first_pages(spec: PastIssueSpec, counts: list[int], front: int) -> tuple[list[int], int]:
    """Printed first pages of the documents and the offset (PDF page = printed + offset)."""
    physical, pages = [], front + 1
    for count in counts:
        physical.append(pages)
        pages += count
    offset = {"physical": 0, "documents": front, "year": front + 1 - spec.year_start}
    return [p - offset[spec.numbering] for p in physical], offset[spec.numbering]


def build_past_issues(folder: Path, specs: list[PastIssueSpec]) -> list[PastIssue]:
    """Lay out every issue in LibreOffice (front matter laid out again until its page count is
    stable, as the page numbers of the contents depend on it), then join the parts."""
    need("qpdf", "qpdf")
    folder.mkdir(parents=True, exist_ok=True)
    colophon = folder / "colophon.pdf"
    if not colophon.exists():
        convert([colophon_docx(folder / "colophon.docx")], folder)
    fronts = {spec.name: 2 for spec in specs}
    pending = list(specs)
    for _ in range(4):
        if not pending:
            break
        files = []
        for spec in pending:
            counts = [page_count(d.pdf_path) for d in spec.documents]
            first, _offset = _first_pages(spec, counts, fronts[spec.name])
            files.append(front_docx(spec, first, folder / f"{spec.name}-front.docx"))
        convert(files, folder)
        still = []
        for spec in pending:
            pages = page_count(folder / f"{spec.name}-front.pdf")
            if pages != fronts[spec.name]:
                fronts[spec.name] = pages
                still.append(spec)
        pending = still
    return [_join(folder, spec, fronts[spec.name], colophon) for spec in specs]


def _join(folder: Path, spec: PastIssueSpec, front: int, colophon: Path) -> PastIssue:
    counts = [page_count(d.pdf_path) for d in spec.documents]
    out = folder / f"{spec.name}.pdf"
    parts = [folder / f"{spec.name}-front.pdf", *[d.pdf_path for d in spec.documents], colophon]
    subprocess.run(["qpdf", "--empty", "--pages", *map(str, parts), "--", str(out)],
                   check=True, capture_output=True)
    issue = PastIssue(spec, out, page_count(out))
    page = front + 1
    for document, count in zip(spec.documents, counts, strict=True):
        issue.truth.append((document.notation, page, page + count - 1))
        page += count
    return issue


def ordered(documents: list[IssueDocument]) -> tuple[IssueDocument, ...]:
    return tuple(order_documents(documents))


def scanned(issue: PastIssue, folder: Path, dpi: int = 200) -> PastIssue:
    """The issue as a scanner gives it: every page a grey image, no text layer."""
    need("pdftoppm", "poppler-utils")
    pages_dir = folder / f"{issue.spec.name}-scan"
    pages_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(issue.path),
                    str(pages_dir / "p")], check=True)
    images = [Image.open(p).convert("L") for p in sorted(pages_dir.glob("p-*.png"))]
    out = folder / f"{issue.spec.name}-scan.pdf"
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return PastIssue(issue.spec, out, len(images), list(issue.truth))
