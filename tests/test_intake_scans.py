"""Scans read the same way twice (issue 21): a report's scan (bold capitals "BÁO CÁO", a KT.
signature block, turned and dusty at 200 dpi) received twice through the real job with the
fixed OCR settings gives the same proposal both times, right, and each receipt records the
settings that read it. The scan is made during the run."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from gazette_app import jobs
from gazette_app.extensions import db
from gazette_app.intake.tools import OCR_OPTIONS, OCR_SETTINGS_LABEL
from gazette_app.models import Receipt
from gazette_app.services.receiving import receive
from tests.support.documents import pdf_of, scan_of, specs, variant
from tests.support.intake import need

REPORT = variant(specs(1, seed=3)[0], organ_lines=["UBND TỈNH SƠN LA"], issuer="UBND tỉnh",
                 type_name="Báo cáo", notation="215/BC-UBND", written_number="215/BC-UBND",
                 issued=date(2026, 9, 3), written_date="Sơn La, ngày 03 tháng 09 năm 2026",
                 abstract="Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội 9 tháng đầu "
                          "năm", roles=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], signer="Đặng Ngọc Hậu",
                 opening=["Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của "
                          "Chính phủ, Ủy ban nhân dân tỉnh báo cáo như sau:"],
                 pages=1, annex_page=False, header_table=True)


def test_the_settings_are_fixed_and_vietnamese_only():
    assert OCR_OPTIONS[:2] == ("--language", "vie") and ("--jobs", "1") == OCR_OPTIONS[-2:]
    assert OCR_SETTINGS_LABEL.startswith("ocrmypdf --language vie")


@pytest.mark.slow
def test_two_receipts_of_the_same_scan_give_the_same_right_proposal(app, tmp_path):
    need("ocrmypdf", "ocrmypdf tesseract-ocr-vie")
    scan = scan_of(pdf_of(REPORT, tmp_path / "bc.pdf"), tmp_path, dpi=200, skew=-0.8,
                   noise=0.002, seed=4).read_bytes()
    with app.app_context():
        for name in ("BC 215 quet.pdf", "BC 215 quet lan 2.pdf"):
            result = receive([(name, scan)])
            assert len(result.receipts) == 1, result.refused
            jobs.run_pending()
        receipts = db.session.scalars(select(Receipt).order_by(Receipt.id)).all()
        assert [r.state for r in receipts] == ["proposed", "proposed"], receipts[0].message
        assert all(r.ocr and r.ocr_settings == OCR_SETTINGS_LABEL for r in receipts)
        first, second = (r.proposal for r in receipts)
        assert first == second
        assert (first["type_name"], first["number"], first["issuer"], first["issued"],
                first["signer"]) == ("Báo cáo", "215/BC-UBND", "UBND tỉnh", "2026-09-03",
                                     "Đặng Ngọc Hậu")
        assert first["abstract"] == REPORT.abstract
