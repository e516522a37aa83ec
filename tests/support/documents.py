"""Administrative documents made during the run, varying what real ones vary: the header as a
table or as lines, organs written out or abbreviated (province, commune, departments, offices,
boards of the council), numbers and days left blank, long titles, the opening that follows the
title (Căn cứ, Thực hiện, Kính gửi, Xét đề nghị, Điều 1), KT./TM. signature blocks, unsigned
drafts, annex pages, "Nơi nhận" with or without the Công báo; written as DOCX (python-docx),
PDF (reportlab), DOC (LibreOffice) and scans (pdftoppm, then skew and noise with Pillow).

Each ``Spec`` carries the values a clerk would enter, so a proposal can be scored against it."""
from __future__ import annotations

import io
import random
import subprocess
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from PIL import Image, ImageFilter
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from print_templates import SERIF, SERIF_BOLD, register_fonts, table_style

# (header lines of the left column, the issuer as a clerk writes it, its notation code)
ORGANS = [
    (["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA"], "UBND tỉnh", "UBND"),
    (["UBND TỈNH SƠN LA"], "UBND tỉnh", "UBND"),
    (["HỘI ĐỒNG NHÂN DÂN", "TỈNH SƠN LA"], "HĐND tỉnh", "HĐND"),
    (["HĐND TỈNH SƠN LA"], "HĐND tỉnh", "HĐND"),
    (["HĐND TỈNH SƠN LA", "THƯỜNG TRỰC HĐND"], "Thường trực HĐND tỉnh", "TTHĐND"),
    (["UBND TỈNH SƠN LA", "SỞ TÀI CHÍNH"], "Sở Tài chính", "STC"),
    (["ỦY BAN NHÂN DÂN TỈNH SƠN LA", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"],
     "Sở Nông nghiệp và Môi trường", "SNNMT"),
    (["UBND TỈNH SƠN LA", "SỞ TƯ PHÁP"], "Sở Tư pháp", "STP"),
    (["UBND TỈNH SƠN LA", "VĂN PHÒNG"], "Văn phòng UBND tỉnh", "VP"),
    (["HĐND TỈNH SƠN LA", "BAN PHÁP CHẾ"], "Ban Pháp chế HĐND tỉnh", "BPC"),
    (["UBND TỈNH SƠN LA", "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ", "XÂY DỰNG TỈNH"],
     "Ban Quản lý dự án đầu tư xây dựng tỉnh", "BQLDA"),
    (["ỦY BAN NHÂN DÂN", "XÃ CHIỀNG HẶC"], "UBND xã Chiềng Hặc", "UBND"),
    (["UBND XÃ MƯỜNG CHANH"], "UBND xã Mường Chanh", "UBND"),
    (["HỘI ĐỒNG NHÂN DÂN", "XÃ TẠ KHOA"], "HĐND xã Tạ Khoa", "HĐND"),
    (["UBND PHƯỜNG TÔ HIỆU"], "UBND phường Tô Hiệu", "UBND"),
    (["UBND TỈNH ĐIỆN BIÊN"], "UBND tỉnh", "UBND"),
]
TYPES = [("Quyết định", "QĐ"), ("Nghị quyết", "NQ"), ("Báo cáo", "BC"), ("Kế hoạch", "KH"),
         ("Thông báo", "TB"), ("Chỉ thị", "CT"), ("Tờ trình", "TTr"), ("Công văn", "")]
SUBJECTS = [
    "Ban hành Quy định mức thu phí thẩm định đề án khai thác, sử dụng nước dưới đất",
    "Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội 9 tháng đầu năm",
    "Triển khai thi hành Luật Tổ chức chính quyền địa phương trên địa bàn",
    "Phê duyệt danh mục thủ tục hành chính nội bộ trong lĩnh vực tài chính",
    "Tổ chức các hoạt động kỷ niệm ngày thành lập tỉnh và đón nhận Huân chương",
    "Bãi bỏ Quyết định số 25/2021/QĐ-UBND ngày 14 tháng 7 năm 2021 của UBND tỉnh",
    "Tăng cường công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
    "Sửa đổi, bổ sung một số điều của Quy chế làm việc của Ủy ban nhân dân",
    "Điều chỉnh kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030",
    "Quy định chính sách hỗ trợ phát triển sản xuất nông nghiệp hàng hóa",
]
LONG_TAILS = [
    " và các chính sách hỗ trợ đối với hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo trên địa "
    "bàn các xã vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2026 - 2030",
    " của các cơ quan, đơn vị, địa phương theo chỉ đạo của Ủy ban nhân dân tỉnh",
]
OPENINGS = [
    ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
     "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;"],
    ["Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công "
     "tác văn thư, Ủy ban nhân dân tỉnh báo cáo như sau:"],
    ["Kính gửi: - Thường trực HĐND tỉnh;", "- Các Sở, ban, ngành của tỉnh."],
    ["Xét đề nghị của Giám đốc Sở Tài chính tại Tờ trình số 120/TTr-STC ngày 02 tháng 7 "
     "năm 2026."],
    ["Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng của văn bản này được quy định như sau."],
]
SIGNATURES = [["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
              ["CHỦ TỊCH"], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], ["GIÁM ĐỐC"],
              ["TM. THƯỜNG TRỰC HĐND", "PHÓ CHỦ TỊCH"], ["CHÁNH VĂN PHÒNG"],
              ["TM. BAN PHÁP CHẾ", "TRƯỞNG BAN"]]
