"""Page layouts of a quarterly archival volume: the volume cover, the combined index, issue
separators, blank backs and the printed manifest. Plain values in, PDF files out."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from . import MONO, SERIF, SERIF_BOLD, SERIF_ITALIC, Masthead, register_fonts, table_style
from .dates import short_date
from .layouts import (
    FRONT_MARGIN,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RED,
    _escape,
    _styles,
    colophon_box,
    draw_title_block,
)

WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT


@dataclass(frozen=True)
class BoundIssue:
    label: str  # "Số 02 + 03"
    issue_date: date
    pages: int
    volume_page: int = 0  # where its cover is in the volume


@dataclass(frozen=True)
class IndexLine:
    part_title: str
    heading: str  # issuing authority
    type_name: str
    text: str  # "Quyết định số 37/2026/QĐ-UBND bãi bỏ ..."
    issue_label: str  # "Số 12"
    issue_page: int  # printed page in the issue: what a citation names
    volume_page: int  # physical page in the volume


@dataclass(frozen=True)
class VolumeFront:
    """What the volume's cover, title verso and index say."""

    title: str  # "QUÝ III/2026"
    issues: list[BoundIssue]
    lines: list[IndexLine]
    sheet_note: str  # pages and sheets, for the verso


@dataclass(frozen=True)
class ManifestRow:
    label: str  # "Tệp PDF của văn bản" or the notation
    pages: str  # "tr. 20" or "tr. 20–25", or ""
    size: int
    sha256: str


@dataclass(frozen=True)
class ManifestSection:
    title: str  # "Số 01 ngày 10/8/2026, tr. 5–86 của tập"
    rows: list[ManifestRow]


def _footer(canvas: Canvas, text: str, physical: int) -> None:
    canvas.saveState()
    canvas.setFont(SERIF_ITALIC, 10)
    canvas.drawCentredString(PAGE_WIDTH / 2, 12 * mm, f"{text} — trang {physical} của tập")
    canvas.restoreState()


