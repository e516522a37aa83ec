"""Proposals from a document's structure (issue 21): Word files read directly, PDFs by
position, organs written out or abbreviated, the title stopped at the first line that is not
part of it, the signer only from a signature block, headings matched without their marks, and
no value invented. Every file is made during the run (tests/intake_documents.py)."""
from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from gazette_app.intake.metadata import match_type, propose, propose_layout
from gazette_app.intake.reading import propose_document
from gazette_app.intake.structure import from_docx, from_pdf
from tests.support.documents import OPENINGS, ORGANS, SIGNATURES, docx_of, pdf_of, specs, variant

BASE = specs(1, seed=7)[0]


def _both(spec, tmp_path, organs=()):
    """The proposal from the DOCX and from the PDF of the same document."""
    pdf = pdf_of(spec, tmp_path / "d.pdf")
    return (propose_layout(from_docx(docx_of(spec)), "", organs),
            propose_layout(from_pdf(PdfReader(str(pdf))), "", organs))


@pytest.mark.parametrize("lines, issuer, code", ORGANS, ids=[o[1] + str(len(o[0])) for o in ORGANS])
@pytest.mark.parametrize("table", [True, False], ids=["table", "lines"])
def test_organs_written_out_or_abbreviated(tmp_path, lines, issuer, code, table):
    spec = variant(BASE, organ_lines=lines, issuer=issuer, header_table=table,
                   notation=f"12/KH-{code}", written_number=f"12/KH-{code}",
                   type_name="Kế hoạch")
    for proposal in _both(spec, tmp_path):
        assert (proposal.issuer, proposal.number) == (issuer, f"12/KH-{code}")


def test_vocabulary_staff_extend_decides_the_spelling(tmp_path):
    spec = variant(BASE, organ_lines=["UBND TỈNH SƠN LA", "BAN BIÊN TẬP CÔNG BÁO TỈNH"],
                   issuer="Ban Biên tập Công báo tỉnh")
    assert {p.issuer for p in _both(spec, tmp_path)} == {"Ban Biên tập công báo tỉnh"}
    # once the register knows the body, its spelling is proposed
    assert {p.issuer for p in _both(spec, tmp_path, ["Ban Biên tập Công báo tỉnh"])} == \
        {"Ban Biên tập Công báo tỉnh"}


@pytest.mark.parametrize("opening", OPENINGS, ids=[o[0][:12] for o in OPENINGS])
@pytest.mark.parametrize("type_name", ["Quyết định", "Báo cáo", "Tờ trình"])
def test_abstract_stops_at_the_first_line_that_is_not_the_title(tmp_path, opening, type_name):
    long_title = ("Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội 9 tháng đầu năm và các "
                  "chính sách hỗ trợ đối với hộ nghèo, hộ cận nghèo trên địa bàn các xã vùng "
                  "đồng bào dân tộc thiểu số")
    spec = variant(BASE, opening=opening, abstract=long_title, type_name=type_name)
    for proposal in _both(spec, tmp_path):
        assert proposal.abstract == long_title and proposal.type_name == type_name


@pytest.mark.parametrize("roles", SIGNATURES, ids=[" ".join(r) for r in SIGNATURES])
def test_signer_from_the_signature_block(tmp_path, roles):
    spec = variant(BASE, roles=roles, signer="Hoàng Thị Lan Anh", pages=2, annex_page=True)
    assert [p.signer for p in _both(spec, tmp_path)] == ["Hoàng Thị Lan Anh"] * 2
    unsigned = variant(spec, signer="")
    assert [p.signer for p in _both(unsigned, tmp_path)] == ["", ""]


def test_signer_never_taken_from_the_body_or_the_recipients():
    body = ("ỦY BAN NHÂN DÂN\nTỈNH SƠN LA\nSố: 12/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc giao đất\n"
            "Điều 1. Các cơ quan chịu trách nhiệm trước\ncủa pháp luật. Được gắn mã Hà Nội")
    assert propose(body, body).signer == ""
    # a DOC's flattened text that glued the recipients' last line onto the role
    glued = "Nơi nhận:\n- Như trên;\n- Lưu: VT. CHỦ TỊCH\n(Đã ký)\nNguyễn Đình Việt"
    assert propose(body, glued).signer == "Nguyễn Đình Việt"


@pytest.mark.parametrize("heading, expected", [
    ("BAO CAO", "Báo cáo"), ("QUYET DINH", "Quyết định"), ("QUYÊT ĐINH", "Quyết định"),
    ("NGHỊ QUYẾT", "Nghị quyết"), ("KE HOACH.", "Kế hoạch"), ("Báo cáo", None),
    ("QUY ĐỊNH", "Quy định")])
def test_headings_match_without_their_marks(heading, expected):
    assert match_type(heading) == expected


def test_ocr_capitals_without_marks_give_the_same_proposal():
    page = ("UY BAN NHAN DAN CONG HOA XA HOI CHU NGHIA VIET NAM\nTINH SON LA\n"
            "Số: 15/BC-UBND Sơn La, ngày 3 tháng 9 năm 2026\nBAO CAO\n"
            "Kết quả thực hiện nhiệm vụ\nThực hiện Nghị định số 30/2020/NĐ-CP ngày 05/3/2020\n"
            "KT. CHU TICH\nPHO CHU TICH\nĐặng Ngọc Hậu")
    proposal = propose(page, page)
    assert (proposal.type_name, proposal.issuer, proposal.abstract, proposal.signer,
            proposal.issued) == ("Báo cáo", "UBND tỉnh", "Kết quả thực hiện nhiệm vụ",
                                 "Đặng Ngọc Hậu", date(2026, 9, 3))


def test_blank_number_and_day_stay_blank(tmp_path):
    spec = variant(BASE, notation="", written_number="     /BC-UBND", issued=None,
                   written_date="Sơn La, ngày      tháng 7 năm 2026", type_name="Báo cáo")
    for proposal in _both(spec, tmp_path):
        assert proposal.number == "" and proposal.issued is None and proposal.place == "Sơn La"
    # nor taken from the file name when the document shows a blank number
    proposal, _ = propose_document("docx", docx_of(spec), b"", "15_BC-UBND.docx")
    assert proposal.number == ""


def test_generated_documents_are_all_read_right(tmp_path):
    """40 varied documents (tests/intake_documents.py), DOCX and PDF: every field right."""
    wrong = []
    for index, spec in enumerate(specs(40, seed=2021)):
        pdf = pdf_of(spec, tmp_path / f"{index}.pdf")
        for proposal in (propose_layout(from_docx(docx_of(spec))),
                         propose_layout(from_pdf(PdfReader(str(pdf))))):
            wrong += [(index, k, getattr(proposal, k), v) for k, v in spec.expected.items()
                      if getattr(proposal, k) != v]
    assert wrong == []


def test_ocr_specks_read_as_punctuation_are_dropped_from_the_title_only_after_ocr():
    from gazette_app.intake.reading import ocr_punctuation
    read = "Bãi bỏ Quyết định số 25/2021/QĐ-UBND ngày 14 tháng, 7 năm 2021.của UBND tỉnh"
    assert ocr_punctuation(read) == \
        "Bãi bỏ Quyết định số 25/2021/QĐ-UBND ngày 14 tháng 7 năm 2021 của UBND tỉnh"
    typed = "Kế hoạch năm 2026, phân bổ v.v. theo Mục 2.1"
    assert ocr_punctuation(typed) == typed
