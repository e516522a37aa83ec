"""Receiving files: content checks, real LibreOffice and OCR, text, legacy encodings, metadata
proposal accuracy, relations named in the demo abstracts."""
from __future__ import annotations

import json
from datetime import date

import pytest

from gazette_app.demo.documents import DemoDocument, page_count_for, render_document_pdf
from gazette_app.intake import IntakeError
from gazette_app.intake.files import sniff
from gazette_app.intake.metadata import propose
from gazette_app.intake.relations import extract_relations
from gazette_app.intake.text import legacy_encoding, needs_ocr, page_texts, read_pdf
from gazette_app.intake.tools import libreoffice_to_pdf, ocr_pdf, require, run
from gazette_app.notation import parse_notation
from gazette_app.vocabulary import issuer_display_name
from search_index.analysis import fold
from tests.support.intake import docx_bomb, docx_bytes, locked_pdf, need, scan_of
from tests.support.paths import DEMO_RECORDS


@pytest.mark.slow
def test_docx_is_converted_by_libreoffice(tmp_path):
    need("soffice", "libreoffice-writer-nogui")
    data = docx_bytes(["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Số: 52/2026/QĐ-UBND", "QUYẾT ĐỊNH",
                       "Về việc quy định mức thu phí thẩm định đề án khai thác nước dưới đất"])
    assert sniff(data, "qd.docx").name == "docx"
    source = tmp_path / "qd.docx"
    source.write_bytes(data)
    pdf = libreoffice_to_pdf(source)
    text = "\n".join(page_texts(read_pdf(pdf)))
    assert "Số: 52/2026/QĐ-UBND" in text and "khai thác nước dưới đất" in text
    assert propose(text, text, "qd.docx").number == "52/2026/QĐ-UBND"


@pytest.mark.slow
def test_scanned_page_is_recovered_by_ocr(tmp_path):
    need("ocrmypdf", "ocrmypdf tesseract-ocr-vie")
    need("pdftoppm", "poppler-utils")
    demo = DemoDocument("47/2026/QĐ-UBND", "UBND tỉnh", "Quyết định",
                        "Bãi bỏ các Quyết định của Ủy ban nhân dân tỉnh quy định về hỗ trợ",
                        date(2026, 7, 20), "Chủ tịch UBND Nguyễn Đình Việt")
    pdf = render_document_pdf(tmp_path / "typed.pdf", demo, 1)
    scan = scan_of(pdf, tmp_path)
    assert needs_ocr(page_texts(read_pdf(scan.read_bytes())))
    recovered = "\n".join(page_texts(read_pdf(ocr_pdf(scan))))
    words = fold(recovered).lower()
    for key in ("quyet dinh", "bai bo", "uy ban nhan dan", "47/2026"):
        assert key in words, (key, recovered[:500])


def test_text_pdf_needs_no_ocr(tmp_path):
    demo = DemoDocument("09/2026/NQ-HĐND", "HĐND tỉnh", "Nghị quyết", "Sửa đổi quy định",
                        date(2026, 7, 1), "Chủ tịch HĐND Lò Minh Hùng")
    texts = page_texts(read_pdf(render_document_pdf(tmp_path / "t.pdf", demo, 3).read_bytes()))
    assert len(texts) == 3 and not needs_ocr(texts)


@pytest.mark.parametrize("data, name, message", [
    (b"", "a.pdf", "Tệp rỗng"),
    (b"MZ\x90\x00\x03\x00\x00\x00 program", "hoa-don.pdf", "không phải PDF, Word hay Excel"),
    (b"PK\x03\x04 not really a zip", "x.docx", "bị hỏng"),
    (None, "bomb.docx", "giải nén quá lớn"),
])
def test_bad_files_are_refused_by_content(data, name, message):
    with pytest.raises(IntakeError, match=message):
        sniff(docx_bomb() if data is None else data, name)


def test_office_kinds_by_content():
    assert sniff(docx_bytes(["Văn bản"]), "renamed.pdf").name == "docx"  # the name does not decide
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert sniff(ole, "cu.doc").name == "doc" and sniff(ole, "bang.xls").name == "xls"


def test_broken_and_locked_pdfs(tmp_path):
    with pytest.raises(IntakeError, match="bị hỏng"):
        read_pdf(b"%PDF-1.7\n garbage")
    with pytest.raises(IntakeError, match="mật khẩu"):
        read_pdf(locked_pdf())


def test_missing_tool_and_hanging_tool_give_clear_messages():
    with pytest.raises(IntakeError, match="apt-get install goi-khong-co"):
        require(("khong-co-cong-cu-nay", "goi-khong-co"))
    with pytest.raises(IntakeError, match="quá thời gian"):
        run(["sleep", "5"], 0.5, "Chuyển đổi sang PDF")


