"""Realistic PDFs for demo records, laid out like signed Vietnamese administrative documents
(Decree 30/2020 App. I): issuer and national motto at the top, "Số: ...", place and date, the
type and abstract as title, articles, signature block; A4, Liberation Serif 13 pt, page numbers
centred at the top from page 2. The body text is the project's own, generated per record.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from print_templates import SERIF, SERIF_BOLD, register_fonts, table_style
from print_templates.dates import long_date

WORDS = ("quản lý nhà nước đất đai tài nguyên môi trường ngân sách địa phương thủ tục hành chính "
         "quy hoạch chung xây dựng giao thông nông thôn thủy lợi hồ chứa tài sản kết cấu hạ tầng "
         "cán bộ công chức viên chức đơn vị sự nghiệp công lập phân cấp thẩm quyền tổ chức thực "
         "hiện kiểm tra giám sát báo cáo định kỳ trách nhiệm phối hợp hướng dẫn triển khai kế "
         "hoạch nhiệm vụ giải pháp nguồn vốn đầu tư công hỗ trợ người dân doanh nghiệp an sinh "
         "xã hội giáo dục y tế văn hóa du lịch rừng phòng hộ dịch vụ môi trường rừng khoáng sản "
         "đấu giá quyền khai thác cho thuê đất đơn giá bồi thường tái định cư").split()


@dataclass(frozen=True)
class DemoDocument:
    notation: str
    issuer: str  # "UBND tỉnh", "HĐND xã Chiềng Hặc"
    type_name: str  # "Quyết định"
    abstract: str
    issued: date
    signer: str
    province: str = "Sơn La"


def _organ_lines(issuer: str, province: str) -> tuple[str, str]:
    if issuer.upper().startswith("HĐND"):
        body = "HỘI ĐỒNG NHÂN DÂN"
    else:
        body = "ỦY BAN NHÂN DÂN"
    place = issuer.split(" ", 1)[1] if " " in issuer else f"tỉnh {province}"
    if place.lower() == "tỉnh":
        place = f"tỉnh {province}"
    return body, place.upper()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def page_count_for(notation: str) -> int:
    """1 to 30 pages, most documents short (Pareto-like), fixed per notation."""
    rng = random.Random(f"pages:{notation}")
    return max(1, min(30, int(rng.paretovariate(1.3))))


def render_document_pdf(path: Path, doc: DemoDocument, pages: int) -> Path:
    """Write a ``pages``-page PDF for ``doc`` to ``path``."""
    register_fonts()
    rng = random.Random(f"body:{doc.notation}:{doc.issuer}")
    base = ParagraphStyle("b", fontName=SERIF, fontSize=13, leading=17, alignment=TA_JUSTIFY,
                          firstLineIndent=10 * mm, spaceAfter=6)
    centre = ParagraphStyle("c", parent=base, alignment=TA_CENTER, firstLineIndent=0)
    bold_centre = ParagraphStyle("bc", parent=centre, fontName=SERIF_BOLD)
    organ, place = _organ_lines(doc.issuer, doc.province)
    when = doc.issued
    header = Table([
        [Paragraph(f"{organ}<br/><b>{place}</b>", centre),
         Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br/><b>Độc lập - Tự do - Hạnh "
                   "phúc</b>", centre)],
        [Paragraph(f"Số: {doc.notation}", centre),
         Paragraph(f"<i>{doc.province}, {long_date(when)}</i>", centre)],
    ], colWidths=[65 * mm, 100 * mm], style=table_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    story: list = [header, Spacer(1, 8 * mm), Paragraph(doc.type_name.upper(), bold_centre),
                   Paragraph(_escape(doc.abstract), bold_centre), Spacer(1, 4 * mm)]
    article = 1
    for page in range(1, pages + 1):
        paragraphs = 2 if page in (1, pages) else 6
        for _ in range(paragraphs):
            story.append(Paragraph(f"<b>Điều {article}.</b> " + " ".join(
                _sentence(rng, rng.randint(8, 14)) for _ in range(3)), base))
            article += 1
        if page < pages:
            story.append(PageBreak())
    signature = f"<b>TM. {organ}</b><br/><br/><br/><br/><b>{_escape(doc.signer or '')}</b>"
    story += [Spacer(1, 6 * mm), Table([["", Paragraph(signature, centre)]],
                                       colWidths=[85 * mm, 80 * mm], style=table_style())]

    def numbered(canvas, document) -> None:
        if document.page > 1:  # no number on the first page (Decree 30/2020)
            canvas.setFont(SERIF, 13)
            canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(document.page))

    path.parent.mkdir(parents=True, exist_ok=True)
    template = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                                 topMargin=22 * mm, bottomMargin=20 * mm, initialFontName=SERIF,
                                 title=f"{doc.type_name} {doc.notation}", author=doc.issuer)
    template.build(story, onFirstPage=numbered, onLaterPages=numbered)
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