NAMES = ["Nguyễn Đình Việt", "Đặng Ngọc Hậu", "Lò Minh Hùng", "Hoàng Thị Lan Anh",
         "Cầm Văn Chính", "Tráng A Dế", "Lường Thị Hương"]
BODY = ("Các cơ quan, đơn vị căn cứ chức năng, nhiệm vụ được giao tổ chức thực hiện nghiêm "
        "túc, kịp thời các nội dung trên; báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày "
        "15 hằng tháng để tổng hợp. ")
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
MARKING = "GỬI ĐĂNG CÔNG BÁO ĐIỆN TỬ"


@dataclass
class Spec:
    organ_lines: list[str]
    issuer: str
    type_name: str
    notation: str  # "" when the number is left blank
    written_number: str  # as printed after "Số:"
    place: str
    issued: date | None  # None when the day is left blank
    written_date: str
    abstract: str
    opening: list[str]
    roles: list[str]
    signer: str  # "" for an unsigned draft
    recipients: list[str]
    header_table: bool = True
    marking: bool = False
    annex_page: bool = False
    pages: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def expected(self) -> dict:
        return {"number": self.notation, "type_name": self.type_name, "issuer": self.issuer,
                "issued": self.issued, "abstract": self.abstract, "signer": self.signer}


