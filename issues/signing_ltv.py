"""Long-term validity of the e-edition's signature (PAdES B-LT and B-LTA, ETSI EN 319 142-1).

The signature carries a timestamp from an RFC 3161 time-stamping authority, and the document
security store (DSS) keeps the chain and the OCSP responses / CRLs that showed it valid when it
was signed; B-LTA adds a document timestamp over all of that, and `retimestamp` adds another
before the last one's TSA certificate expires. Everything here takes bytes and plain settings.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from io import BytesIO
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

SIGNATURE_FIELD = "ChuKySo"


@dataclass(frozen=True)
class Trust:
    """What a signature is validated against: trust roots (PEM bundles or DER), other
    certificates and CRLs (DER) known beforehand, and whether OCSP/CRL servers named in the
    certificates may be asked (the demo has none)."""

    roots: tuple[bytes, ...]
    other_certs: tuple[bytes, ...] = ()
    crls: tuple[bytes, ...] = ()
    allow_fetching: bool = True


class LtvError(RuntimeError):
    """Validation data or a timestamp could not be obtained; the message is Vietnamese."""


def load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM bundle, or the one DER certificate."""
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def _certs(blobs: tuple[bytes, ...]) -> list[asn1_x509.Certificate]:
    return [cert for blob in blobs for cert in load_certificates(blob)]


def validation_context(trust: Trust) -> ValidationContext:
    """Hard-fail revocation checking: a certificate naming an OCSP responder or CRL must be
    shown unrevoked, or validation fails."""
    return ValidationContext(trust_roots=_certs(trust.roots), other_certs=_certs(trust.other_certs),
                             crls=[asn1_crl.CertificateList.load(c) for c in trust.crls],
                             allow_fetching=trust.allow_fetching, revocation_mode="hard-fail")


def sign_pades(unsigned: bytes, signer: signers.Signer, timestamper: TimeStamper, trust: Trust,
               *, reason: str, location: str, lta: bool = True) -> bytes:
    """Sign as PAdES B-LT (signature timestamp, chain and revocation data in the DSS) and,
    with ``lta``, B-LTA (a document timestamp over the DSS)."""
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, reason=reason, location=location,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        embed_validation_info=True, use_pades_lta=lta, validation_context=validation_context(trust))
    output = BytesIO()
    try:
        signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(unsigned)), meta, signer=signer,
                         timestamper=timestamper, output=output)
    except (PyHankoSigningError, OSError) as error:
        raise LtvError("Không ký được bản điện tử dài hạn (PAdES B-LT): không lấy được dấu thời "
                       f"gian hoặc dữ liệu kiểm tra chứng thư ({error}).") from error
    return output.getvalue()


def add_archival_timestamp(signed: bytes, timestamper: TimeStamper, trust: Trust) -> bytes:
    """``signed`` followed by one incremental update: the validation data of the last
    timestamp in the DSS, then a fresh document timestamp (PAdES B-LTA). The bytes before it
    are left exactly as they were."""
    reader = PdfFileReader(BytesIO(signed))
    output = BytesIO()
    try:
        signers.PdfTimeStamper(timestamper).update_archival_timestamp_chain(
            reader, validation_context(trust), in_place=False, output=output)
    except (PyHankoSigningError, OSError) as error:
        raise LtvError(f"Không đóng được dấu thời gian mới ({error}).") from error
    result = output.getvalue()
    if not result.startswith(signed):  # an incremental update never rewrites what it follows
        raise LtvError("Dấu thời gian mới đã thay đổi nội dung trước đó của tệp.")
    return result


@dataclass(frozen=True)
class SignatureState:
    """The e-edition's signature as validated when it was made or last re-stamped."""

    signer: str                            # the signing certificate's common name
    signed_at: dt.datetime | None          # the signature timestamp (TSA time)
    timestamped_at: dt.datetime | None     # the last document timestamp, else signed_at
    timestamp_expires: dt.datetime | None  # when that timestamp's TSA certificate expires
    valid: bool                            # intact, and the chain trusted and unrevoked
    ltv: bool                              # valid from the embedded data alone
    level: str                             # PAdES B-B, B-T, B-LT or B-LTA
    checked_at: dt.datetime

    def as_json(self) -> dict:
        return {key: value.isoformat() if isinstance(value, dt.datetime) else value
                for key, value in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> SignatureState:
        times = ("signed_at", "timestamped_at", "timestamp_expires", "checked_at")
        values: dict[str, Any] = {
            key: dt.datetime.fromisoformat(data[key]) if key in times and data.get(key)
            else data.get(key) for key in cls.__dataclass_fields__}
        return cls(**values)


def _common_name(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name", cert.subject.human_friendly))


def _dss_context(reader: PdfFileReader, trust: Trust,
                 moment: dt.datetime | None) -> ValidationContext | None:
    """Validation from what the file carries: no fetching, revocation data required for every
    certificate below the trust root, as a verifier in 2040 would have to."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None
    return dss.as_validation_context({
        "trust_roots": _certs(trust.roots), "allow_fetching": False, "revocation_mode": "require",
        "moment": moment, "retroactive_revinfo": True})


def signature_state(pdf: bytes, trust: Trust, *, now: dt.datetime) -> SignatureState | None:
    """Validate the e-edition's signature (None when it has none)."""
    reader = PdfFileReader(BytesIO(pdf))
    regular = reader.embedded_regular_signatures
    if not regular:
        return None
    signature = regular[0]
    status = validate_pdf_signature(signature, validation_context(trust),
                                    validation_context(trust))
    stamp = status.timestamp_validity
    signed_at = stamp.timestamp if stamp is not None else None
    ltv_context = _dss_context(reader, trust, signed_at)
    ltv = bool(ltv_context is not None and signed_at is not None and validate_pdf_signature(
        signature, ltv_context, _dss_context(reader, trust, signed_at)).bottom_line)
    stamped_at, expires = signed_at, stamp.signing_cert.not_valid_after if stamp else None
    documents = reader.embedded_timestamp_signatures
    if documents:
        last = validate_pdf_timestamp(documents[-1], validation_context(trust))
        stamped_at, expires = last.timestamp, last.signing_cert.not_valid_after
    level = ("PAdES B-LTA" if documents and ltv else "PAdES B-LT" if ltv
             else "PAdES B-T" if signed_at else "PAdES B-B")
    return SignatureState(signer=_common_name(signature.signer_cert), signed_at=signed_at,
                          timestamped_at=stamped_at, timestamp_expires=expires,
                          valid=bool(status.bottom_line), ltv=ltv, level=level, checked_at=now)