def _cover_story(front: VolumeFront, styles: dict) -> list:
    """The issues bound, on the cover: number, date, pages and where each starts."""
    cell = ParagraphStyle("cell", parent=styles["base"], fontSize=11, leading=13,
                          alignment=TA_CENTER)
    head = ParagraphStyle("head", parent=cell, fontName=SERIF_BOLD)
    rows = [[Paragraph(t, head) for t in ("Số Công báo", "Ngày phát hành", "Số trang",
                                          "Trang đầu trong tập")]] + [
        [Paragraph(_escape(i.label), cell), Paragraph(short_date(i.issue_date), cell),
         Paragraph(str(i.pages), cell), Paragraph(str(i.volume_page), cell)]
        for i in front.issues]
    return [Paragraph(f"Gồm {len(front.issues)} số Công báo đã xuất bản trong quý:",
                      styles["heading"]),
            Table(rows, colWidths=[42 * mm, 38 * mm, 26 * mm, 34 * mm], repeatRows=1,
                  style=table_style(("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey)))]


def _verso_story(masthead: Masthead, front: VolumeFront, styles: dict) -> list:
    """The back of the cover, as in a book: what this volume is, and who publishes it."""
    note = ParagraphStyle("verso", parent=styles["base"], alignment=TA_CENTER, fontSize=11,
                          leading=14, spaceAfter=4)
    first, last = front.issues[0], front.issues[-1]
    return [Paragraph(f"<b>CÔNG BÁO {_escape(masthead.province_line)} — {front.title}</b>",
                      note),
            Paragraph(f"Tập lưu trữ gồm {len(front.issues)} số, từ {_escape(first.label)} "
                      f"({short_date(first.issue_date)}) đến {_escape(last.label)} "
                      f"({short_date(last.issue_date)}).", note),
            Paragraph(_escape(front.sheet_note), note),
            Paragraph("Mỗi văn bản được trích dẫn theo số Công báo và trang in trong số đó "
                      "(“Công báo tỉnh " + _escape(masthead.province) + ", Số 12/2026, tr. 23”);"
                      " mục lục tổng hợp ghi cả trang trong tập này. Bản kê tệp và mã kiểm tra "
                      "ở phụ lục cuối tập.", note),
            Spacer(1, 6 * mm), colophon_box(masthead)]


def build_volume_front(path: Path, masthead: Masthead, front: VolumeFront) -> int:
    """Volume cover, its verso and the combined index; returns the number of pages."""
    styles = _styles()
    small = ParagraphStyle("small", parent=styles["base"], fontSize=11, leading=13.5)
    frame = Frame(MARGIN_LEFT, 20 * mm, WIDTH, PAGE_HEIGHT - 40 * mm, leftPadding=0,
                  rightPadding=0)
    _, title_bottom = draw_title_block(Canvas(io.BytesIO()), masthead, PAGE_HEIGHT - 14 * mm)
    cover_frame = Frame(FRONT_MARGIN, 25 * mm, PAGE_WIDTH - 2 * FRONT_MARGIN,
                        title_bottom - 55 * mm - 25 * mm, leftPadding=0, rightPadding=0)
    verso_frame = Frame(FRONT_MARGIN, 25 * mm, PAGE_WIDTH - 2 * FRONT_MARGIN, 150 * mm,
                        leftPadding=0, rightPadding=0)

    def on_cover(canvas: Canvas, doc) -> None:
        canvas.saveState()
        _, y = draw_title_block(canvas, masthead, PAGE_HEIGHT - 14 * mm)
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(2)
        canvas.line(FRONT_MARGIN, y - 7 * mm, PAGE_WIDTH - FRONT_MARGIN, y - 7 * mm)
        canvas.setFont(SERIF_BOLD, 16)
        canvas.drawCentredString(PAGE_WIDTH / 2, y - 22 * mm, "TẬP LƯU TRỮ")
        canvas.setFont(SERIF_BOLD, 34)
        canvas.drawCentredString(PAGE_WIDTH / 2, y - 38 * mm, front.title)
        canvas.setFont(SERIF_ITALIC, 13)
        canvas.drawCentredString(PAGE_WIDTH / 2, y - 47 * mm,
                                 "Các số Công báo đã xuất bản trong quý, đóng thành tập")
        canvas.setFont(SERIF_BOLD, 12)
        canvas.drawCentredString(PAGE_WIDTH / 2, 15 * mm, masthead.publisher.upper())
        canvas.restoreState()

    def on_index(canvas: Canvas, doc) -> None:
        _footer(canvas, f"CÔNG BÁO {front.title} — Mục lục tổng hợp", doc.page)

    doc = BaseDocTemplate(str(path), pagesize=A4, title=f"{masthead.title} {front.title}",
                          author=masthead.publisher, initialFontName=SERIF,
                          pageTemplates=[PageTemplate("cover", [cover_frame], onPage=on_cover),
                                         PageTemplate("verso", [verso_frame]),
                                         PageTemplate("index", [frame], onPage=on_index)])
    story: list = [*_cover_story(front, styles), NextPageTemplate("verso"), PageBreak(),
                   *_verso_story(masthead, front, styles), NextPageTemplate("index"),
                   PageBreak(), *_index_story(front.lines, styles, small)]
    doc.build(story)
    return doc.page


# Columns of the combined index, named plainly: a citation names the page in the issue.
INDEX_COLUMNS = ("Văn bản", "Số Công báo", "Trang trong số", "Trang trong tập")


def _index_story(lines: list[IndexLine], styles: dict, small: ParagraphStyle) -> list:
    centred = ParagraphStyle("centred", parent=small, alignment=TA_CENTER)
    story: list = [
        Paragraph("MỤC LỤC TỔNG HỢP", styles["title"]),
        Paragraph("<b>Trang trong số</b>: trang in trong số Công báo, dùng khi trích dẫn. "
                  "<b>Trang trong tập</b>: trang của tập lưu trữ này.", centred),
        Spacer(1, 4)]
    row_style = table_style(("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                            ("FONTSIZE", (0, 0), (-1, -1), 11))
    columns = [WIDTH - 66 * mm, 22 * mm, 22 * mm, 22 * mm]
    head = ParagraphStyle("head", parent=small, fontName=SERIF_BOLD, fontSize=10, leading=12,
                          alignment=TA_CENTER)
    story.append(Table([[Paragraph(name, head) for name in INDEX_COLUMNS]], colWidths=columns,
                       repeatRows=1, style=table_style(
                           ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey))))
    part = heading = kind = None
    for line in lines:
        block: list = []
        if line.part_title != part:
            part, heading, kind = line.part_title, None, None
            block.append(Paragraph(_escape(line.part_title), styles["part"]))
        if line.heading != heading:
            heading, kind = line.heading, None
            block.append(Paragraph(_escape(line.heading), styles["heading"]))
        if line.type_name != kind:
            kind = line.type_name
            block.append(Paragraph(f"<i>{_escape(kind)}</i>", small))
        block += [Table([[Paragraph(_escape(line.text), small), line.issue_label,
                          str(line.issue_page), str(line.volume_page)]],
                        colWidths=columns, style=row_style), Spacer(1, 2)]
        story.append(KeepTogether(block))
    if not lines:
        story.append(Paragraph("(Các số trong quý không có văn bản.)", styles["base"]))
    return story


def build_separator(path: Path, title: str, issue: BoundIssue, physical: int) -> None:
    """The page before an issue: its number and date, large."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4, initialFontName=SERIF)
    canvas.setFont(SERIF_BOLD, 30)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2 + 12 * mm, f"CÔNG BÁO {issue.label}")
    canvas.setFont(SERIF_ITALIC, 16)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2,
                             f"Ngày {short_date(issue.issue_date)} — {issue.pages} trang")
    _footer(canvas, title, physical)
    canvas.showPage()
    canvas.save()


def build_blank(path: Path) -> None:
    """An empty page (the back of a sheet), with nothing on it: not even a font."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4, initialFontName=SERIF)
    canvas.showPage()
    canvas.save()


ANNEX_TITLE = "PHỤ LỤC: Bản kê tệp và mã kiểm tra"
HASH_SIZE = 6.6  # points: 64 hex digits of the monospace face fit the hash column


def build_manifest_pages(path: Path, masthead: Masthead, title: str, content_sha256: str,
                         sections: list[ManifestSection], first_physical: int) -> int:
    """The annex at the end of the volume: every stored file with its size and SHA-256, the
    hashes in a monospace face in one aligned column; then a closing colophon page. Returns the
    number of pages."""
    styles = _styles()
    cell = ParagraphStyle("cell", parent=styles["base"], fontSize=8.5, leading=10.5,
                          alignment=TA_LEFT)
    right = ParagraphStyle("right", parent=cell, alignment=TA_RIGHT)
    mono = ParagraphStyle("mono", parent=cell, fontName=MONO, fontSize=HASH_SIZE, leading=11)
    head = ParagraphStyle("head", parent=cell, fontName=SERIF_BOLD)
    section_style = ParagraphStyle("section", parent=styles["heading"], keepWithNext=True)
    intro = ParagraphStyle("intro", parent=styles["base"], fontSize=11, leading=14,
                           spaceAfter=4)
    frame = Frame(MARGIN_LEFT, 20 * mm, WIDTH, PAGE_HEIGHT - 40 * mm, leftPadding=0,
                  rightPadding=0)
    hash_width = pdfmetrics.stringWidth("0" * 64, MONO, HASH_SIZE) + 8
    columns = [WIDTH - hash_width - 36 * mm, 18 * mm, 18 * mm, hash_width]

    def on_page(canvas: Canvas, doc) -> None:
        _footer(canvas, f"CÔNG BÁO {title} — Phụ lục", first_physical + doc.page - 1)

    doc = BaseDocTemplate(str(path), pagesize=A4, title=f"Công báo {title}: {ANNEX_TITLE}",
                          initialFontName=SERIF,
                          pageTemplates=[PageTemplate("annex", [frame], onPage=on_page),
                                         PageTemplate("colophon", [Frame(
                                             FRONT_MARGIN, 25 * mm, PAGE_WIDTH - 2 * FRONT_MARGIN,
                                             PAGE_HEIGHT - 50 * mm, leftPadding=0,
                                             rightPadding=0)])])
    story: list = [
        Paragraph("PHỤ LỤC", styles["title"]),
        Paragraph("BẢN KÊ TỆP VÀ MÃ KIỂM TRA", styles["part"]),
        Paragraph(f"Tập Công báo {title}. Mỗi tệp lưu trữ được ghi với dung lượng và mã kiểm "
                  "tra SHA-256: tính lại mã của tệp và so với bản kê để biết tệp còn nguyên "
                  "vẹn. Mã kiểm tra của chính tệp PDF tập này được ghi trong bản kê điện tử "
                  "(JSON) và cơ sở dữ liệu, vì một tệp không chứa được mã của chính nó.", intro),
        Table([[Paragraph("Mã kiểm tra nội dung bản kê", head),
                Paragraph(content_sha256, mono)]], colWidths=[WIDTH - hash_width, hash_width],
              style=table_style(("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"))),
        Spacer(1, 4)]
    style = table_style(("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey))
    header = [Paragraph(t, head) for t in ("Tệp", "Trang trong tập", "Cỡ (byte)",
                                           "Mã kiểm tra (SHA-256)")]
    for section in sections:
        rows = [header] + [[Paragraph(_escape(r.label), cell), Paragraph(r.pages, cell),
                            Paragraph(f"{r.size:,}".replace(",", "."), right),
                            Paragraph(r.sha256, mono)] for r in section.rows]
        story += [Paragraph(_escape(section.title), section_style),
                  Table(rows, colWidths=columns, repeatRows=1, style=style), Spacer(1, 4)]
    story += [NextPageTemplate("colophon"), PageBreak(), Spacer(1, PAGE_HEIGHT - 140 * mm),
              colophon_box(masthead, (f"<b>Công báo {_escape(title)}</b> — tập lưu trữ",))]
    doc.build(story)
    return doc.page
