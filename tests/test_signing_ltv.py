"""PAdES B-LT / B-LTA against a local test PKI (root, intermediate, signer, TSA, OCSP, CRLs on
127.0.0.1), validated with pyHanko's validator and with poppler's pdfsig."""
from __future__ import annotations

import asyncio
import subprocess
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager
from pypdf import PdfWriter

from gazette_app import clock
from issues.signing_ltv import (
    LtvError,
    Trust,
    add_archival_timestamp,
    load_certificates,
    sign_pades,
    signature_state,
)
from tests.support import signing_pki


def blank_pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def pki():
    with signing_pki.serve(clock.now) as served:
        yield served


def pkcs12_signer(pki, tmp_path) -> signers.SimpleSigner:
    pki.write_pkcs12(tmp_path / "signer.p12", "mật-khẩu")
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(tmp_path / "signer.p12"),
                                              passphrase="mật-khẩu".encode())
    assert signer is not None
    return signer


def pdfsig(path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_b_lta_carries_validation_data_and_validates(pki, tmp_path):
    trust = Trust(roots=(pki.roots_pem(),))
    signed = sign_pades(blank_pdf(), pkcs12_signer(pki, tmp_path), HTTPTimeStamper(pki.tsa_url),
                        trust, reason="Công báo điện tử Số 04/2026", location="Sơn La")
    # the revocation data came from the PKI's servers: OCSP for the signer and TSA, CRL for
    # the intermediate CA
    assert "/ocsp" in pki.fetches and "/root.crl" in pki.fetches and "/tsa" in pki.fetches
    state = signature_state(signed, trust, now=clock.now())
    assert state is not None
    assert state.valid and state.ltv and state.level == "PAdES B-LTA", state
    assert state.signer == "Văn phòng UBND tỉnh (thử nghiệm)"
    assert state.signed_at is not None and state.timestamped_at >= state.signed_at
    assert state.timestamp_expires == pki.tsa.cert.not_valid_after_utc
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    report = pdfsig(path)
    signature, stamp = report.split("Signature #2:")
    assert "Signature Type: ETSI.CAdES.detached" in signature, report
    assert "Signature Validation: Signature is Valid." in signature, report
    # poppler 22.12 lists the document timestamp (the TSA's) but cannot verify one (RFC 3161)
    assert "Signer Certificate Common Name: TSA thử nghiệm" in stamp, report


def ades_lta(pdf: bytes, roots_pem: bytes):
    """pyHanko's AdES validation of a signature with long-term availability (ETSI EN 319
    102-1 § 5.6.3), from the file alone: revocation data required, nothing fetched."""
    required = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=load_certificates(roots_pem)),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(
            ee_certificate_rule=required, intermediate_ca_cert_rule=required)))
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy, revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY)))
    signature = PdfFileReader(BytesIO(pdf)).embedded_regular_signatures[0]
    return asyncio.run(ades_lta_validation(signature, spec))


def test_validation_data_suffices_once_the_servers_are_gone(tmp_path):
    """The 2040 case: CA servers unreachable, only the trust root and the file."""
    with signing_pki.serve(clock.now) as pki:
        trust = Trust(roots=(pki.roots_pem(),))
        signed = sign_pades(blank_pdf(), pkcs12_signer(pki, tmp_path),
                            HTTPTimeStamper(pki.tsa_url), trust, reason="r", location="l")
        roots = pki.roots_pem()
    offline = Trust(roots=(roots,), allow_fetching=False)
    state = signature_state(signed, offline, now=clock.now())
    assert state is not None and state.ltv and state.level == "PAdES B-LTA"
    result = ades_lta(signed, roots)
    assert result.ades_subindic is AdESPassed.OK, result
    assert result.oldest_evidence_record_timestamp is not None  # the document timestamp
    # the first revision (the bare signature, before the DSS) is not LTV-enabled offline
    reader = PdfFileReader(BytesIO(signed))
    bare = signed[:reader.embedded_regular_signatures[0].byte_range[-2]
                  + reader.embedded_regular_signatures[0].byte_range[-1]]
    bare_state = signature_state(bare, offline, now=clock.now())
    assert bare_state is not None and not bare_state.ltv and bare_state.level == "PAdES B-T"


def test_archival_timestamp_is_an_incremental_update(pki, tmp_path):
    trust = Trust(roots=(pki.roots_pem(),))
    signed = sign_pades(blank_pdf(), pkcs12_signer(pki, tmp_path), HTTPTimeStamper(pki.tsa_url),
                        trust, reason="r", location="l")
    first = signature_state(signed, trust, now=clock.now())
    restamped = add_archival_timestamp(signed, HTTPTimeStamper(pki.tsa_url), trust)
    assert restamped.startswith(signed) and len(restamped) > len(signed)
    again = signature_state(restamped, trust, now=clock.now())
    assert first is not None and again is not None
    assert again.valid and again.ltv and again.timestamped_at >= first.timestamped_at
    assert len(PdfFileReader(BytesIO(restamped)).embedded_timestamp_signatures) == 2


def test_a_revoked_signer_is_refused(pki, tmp_path):
    pki.intermediate.revoked[pki.signer.cert.serial_number] = clock.now()
    with pytest.raises(LtvError):
        sign_pades(blank_pdf(), pkcs12_signer(pki, tmp_path), HTTPTimeStamper(pki.tsa_url),
                   Trust(roots=(pki.roots_pem(),)), reason="r", location="l")
