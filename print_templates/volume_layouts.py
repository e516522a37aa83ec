"""Page layouts of a quarterly archival volume: the volume cover, the combined index, issue
separators, blank backs and the printed manifest. Plain values in, PDF files out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Frame, KeepTogether, NextPageTemplate,
                                PageBreak, PageTemplate, Paragraph, Spacer, Table)

from . import SERIF, SERIF_BOLD, SERIF_ITALIC, Masthead, register_fonts, table_style
from .dates import short_date
from .layouts import MARGIN_LEFT, MARGIN_RIGHT, PAGE_HEIGHT, PAGE_WIDTH, RED, _escape, _styles

WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT


@dataclass(frozen=True)
class BoundIssue:
    label: str  # "Số 02 + 03"
    issue_date: date
    pages: int


@dataclass(frozen=True)
class IndexLine:
    part_title: str
    heading: str  # issuing authority
    type_name: str
    text: str  # "Quyết định số 37/2026/QĐ-UBND bãi bỏ ..."
    issue_label: str  # "Số 12"
    issue_page: int  # printed page in the issue: what a citation names
    volume_page: int  # physical page in the volume


def _footer(canvas: Canvas, text: str, physical: int) -> None:
    canvas.saveState()
    canvas.setFont(SERIF_ITALIC, 10)
    canvas.drawCentredString(PAGE_WIDTH / 2, 12 * mm, f"{text} — trang {physical} của tập")
    canvas.restoreState()


def build_volume_front(path: Path, masthead: Masthead, title: str, issues: list[BoundIssue],
                       lines: list[IndexLine], sheet_note: str) -> int:
    """Volume cover and combined index; returns the number of pages it took."""
    styles = _styles()
    small = ParagraphStyle("small", parent=styles["base"], fontSize=11, leading=13.5)
    frame = Frame(MARGIN_LEFT, 20 * mm, WIDTH, PAGE_HEIGHT - 40 * mm, leftPadding=0,
                  rightPadding=0)
    cover_frame = Frame(MARGIN_LEFT, 20 * mm, WIDTH, PAGE_HEIGHT - 120 * mm, leftPadding=0,
                        rightPadding=0)

    def on_cover(canvas: Canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(RED)
        canvas.setFont(SERIF_BOLD, 54)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 50 * mm, masthead.title)
        canvas.setFont(SERIF_BOLD, 20)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 62 * mm, masthead.province_line)
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(2)
        canvas.line(MARGIN_LEFT, PAGE_HEIGHT - 70 * mm, PAGE_WIDTH - MARGIN_RIGHT,
                    PAGE_HEIGHT - 70 * mm)
        canvas.setFillColor(colors.black)
        canvas.setFont(SERIF_BOLD, 26)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 88 * mm, title)
        canvas.setFont(SERIF_ITALIC, 13)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 97 * mm,
                                 "Tập lưu trữ các số Công báo đã xuất bản trong quý")
        canvas.restoreState()

    def on_index(canvas: Canvas, doc) -> None:
        _footer(canvas, f"{title} — Mục lục tổng hợp", doc.page)

    doc = BaseDocTemplate(str(path), pagesize=A4, title=f"{masthead.title} {title}",
                          author=masthead.publisher, initialFontName=SERIF,
                          pageTemplates=[PageTemplate("cover", [cover_frame], onPage=on_cover),
                                         PageTemplate("index", [frame], onPage=on_index)])
    rows = [["Số", "Ngày", "Số trang"]] + [
        [issue.label, short_date(issue.issue_date), str(issue.pages)] for issue in issues]
    story: list = [
        Paragraph(f"Gồm {len(issues)} số xuất bản:", styles["heading"]),
        Table(rows, colWidths=[50 * mm, 40 * mm, 30 * mm], style=table_style(
            ("FONTNAME", (0, 0), (-1, 0), SERIF_BOLD), ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey))),
        Spacer(1, 8), Paragraph(_escape(sheet_note), ParagraphStyle(
            "note", parent=styles["base"], alignment=TA_CENTER, fontName=SERIF_ITALIC)),
        NextPageTemplate("index"), PageBreak(),
        Paragraph("MỤC LỤC TỔNG HỢP", styles["title"]),
        Paragraph("Trang: số trang in trong số Công báo (dùng khi trích dẫn) và trang trong "
                  "tập này.", ParagraphStyle("intro", parent=small, alignment=TA_CENTER)),
    ]
    row_style = table_style(("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                            ("FONTSIZE", (0, 0), (-1, -1), 11))
    columns = [WIDTH - 58 * mm, 20 * mm, 20 * mm, 18 * mm]
    story.append(Table([["Văn bản", "Số CB", "Trang", "Trang tập"]], colWidths=columns,
                       style=table_style(*row_style.getCommands()[1:],
                                         ("FONTNAME", (0, 0), (-1, -1), SERIF_BOLD),
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
                          f"tr. {line.issue_page}", str(line.volume_page)]],
                        colWidths=columns, style=row_style), Spacer(1, 2)]
        story.append(KeepTogether(block))
    if not lines:
        story.append(Paragraph("(Các số trong quý không có văn bản.)", styles["base"]))
    doc.build(story)
    return doc.page


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


def build_manifest_pages(path: Path, title: str, lines: list[tuple[str, str]],
                         first_physical: int) -> int:
    """The manifest printed at the end: (label, value) rows with the SHA-256 of every file."""
    styles = _styles()
    mono = ParagraphStyle("hash", parent=styles["base"], fontSize=8.5, leading=10.5)
    frame = Frame(MARGIN_LEFT, 20 * mm, WIDTH, PAGE_HEIGHT - 40 * mm, leftPadding=0,
                  rightPadding=0)

    def on_page(canvas: Canvas, doc) -> None:
        _footer(canvas, f"{title} — Bản kê lưu trữ", first_physical + doc.page - 1)

    doc = BaseDocTemplate(str(path), pagesize=A4, title=f"{title}: bản kê",
                          initialFontName=SERIF,
                          pageTemplates=[PageTemplate("manifest", [frame], onPage=on_page)])
    story: list = [Paragraph("BẢN KÊ LƯU TRỮ (SHA-256)", styles["title"])]
    style = table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTSIZE", (0, 0), (-1, -1), 9),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0))
    for label, value in lines:
        story.append(Table([[Paragraph(_escape(label), mono), Paragraph(_escape(value), mono)]],
                           colWidths=[WIDTH * 0.42, WIDTH * 0.58], style=style))
    doc.build(story)
    return doc.page