def make_spec(rng: random.Random) -> Spec:
    organ_lines, issuer, code = rng.choice(ORGANS)
    type_name, type_code = rng.choice(TYPES)
    seq = rng.randint(1, 2400)
    legal = type_code in ("QĐ", "NQ") and rng.random() < 0.4
    type_part = type_code or rng.choice(["UBND-VX", "STC-NS", "VP-TH"]).split("-")[0]
    if type_code:
        notation = f"{seq:02d}/{'2026/' if legal else ''}{type_code}-{code}"
    else:
        notation = f"{seq}/{code}-{rng.choice(['VX', 'KT', 'TH'])}"
        type_part = ""
    blank_number = rng.random() < 0.15
    written_number = notation if not blank_number else \
        "     /" + notation.split("/", 1)[1].split("/")[-1]
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    place = "Điện Biên" if "ĐIỆN BIÊN" in organ_lines[0] else rng.choice(["Sơn La", "Chiềng Hặc"])
    partial = rng.random() < 0.15
    written_date = (f"{place}, ngày      tháng {month} năm 2026" if partial
                    else f"{place}, ngày {day:02d} tháng {month:02d} năm 2026")
    abstract = rng.choice(SUBJECTS) + (rng.choice(LONG_TAILS) if rng.random() < 0.3 else "")
    opening = rng.choice(OPENINGS)
    signed = rng.random() > 0.1
    recipients = ["- Như trên;", "- Thường trực Tỉnh ủy;"] + \
        (["- Công báo tỉnh;"] if rng.random() < 0.6 else []) + ["- Lưu: VT, KT."]
    del type_part
    return Spec(organ_lines=organ_lines, issuer=issuer, type_name=type_name,
                notation="" if blank_number else notation, written_number=written_number,
                place=place, issued=None if partial else date(2026, month, day),
                written_date=written_date, abstract=abstract, opening=opening,
                roles=rng.choice(SIGNATURES), signer=rng.choice(NAMES) if signed else "",
                recipients=recipients, header_table=rng.random() < 0.6,
                marking=rng.random() < 0.5, annex_page=rng.random() < 0.2,
                pages=rng.choice([1, 1, 2, 3]))


def specs(count: int, seed: int = 21) -> list[Spec]:
    rng = random.Random(seed)
    return [make_spec(rng) for _ in range(count)]


def _left_header(spec: Spec) -> list[str]:
    lines = list(spec.organ_lines) + [f"Số: {spec.written_number}"]
    if spec.type_name == "Công văn":
        lines.append(f"V/v {spec.abstract}")
    return lines


def _signature(spec: Spec) -> list[str]:
    return spec.roles + (["", "", spec.signer] if spec.signer else ["", "(chưa ký)"][:1])


def body_paragraphs(spec: Spec) -> list[str]:
    decision = {"Quyết định": "QUYẾT ĐỊNH:", "Nghị quyết": "QUYẾT NGHỊ:"}.get(spec.type_name)
    paragraphs = list(spec.opening)
    if decision and not spec.opening[0].startswith("Điều"):
        paragraphs += [decision, "Điều 1. " + BODY]
    return paragraphs + [BODY * 3] * (2 * spec.pages - 1)


# --- Word -----------------------------------------------------------------------------------

def docx_of(spec: Spec) -> bytes:
    word = WordDocument()
    if spec.marking:
        word.add_paragraph(MARKING).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    right = MOTTO + [spec.written_date]
    left = _left_header(spec)
    if spec.header_table:
        table = word.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    else:
        for line in left + right:
            paragraph = word.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if spec.type_name != "Công văn":
        for line in (spec.type_name.upper(), spec.abstract):
            word.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for paragraph in body_paragraphs(spec):
        word.add_paragraph(paragraph)
    table = word.add_table(rows=1, cols=2)
    recipients, signature = table.rows[0].cells
    recipients.paragraphs[0].text = "Nơi nhận:"
    for line in spec.recipients:
        recipients.add_paragraph(line)
    signature.paragraphs[0].text = _signature(spec)[0]
    for line in _signature(spec)[1:]:
        signature.add_paragraph(line)
    if spec.annex_page:
        word.add_page_break()
        word.add_paragraph("PHỤ LỤC").alignment = WD_ALIGN_PARAGRAPH.CENTER
        word.add_paragraph(f"(Kèm theo văn bản số {spec.written_number} của {spec.issuer})")
        word.add_paragraph("Danh mục các nội dung thực hiện trong năm 2026.")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------

