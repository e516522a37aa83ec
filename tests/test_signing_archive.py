"""Re-stamping the archive (`flask --app wsgi retimestamp`): a fresh document timestamp as an
incremental update, the published e-edition's bytes and hash kept provable, `verify` checking
the rule; against the local test PKI."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from contextlib import contextmanager
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

from gazette_app import clock
from gazette_app.extensions import db
from gazette_app.models import Issue
from gazette_app.storage import get_store
from tests.support import signing_pki
from tests.support.records import published_issue


@contextmanager
def configured_pki(app, tmp_path, **options):
    with signing_pki.serve(clock.now, **options) as pki:
        pki.write_pkcs12(tmp_path / "signer.p12", "mật-khẩu")
        (tmp_path / "roots.pem").write_bytes(pki.roots_pem())
        app.config.update(GAZETTE_SIGNING_PKCS12=str(tmp_path / "signer.p12"),
                          GAZETTE_SIGNING_PASSWORD="mật-khẩu",
                          GAZETTE_SIGNING_TSA_URL=pki.tsa_url,
                          GAZETTE_SIGNING_TRUST_ROOTS=str(tmp_path / "roots.pem"))
        yield pki


def test_retimestamp_appends_a_revision_and_keeps_the_published_bytes(app, runner, tmp_path):
    with configured_pki(app, tmp_path):
        issue_id = published_issue(app, tmp_path)
        fresh = runner.invoke(args=["retimestamp", "--dry-run"])
        assert fresh.exit_code == 0 and "due" not in fresh.output, fresh.output  # nothing due
        tomorrow = (clock.now() + dt.timedelta(days=1)).date().isoformat()
        result = runner.invoke(args=["retimestamp", "--before", tomorrow])
        assert result.exit_code == 0, result.output
        assert "1 e-editions re-stamped, 0 failed" in result.output, result.output
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        store = get_store()
        published = store.path(issue.signed_pdf_sha256).read_bytes()
        assert hashlib.sha256(published).hexdigest() == issue.signed_pdf_sha256  # unchanged
        assert len(issue.signed_revisions) == 1
        revision = store.path(issue.current_signed_sha256).read_bytes()
        state = issue.signature_state
        label = issue.label
    assert revision.startswith(published) and len(revision) > len(published)
    assert hashlib.sha256(revision[:len(published)]).hexdigest() == \
        hashlib.sha256(published).hexdigest()
    assert state["valid"] and state["ltv"] and state["level"] == "PAdES B-LTA", state
    reader = PdfFileReader(BytesIO(revision))
    assert len(reader.embedded_timestamp_signatures) == 2  # publication's and the new one
    # readers get the re-stamped revision; the print edition is untouched
    client = app.test_client()
    served = client.get("/cong-bao/2026/1.pdf?ban=dien-tu")
    assert served.status_code == 200 and served.data == revision
    # poppler still finds the signature valid after the update
    (tmp_path / "revision.pdf").write_bytes(revision)
    report = subprocess.run(["pdfsig", str(tmp_path / "revision.pdf")], capture_output=True,
                            text=True).stdout
    assert "Signature Validation: Signature is Valid." in report.split("Signature #2:")[0]
    verified = runner.invoke(args=["verify"])
    assert verified.exit_code == 0, verified.output
    # the rule verify checks: a "revision" that does not extend the published file is reported
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        issue.signed_revisions = [*issue.signed_revisions, {
            "sha256": issue.pdf_sha256, "size": 0, "at": clock.now().isoformat()}]
        db.session.commit()
    broken = runner.invoke(args=["verify"])
    assert broken.exit_code == 1 and "không bắt đầu bằng bản ký số đã phát hành" in \
        broken.output and label in broken.output, broken.output


def test_a_tsa_certificate_near_expiry_makes_an_edition_due(app, runner, tmp_path):
    app.config.update(RETIMESTAMP_MARGIN_DAYS=365)
    with configured_pki(app, tmp_path, tsa_days=200):  # expires inside the margin
        published_issue(app, tmp_path)
        listed = runner.invoke(args=["retimestamp", "--dry-run"])
        assert listed.exit_code == 0 and "due Số 01/2026" in listed.output, listed.output


def test_retimestamp_without_a_tsa_fails_and_changes_nothing(app, runner, tmp_path):
    with configured_pki(app, tmp_path):
        issue_id = published_issue(app, tmp_path)
    app.config.update(GAZETTE_SIGNING_TSA_URL="http://127.0.0.1:9/tsa")  # nothing listens
    tomorrow = (clock.now() + dt.timedelta(days=1)).date().isoformat()
    result = runner.invoke(args=["retimestamp", "--before", tomorrow])
    assert result.exit_code == 1 and "FAILED Số 01/2026" in result.output, result.output
    with app.app_context():
        assert db.session.get(Issue, issue_id).signed_revisions is None


def test_the_issue_page_and_the_api_state_the_signature(app, tmp_path):
    with configured_pki(app, tmp_path):
        issue_id = published_issue(app, tmp_path)
    client = app.test_client()  # the PKI's servers are gone: nothing is validated per request
    page = client.get("/cong-bao/2026/1").get_data(as_text=True)
    assert "Đã ký số bởi Văn phòng UBND tỉnh (thử nghiệm) lúc " in page, page
    assert ", dấu thời gian " in page and "hợp lệ, có dữ liệu kiểm tra dài hạn (PAdES B-LTA)" \
        in page
    answer = client.get("/api/v1/issues/2026/1").get_json()
    signature = answer["signature"]
    assert signature["valid"] is True and signature["ltv"] is True, signature
    assert signature["level"] == "PAdES B-LTA" and signature["revisions"] == 0
    assert signature["signer"] == "Văn phòng UBND tỉnh (thử nghiệm)"
    assert signature["signed_at"] and signature["timestamp_expires"]
    assert signature["summary"].startswith("Đã ký số bởi Văn phòng UBND tỉnh")
    listed = client.get("/api/v1/issues?year=2026").get_json()
    assert [i["signature"]["level"] for i in listed["results"]] == ["PAdES B-LTA"]
    spec = client.get("/api/v1/openapi.json").get_json()
    component = spec["components"]["schemas"]["Signature"]
    assert {"signer", "signed_at", "timestamped_at", "valid", "ltv", "level"} <= \
        set(component["properties"])
    assert "signature" in spec["components"]["schemas"]["Issue"]["properties"]
    # what is shown is what was stored at publication
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        issue.signature_state = {**issue.signature_state, "valid": False}
        db.session.commit()
    page = client.get("/cong-bao/2026/1").get_data(as_text=True)
    assert "Chữ ký số của Văn phòng UBND tỉnh (thử nghiệm) không hợp lệ khi kiểm tra lúc" in page


def test_the_demo_signs_while_replaying_a_past_day(app, runner, tmp_path):
    """`make run`'s demo publishes a year of issues at the moments they happened
    (clock.replaying); the signature, its timestamp and the demo CRL use real time."""
    assert runner.invoke(args=["demo-certificate"]).exit_code == 0
    with clock.replaying(dt.datetime(2026, 2, 3, 9, tzinfo=dt.UTC)):
        issue_id = published_issue(app, tmp_path)
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        state = issue.signature_state
    assert issue.published_at.year == 2026 and issue.published_at.month == 2
    assert state["valid"] and state["ltv"] and state["level"] == "PAdES B-LTA", state
    assert "bản demo, không có giá trị pháp lý" in state["signer"]
