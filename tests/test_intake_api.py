"""The intake API end to end (issue 21): an issuing body's key made with the command line, a
signed PDF with its editable DOCX and an Excel annex sent as multipart, the same "receive" job
as the upload page, the receipt and then its state; idempotency, a key that sends for its own
issuer only, revoked keys, CSRF only waived for key-authenticated requests, rate limits, and
the Circular 02/2025 checks counted in the statistics. Files are made during the run."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from gazette_app import clock, jobs
from gazette_app.extensions import db
from gazette_app.models import ApiKey, Receipt
from gazette_app.services.records import get_or_create_issuer
from gazette_app.services.statistics import build_report
from tests.support.documents import docx_of, pdf_of, specs, variant
from tests.support.intake import xlsx_bytes

SPEC = variant(specs(1, seed=5)[0], organ_lines=["UBND TỈNH SƠN LA", "SỞ TÀI CHÍNH"],
               issuer="Sở Tài chính", type_name="Quyết định", notation="15/QĐ-STC",
               written_number="15/QĐ-STC", issued=date(2026, 7, 13),
               written_date="Sơn La, ngày 13 tháng 07 năm 2026", signer="Cầm Văn Chính",
               roles=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], marking=True,
               recipients=["- Như Điều 3;", "- Công báo tỉnh;", "- Lưu: VT."], annex_page=False)


def _key(app, runner, issuer: str) -> str:
    with app.app_context():
        get_or_create_issuer(issuer)
        db.session.commit()
    result = runner.invoke(args=["intake-key", "create", "--issuer", issuer])
    assert result.exit_code == 0, result.output
    return result.output.strip().rsplit(" ", 1)[-1]


def _send(client, key: str | None, idempotency: str, files: dict, **fields):
    data: dict = {name: (io.BytesIO(sent[1]), sent[0]) for name, sent in files.items()
                  if name != "annexes"}
    if "annexes" in files:
        data["annexes"] = [(io.BytesIO(c), n) for n, c in files["annexes"]]
    data.update(fields)
    headers = {"Idempotency-Key": idempotency} | ({"X-API-Key": key} if key else {})
    return client.post("/api/v1/intake", data=data, headers=headers,
                       content_type="multipart/form-data")


@pytest.fixture
def files(tmp_path):
    pdf = pdf_of(SPEC, tmp_path / "qd15.pdf").read_bytes()
    return {"document": ("QD 15 signed.pdf", pdf), "source": ("QD 15.docx", docx_of(SPEC)),
            "annexes": [("phu-luc.xlsx", xlsx_bytes([["STT", "Nội dung"], [1, "Phí"]]))]}


@pytest.mark.slow
def test_an_issuer_sends_a_document_and_follows_its_state(app, client, runner, files):
    key = _key(app, runner, "Sở Tài chính")
    with app.app_context():
        stored = db.session.scalars(select(ApiKey)).one()
        assert stored.key_hash == ApiKey.hash(key) and key not in stored.key_hash
    answer = _send(client, key, "stc-2026-0015", files, number="15/QĐ-STC",
                   abstract="Ý kiến của cơ quan gửi")
    assert answer.status_code == 202, answer.get_json()
    body = answer.get_json()
    assert body["state"] == "queued" and [f["role"] for f in body["files"]] == \
        ["main", "source", "annex"]
    assert answer.headers["Location"] == body["status_url"]
    with app.app_context():
        assert jobs.run_pending() == 1
    state = client.get(body["status_url"], headers={"X-API-Key": key}).get_json()
    assert state["state"] == "proposed", state["message"]
    assert state["proposal"]["number"] == "15/QĐ-STC"
    assert state["proposal"]["issuer"] == "Sở Tài chính"
    assert state["proposal"]["signer"] == "Cầm Văn Chính"
    assert state["proposal"]["abstract"] == SPEC.abstract
    assert state["checks"] == []  # editable copy, Công báo among recipients, marking at the top
    assert "Cơ quan gửi ghi trích yếu" in state["message"]  # the sender's differing abstract
    with app.app_context():
        receipt = db.session.get(Receipt, body["id"])
        main_pages = len(PdfReader(io.BytesIO(files["document"][1])).pages)
        assert receipt.channel == "api" and receipt.pdf_pages == main_pages + 1  # + the annex
    # the same request again: the same receipt, nothing new queued
    again = _send(client, key, "stc-2026-0015", files)
    assert again.status_code == 202 and again.get_json()["id"] == body["id"]
    assert (answer.headers["Idempotent-Replayed"], again.headers["Idempotent-Replayed"]) == \
        ("false", "true")
    with app.app_context():
        assert db.session.query(Receipt).count() == 1 and jobs.run_pending() == 0
    # the same key for other files is a conflict, not a silent overwrite
    changed = variant(SPEC, notation="16/QĐ-STC", written_number="16/QĐ-STC")
    other_pdf = pdf_of(changed, Path(app.instance_path) / "o.pdf").read_bytes()
    other = dict(files, document=("khac.pdf", other_pdf))
    assert _send(client, key, "stc-2026-0015", other).status_code == 409


def test_a_key_sends_for_its_own_issuer_only(app, client, runner, files):
    finance = _key(app, runner, "Sở Tài chính")
    justice = _key(app, runner, "Sở Tư pháp")
    refused = _send(client, finance, "stc-wrong-issuer", files, issuer="Sở Tư pháp")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "wrong_issuer"
    sent = _send(client, finance, "stc-own-issuer", files, issuer="SO TAI CHINH")
    assert sent.status_code == 202
    status_url = sent.get_json()["status_url"]
    assert client.get(status_url, headers={"X-API-Key": justice}).status_code == 404
    assert client.get(status_url).status_code == 401
    # the idempotency key is per sender: another body may use the same one
    assert _send(client, justice, "stc-own-issuer", files).status_code == 202


def test_keys_revoked_read_only_and_missing(app, client, runner, files):
    key = _key(app, runner, "Sở Tài chính")
    with app.app_context():
        key_id = db.session.scalar(select(ApiKey.id))
    listed = runner.invoke(args=["intake-key", "list"])
    assert re.search(rf"#{key_id}\tSở Tài chính\tactive", listed.output)
    assert runner.invoke(args=["intake-key", "revoke", str(key_id)]).exit_code == 0
    assert _send(client, key, "after-revoke", files).status_code == 401
    app_key = runner.invoke(args=["create-api-key", "ung-dung-di-dong"]).output.strip()
    read_only = app_key.rsplit(" ", 1)[-1]
    assert _send(client, read_only, "read-only-key", files).status_code == 403
    unknown = runner.invoke(args=["intake-key", "create", "--issuer", "Sở Không Có"])
    assert unknown.exit_code != 0 and "no issuer" in unknown.output


def test_csrf_is_waived_only_for_key_authenticated_requests(app, client, auth, files):
    auth.login("bien-tap", role="editor")  # a staff session's cookies are not a key
    answer = _send(client, None, "cookie-only-post", files)
    assert answer.status_code == 400 and "Biểu mẫu" in answer.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.query(Receipt).count() == 0


def test_bad_requests_name_the_field(app, client, runner, files):
    key = _key(app, runner, "Sở Tài chính")
    cases = [("short", files, {}, "Idempotency-Key"),
             ("no-document-1", {"source": files["source"]}, {}, "document"),
             ("bad-source-1", dict(files, source=("x.pdf", files["document"][1])), {}, "source"),
             ("fake-pdf-01", dict(files, document=("x.pdf", b"MZ not a pdf")), {}, "document"),
             ("bad-type-01", files, {"type_name": "Bài thơ"}, "type_name")]
    for idempotency, sent, fields, field in cases:
        answer = _send(client, key, idempotency, sent, **fields)
        assert answer.status_code == 400, (idempotency, answer.get_json())
        assert answer.get_json()["error"]["field"] == field
    with app.app_context():
        assert db.session.query(Receipt).count() == 0


def test_intake_is_rate_limited_per_key(app, client, runner, files):
    app.config["GAZETTE_INTAKE_RATE"] = "2 per minute"
    key = _key(app, runner, "Sở Tài chính")
    codes = [_send(client, key, f"rate-limit-{n}", files).status_code for n in range(3)]
    assert codes == [202, 202, 429]


@pytest.mark.slow
def test_circular_checks_flag_and_count_but_never_refuse(app, client, runner, tmp_path, auth):
    key = _key(app, runner, "Sở Tài chính")
    lacking = variant(SPEC, marking=False, recipients=["- Như Điều 3;", "- Lưu: VT."])
    pdf = pdf_of(lacking, tmp_path / "thieu.pdf").read_bytes()
    answer = _send(client, key, "lacking-checks", {"document": ("thieu.pdf", pdf)})
    assert answer.status_code == 202
    with app.app_context():
        jobs.run_pending()
    state = client.get(answer.get_json()["status_url"], headers={"X-API-Key": key}).get_json()
    assert state["state"] == "proposed"
    assert [c["code"] for c in state["checks"]] == ["editable_copy", "recipients", "marking"]
    assert "Thông tư 02/2025/TT-VPCP" in state["message"]
    auth.login("bien-tap", role="editor")
    page = client.get(f"/staff/receipts/{state['id']}").get_data(as_text=True)
    assert 'id="circular-checks"' in page and "“Nơi nhận” không có Công báo" in page
    with app.app_context():
        day = clock.local_day(db.session.get(Receipt, state["id"]).received_at)
        report = build_report(day, day + timedelta(days=1), "hôm nay")
        assert report.circular_missing == {"editable_copy": 1, "recipients": 1, "marking": 1}


def test_the_intake_operations_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    post = document["paths"]["/api/v1/intake"]["post"]
    assert post["security"] == [{"ApiKey": []}]
    assert {"202", "409", "401", "403", "429"} <= set(post["responses"])
    assert "document" in post["requestBody"]["content"]["multipart/form-data"]["schema"][
        "required"]
    assert "/api/v1/intake/{receipt_id}" in document["paths"]
