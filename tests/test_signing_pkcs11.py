"""Signing through a key held in a PKCS#11 token: SoftHSM2 (Debian softhsm2, installed by
scripts/system-deps.sh) initialised in a temporary directory, the test PKI's signer key and
certificates imported, an issue published and its signature validated."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from gazette_app import clock
from gazette_app.extensions import db
from gazette_app.models import Issue
from gazette_app.storage import get_store
from issues.signing_ltv import Trust, signature_state
from tests.support import signing_pki
from tests.support.records import published_issue

MODULES = ("/usr/lib/softhsm/libsofthsm2.so",
           "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
SO_PIN, PIN, TOKEN = "12345678", "2468-ký", "cong-bao-test"


def _module() -> str | None:
    return next((m for m in MODULES if Path(m).is_file()), None)


pytestmark = pytest.mark.skipif(
    _module() is None or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 is not installed (Debian package softhsm2; scripts/system-deps.sh "
           "installs it, as CI does)")


def _token(tmp_path: Path, monkeypatch, pki) -> str:
    """A fresh token holding the signer's key, its certificate and the intermediate CA's."""
    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass

    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    util = ["softhsm2-util"]
    subprocess.run([*util, "--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN,
                    "--pin", PIN], check=True, capture_output=True)
    (tmp_path / "key.pem").write_bytes(pki.signer.key_pem())
    subprocess.run([*util, "--import", str(tmp_path / "key.pem"), "--token", TOKEN,
                    "--label", "ky-so", "--id", "01", "--pin", PIN], check=True,
                   capture_output=True)
    (tmp_path / "key.pem").unlink()  # the key now lives only in the token
    module = _module()
    assert module
    token = pkcs11.lib(module).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        for label, cert, key_id in (("ky-so", pki.signer.cert, b"\x01"),
                                    ("ca-trung-gian", pki.intermediate.cert, b"\x02")):
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
                Attribute.LABEL: label, Attribute.ID: key_id,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})
    return module


def test_an_issue_is_signed_with_a_key_in_softhsm2(app, tmp_path, monkeypatch):
    with signing_pki.serve(clock.now) as pki:
        module = _token(tmp_path, monkeypatch, pki)
        (tmp_path / "roots.pem").write_bytes(pki.roots_pem())
        app.config.update(GAZETTE_SIGNING_PKCS11_MODULE=module,
                          GAZETTE_SIGNING_PKCS11_TOKEN=TOKEN, GAZETTE_SIGNING_PKCS11_KEY="ky-so",
                          GAZETTE_SIGNING_PKCS11_PIN=PIN, GAZETTE_SIGNING_TSA_URL=pki.tsa_url,
                          GAZETTE_SIGNING_TRUST_ROOTS=str(tmp_path / "roots.pem"))
        issue_id = published_issue(app, tmp_path / "docs")
        roots = pki.roots_pem()
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        signed = get_store().path(issue.signed_pdf_sha256).read_bytes()
        stored = issue.signature_state
    assert stored["valid"] and stored["ltv"] and stored["level"] == "PAdES B-LTA", stored
    state = signature_state(signed, Trust(roots=(roots,), allow_fetching=False), now=clock.now())
    assert state is not None and state.ltv
    assert state.signer == "Văn phòng UBND tỉnh (thử nghiệm)"
    (tmp_path / "signed.pdf").write_bytes(signed)
    report = subprocess.run(["pdfsig", str(tmp_path / "signed.pdf")], capture_output=True,
                            text=True).stdout
    assert "Signature Validation: Signature is Valid." in report.split("Signature #2:")[0]


def test_a_wrong_pin_is_a_clear_refusal(app, tmp_path, monkeypatch):
    from gazette_app.services import issues as workflow

    with signing_pki.serve(clock.now) as pki:
        module = _token(tmp_path, monkeypatch, pki)
        (tmp_path / "roots.pem").write_bytes(pki.roots_pem())
        app.config.update(GAZETTE_SIGNING_PKCS11_MODULE=module,
                          GAZETTE_SIGNING_PKCS11_TOKEN=TOKEN, GAZETTE_SIGNING_PKCS11_KEY="ky-so",
                          GAZETTE_SIGNING_PKCS11_PIN="0000", GAZETTE_SIGNING_TSA_URL=pki.tsa_url,
                          GAZETTE_SIGNING_TRUST_ROOTS=str(tmp_path / "roots.pem"))
        with pytest.raises(workflow.IssueWorkflowError, match="Không mở được thiết bị ký số"):
            published_issue(app, tmp_path / "docs")
