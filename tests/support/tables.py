"""A decision with a table, made during the run: a DOCX (python-docx) whose national heading
is a two-column table without rules (as Word documents lay it out) and whose Article 1 holds a
ruled table of seven columns, one cell long enough to wrap; received, converted by LibreOffice
and registered through the real services."""
from __future__ import annotations

import io

from docx import Document as DocxDocument
from sqlalchemy import select

from gazette_app import jobs
from gazette_app.extensions import db
from gazette_app.models import Receipt
from gazette_app.services.receiving import register
from tests.support.web import csrf_token

HEADER = ["STT", "Tên xã", "Diện tích tự nhiên (ha)", "Dân số (người)", "Số thôn, bản",
          "Mật độ (người/km²)", "Ghi chú"]
ROWS = [["1", "Chiềng Hặc", "11.250,5", "9.812", "14", "87", "Giữ nguyên địa giới"],
        ["2", "Phiêng Khoài", "9.804", "12.305", "21", "125",
         "Mở rộng phía đông giáp ranh giới xã Lóng Phiêng theo bản đồ quy hoạch kèm theo"],
        ["3", "Chiềng Mai", "20.310", "15.002", "18", "74", ""]]


def decision_with_table() -> bytes:
    word = DocxDocument()
    heading = word.add_table(rows=3, cols=2)  # the national heading: no rules, two columns
    for row, (left, right) in zip(heading.rows, [
            ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("TỈNH SƠN LA", "Độc lập - Tự do - Hạnh phúc"),
            ("Số: 62/2026/QĐ-UBND", "Sơn La, ngày 3 tháng 9 năm 2026")], strict=True):
        row.cells[0].text, row.cells[1].text = left, right
    for line in ["QUYẾT ĐỊNH", "Phê duyệt diện tích, dân số các xã vùng quy hoạch thủy điện",
                 "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
                 "Căn cứ Luật Tổ chức chính quyền địa phương;",
                 "Điều 1. Phê duyệt diện tích, dân số các xã như sau:"]:
        word.add_paragraph(line)
    table = word.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for values in ROWS:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    for line in ["Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
                 "Điều 3. Chánh Văn phòng UBND tỉnh chịu trách nhiệm thi hành Quyết định này.",
                 "CHỦ TỊCH", "Nguyễn Đình Việt"]:
        word.add_paragraph(line)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def receive_and_register(app, client, name: str, content: bytes) -> str:
    """Upload one file as staff (the client is logged in), run the job, register the proposal;
    returns the public path of the registered document."""
    data = {"csrf_token": csrf_token(client, "/staff/receive"),
            "files": [(io.BytesIO(content), name)]}
    client.post("/staff/receive", data=data, content_type="multipart/form-data")
    with app.app_context():
        jobs.run_pending()
        receipt = db.session.scalars(select(Receipt).order_by(Receipt.id.desc())).first()
        assert receipt.state == "proposed", receipt.message
        form = {k: v for k, v in receipt.proposal.items() if isinstance(v, str)}
        form |= {"doc_type": "Quyết định của UBND tỉnh", "relation_rows": "0"}
        document = register(receipt, form, [])
        return f"/van-ban/{document.issuer.code}/{document.year}/{document.slug}"
