"""Layout of the quarterly statistics report (PDF), from (section, item, value) rows."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from . import SERIF, SERIF_BOLD, register_fonts, table_style


def _escape(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_statistics_report(path: Path, title: str, subtitle: str,
                            rows: list[tuple[str, str, object]]) -> None:
    register_fonts()
    heading = ParagraphStyle("h", fontName=SERIF_BOLD, fontSize=15, leading=19, alignment=1)
    sub = ParagraphStyle("s", fontName=SERIF, fontSize=11, leading=14, alignment=1)
    cell = ParagraphStyle("c", fontName=SERIF, fontSize=10.5, leading=13)
    data = [[Paragraph("<b>Nhóm</b>", cell), Paragraph("<b>Chỉ tiêu</b>", cell),
             Paragraph("<b>Số liệu</b>", cell)]]
    data += [[Paragraph(_escape(section), cell), Paragraph(_escape(item), cell),
              Paragraph(_escape(value), cell)] for section, item, value in rows]
    table = Table(data, colWidths=[45 * mm, 95 * mm, 30 * mm], repeatRows=1,
                  style=table_style(("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                                    ("VALIGN", (0, 0), (-1, -1), "TOP")))
    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm,
                                 rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
                                 title=title, initialFontName=SERIF)
    document.build([Paragraph(_escape(title), heading), Paragraph(_escape(subtitle), sub),
                    Spacer(1, 6 * mm), table])