def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def pdf_of(spec: Spec, path: Path) -> Path:
    register_fonts()
    base = ParagraphStyle("b", fontName=SERIF, fontSize=13, leading=17, alignment=TA_JUSTIFY,
                          firstLineIndent=10 * mm, spaceAfter=6)
    centre = ParagraphStyle("c", parent=base, alignment=TA_CENTER, firstLineIndent=0)
    bold = ParagraphStyle("bc", parent=centre, fontName=SERIF_BOLD)
    left_style = ParagraphStyle("l", parent=base, alignment=TA_LEFT, firstLineIndent=0,
                                fontSize=11, leading=14)
    story: list = []
    if spec.marking:
        story.append(Paragraph(f"<b>{MARKING}</b>", ParagraphStyle("r", parent=centre,
                                                                    alignment=2)))
    left, right = _left_header(spec), MOTTO + [spec.written_date]
    if spec.header_table:
        story.append(Table([[Paragraph("<br/>".join(map(_esc, left)), centre),
                             Paragraph("<br/>".join(f"<b>{_esc(x)}</b>" for x in right), centre)]],
                           colWidths=[70 * mm, 95 * mm],
                           style=table_style(("VALIGN", (0, 0), (-1, -1), "TOP"))))
    else:  # lines laid out one under the other, as some offices type them
        story += [Paragraph(_esc(line), centre) for line in left + right]
    story.append(Spacer(1, 6 * mm))
    if spec.type_name != "Công văn":
        story += [Paragraph(spec.type_name.upper(), bold), Paragraph(_esc(spec.abstract), bold),
                  Spacer(1, 4 * mm)]
    paragraphs = body_paragraphs(spec)
    for index, paragraph in enumerate(paragraphs):
        story.append(Paragraph(_esc(paragraph), base))
        if spec.pages > 1 and index == len(paragraphs) // 2:
            story.append(PageBreak())
    story.append(Table([[Paragraph("<b>Nơi nhận:</b><br/>" + "<br/>".join(
        map(_esc, spec.recipients)), left_style),
        Paragraph("<br/>".join(f"<b>{_esc(x)}</b>" if x else "" for x in _signature(spec)),
                  centre)]], colWidths=[80 * mm, 85 * mm],
        style=table_style(("VALIGN", (0, 0), (-1, -1), "TOP"))))
    if spec.annex_page:
        story += [PageBreak(), Paragraph("<b>PHỤ LỤC</b>", bold),
                  Paragraph(_esc(f"(Kèm theo văn bản số {spec.written_number})"), centre),
                  Paragraph("Danh mục các nội dung thực hiện trong năm 2026.", base)]
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                      topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    return path


# --- DOC and scans --------------------------------------------------------------------------

def docs_of(docx_files: list[Path], folder: Path) -> list[Path]:
    """Word 97-2003 copies of ``docx_files`` made by LibreOffice in one run."""
    if not docx_files:
        return []
    profile = folder / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "doc", "--outdir", str(folder),
                    *map(str, docx_files)], check=True, capture_output=True, timeout=600)
    return [folder / (p.stem + ".doc") for p in docx_files]


def scan_of(pdf: Path, folder: Path, dpi: int = 200, skew: float = 0.0, noise: float = 0.0,
            seed: int = 0) -> Path:
    """The pages of ``pdf`` as a scanner gives them: grey images at ``dpi``, turned by ``skew``
    degrees, with specks of dust (``noise``: the share of pixels flipped), no text layer."""
    stem = folder / f"{pdf.stem}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(stem)],
                   check=True)
    rng = random.Random(seed)
    pages = []
    for png in sorted(folder.glob(f"{stem.name}-*.png")):
        image = Image.open(png).convert("L")
        if skew:
            image = image.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False,
                                 fillcolor=255)
        if noise:
            pixels = image.load()
            width, height = image.size
            for _ in range(int(width * height * noise)):
                x, y = rng.randrange(width), rng.randrange(height)
                pixels[x, y] = 0 if pixels[x, y] > 128 else 255  # type: ignore[index]
            image = image.filter(ImageFilter.MedianFilter(1))
        pages.append(image)
        png.unlink()
    out = folder / f"{pdf.stem}-scan{dpi}.pdf"
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=dpi)
    return out


def variant(spec: Spec, **changes) -> Spec:
    return replace(spec, **changes)