def test_legacy_encodings_are_detected():
    assert legacy_encoding("Céng hßa x· héi chñ nghÜa ViÖt Nam §éc lËp - Tù do - H¹nh phóc") \
        == "TCVN3"
    assert legacy_encoding("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam - Ñoäc laäp - Töï do") \
        == "VNI"
    assert legacy_encoding("Cộng hòa xã hội chủ nghĩa Việt Nam - Độc lập - Tự do") is None


def test_metadata_proposal_accuracy(tmp_path):
    """36 first pages laid out like real documents (every issuer of the demo, both parts):
    accuracy per field is printed and held to a floor."""
    records = [json.loads(line) for line in DEMO_RECORDS.open(encoding="utf-8")]
    chosen, seen = [], set()
    for record in records:  # every issuer first, then legal documents, then the rest
        if record["issuer"] not in seen:
            seen.add(record["issuer"])
            chosen.append(record)
    chosen += [r for r in records if "/20" in r["number"] and r not in chosen][:12]
    chosen += [r for r in records if r not in chosen][:36 - len(chosen)]
    fields = ("number", "type_name", "issuer", "issued", "abstract", "signer")
    right = dict.fromkeys(fields, 0)
    for index, record in enumerate(chosen):
        issuer = issuer_display_name(record["issuer"])
        notation = parse_notation(record["number"])
        demo = DemoDocument(record["number"], issuer, notation.type_name, record["abstract"],
                            date.fromisoformat(record["issued"]), record["signer"])
        pdf = render_document_pdf(tmp_path / f"{index}.pdf", demo,
                                  min(3, page_count_for(record["number"])))
        texts = page_texts(read_pdf(pdf.read_bytes()))
        proposal = propose(texts[0], texts[-1], record["files"][0])
        expected = {"number": record["number"], "type_name": notation.type_name,
                    "issuer": issuer, "issued": date.fromisoformat(record["issued"]),
                    "abstract": " ".join(record["abstract"].split()),
                    "signer": record["signer"]}
        for name in fields:
            right[name] += getattr(proposal, name) == expected[name]
    accuracy = {name: right[name] / len(chosen) for name in fields}
    print(f"\nmetadata proposal on {len(chosen)} first pages: " +
          ", ".join(f"{k} {v:.2f}" for k, v in accuracy.items()))
    assert len(chosen) >= 30
    assert all(value >= 0.9 for value in accuracy.values()), accuracy


EXPECTED_RELATIONS = {
    "1115/QĐ-UBND": [("amends", "878/QĐ-UBND")],
    "04/2026/NQ-HĐND": [("repeals", "121/2025/NQ-HĐND")],
    "1760/QĐ-UBND": [("repeals", "1329/QĐ-UBND")],
    "09/2026/NQ-HĐND": [("amends", "25/2021/NQ-HĐND")],
    "15/2026/NQ-HĐND": [("repeals", "50/2022/NQ-HĐND")],
    "1931/QĐ-UBND": [("corrects", "701/QĐ-UBND")],
    "44/2026/QĐ-UBND": [("repeals", "71/2025/QĐ-UBND")],
    "45/2026/QĐ-UBND": [("repeals", "25/2021/QĐ-UBND")],
    "48/2026/QĐ-UBND": [("amends", "99/2025/QĐ-UBND")],
    "1891/QĐ-UBND": [("amends", "2297/QĐ-UBND")],
    # citations that are sources, not targets: procedures announced, a government resolution
    "1085/QĐ-UBND": [], "1438/QĐ-UBND": [], "1644/QĐ-UBND": [], "38/NQ-HĐND": [],
    "1136/QĐ-UBND": [], "1219/QĐ-UBND": [],
}


def test_relations_in_the_demo_abstracts():
    records = {json.loads(line)["number"]: json.loads(line)
               for line in DEMO_RECORDS.open(encoding="utf-8")}
    for number, expected in EXPECTED_RELATIONS.items():
        found = [(r.kind, r.target_notation) for r in
                 extract_relations(records[number]["abstract"])]
        assert found == expected, (number, found)
    naming = [r for r in records.values() if " số " in r["abstract"]]
    proposed = [r for r in naming if extract_relations(r["abstract"])]
    print(f"\nrelations: {len(naming)} abstracts name a document, {len(proposed)} propose one")
    assert len(naming) >= 30 and len(proposed) >= 12
    assert extract_relations("Bãi bỏ Quyết định số 90/2025/QĐ-UBND ngày 24/8/2025 của UBND "
                             "tỉnh")[0].text == "Quyết định số 90/2025/QĐ-UBND ngày 24/8/2025"
