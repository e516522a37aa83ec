"""Importing records: idempotence, duplicates flagged, distinct issuers kept, bad lines reported."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from gazette_app.extensions import db
from gazette_app.models import AuditEvent, Document, DuplicateFlag, Issuer
from gazette_app.services.records import import_records
from tests.support.paths import DEMO_RECORDS


def _snapshot() -> list[tuple]:
    rows = db.session.execute(select(
        Document.id, Document.notation, Document.issuer_id, Document.year, Document.abstract,
        Document.status, Document.review, Document.legal).order_by(Document.id)).all()
    flags = db.session.execute(select(DuplicateFlag.document_id, DuplicateFlag.candidate_id,
                                      DuplicateFlag.reason).order_by(DuplicateFlag.id)).all()
    return [tuple(r) for r in rows] + [tuple(f) for f in flags]


@pytest.mark.both_databases
def test_demo_import_is_idempotent_and_flags_known_duplicates(app, runner):
    first = runner.invoke(args=["import-records", str(DEMO_RECORDS)])
    assert first.exit_code == 0, first.output
    assert "rejected: 0" in first.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == 367
        before = _snapshot()
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert events == 367  # one audit event per imported document

        flagged = {(d.notation, d.issuer.name) for d in db.session.scalars(
            select(Document).where(Document.review == "flagged"))}
        assert {("1367/QĐ-UBND", "UBND tỉnh"), ("22/NQ-HĐND", "HĐND tỉnh"),
                ("23/NQ-HĐND", "HĐND tỉnh")} <= flagged
        same_key = db.session.scalars(select(DuplicateFlag).where(
            DuplicateFlag.reason == "same_notation")).all()
        assert sorted(f.document.notation for f in same_key) == \
            ["1367/QĐ-UBND", "22/NQ-HĐND", "23/NQ-HĐND"]
        for flag in same_key:  # the pair really is the same document written twice
            assert flag.candidate.issuer_id == flag.document.issuer_id
            assert flag.similarity >= 0.99

        # "21/NQ-HĐND" from the province and three communes: four documents, none flagged.
        shared = db.session.scalars(select(Document).where(
            Document.notation == "21/NQ-HĐND")).all()
        assert len({d.issuer.name for d in shared}) == 4
        assert all(d.review == "ok" for d in shared)
        assert db.session.scalar(select(func.count()).select_from(Document)
                                 .where(Document.legal.is_(True))) == 21

    second = runner.invoke(args=["import-records", str(DEMO_RECORDS)])
    assert second.exit_code == 0
    assert "added: 0" in second.output and "unchanged: 367" in second.output
    assert "flagged: 0" in second.output
    with app.app_context():
        assert _snapshot() == before
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def _line(**changes) -> str:
    record = {"number": "45/2026/QĐ-UBND", "issued": "2026-07-20", "effective": "2026-08-01",
              "expires": None, "issuer": "UBND Tỉnh", "doc_type": "Quyết định của UBND tỉnh",
              "field": None, "signer": "Chủ tịch UBND Nguyễn Đình Việt",
              "abstract": "Quy định mức thu phí thẩm định", "status": "Chưa có hiệu lực",
              "files": ["QD 45.pdf"], "source_url": "https://example.test/45"}
    record.update(changes)
    return json.dumps(record, ensure_ascii=False)


def test_bad_lines_are_reported_and_the_rest_imports(app):
    lines = [
        _line(),
        '{"number": "46/2026/QĐ-UBND", "issued": ',  # malformed JSON
        _line(number=None, source_url="https://example.test/no-number"),
        json.dumps({k: v for k, v in json.loads(_line(source_url="u2")).items()
                    if k != "number"}),
        _line(number="hello", source_url="https://example.test/bad-notation"),
        _line(issued="20/07/2026", source_url="https://example.test/bad-date"),
        _line(status="Không rõ", source_url="https://example.test/bad-status"),
        "[1, 2]",
        "",
        _line(number="47/2026/QD-UBND", abstract="Ban hành quy chế", source_url="https://x/47"),
    ]
    with app.app_context():
        summary = import_records(lines)
        assert summary.added == 2
        reasons = dict(summary.rejected)
        assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8]
        assert "not valid JSON" in reasons[2]
        assert reasons[3].startswith("number:") and reasons[4].startswith("number: Thiếu")
        assert "không đúng dạng" in reasons[5]
        assert reasons[6].startswith("issued: Ngày không hợp lệ")
        assert reasons[7].startswith("status: Tình trạng hiệu lực không hợp lệ")
        assert "one JSON object" in reasons[8]
        docs = db.session.scalars(select(Document).order_by(Document.id)).all()
        assert [d.notation for d in docs] == ["45/2026/QĐ-UBND", "47/2026/QD-UBND"]
        # The feed's "Chưa có hiệu lực" is what the dates say before 01/08/2026: not stored as
        # such, the status follows the dates (in force once that day has come).
        assert docs[0].recorded_status is None and docs[0].legal and docs[0].year == 2026
        assert docs[0].status_on(date(2026, 7, 31)) == "not_yet_in_force"
        assert docs[0].status_on(date(2026, 8, 1)) == "in_force"
        assert docs[1].notation_key == "47/2026/QD-UBND" and docs[1].type_code == "QĐ"


def test_unaccented_notation_of_same_document_is_flagged(app):
    with app.app_context():
        import_records([_line()])
        summary = import_records([_line(number="45/2026/QD-UBND", source_url="https://y/45")])
        assert summary.added == 0 and len(summary.flagged) == 1
        assert db.session.scalar(select(func.count()).select_from(Issuer)) == 1


def test_cli_reports_summary_and_rejected_lines(runner, tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text(_line() + "\nnot json\n", encoding="utf-8")
    result = runner.invoke(args=["import-records", str(path)])
    assert result.exit_code == 0
    assert "added: 1" in result.output and "rejected: 1" in result.output
    assert "rejected line 2: not valid JSON" in result.output
    missing = runner.invoke(args=["import-records", str(tmp_path / "none.jsonl")])
    assert missing.exit_code != 0 and "does not exist" in missing.output
