"""The electronic edition (Circular 02/2025/TT-VPCP): the issue PDF with the documents' source
files (.doc, .docx, .xls, .xlsx) attached, signed as PAdES B-LT/B-LTA by issues/signing_ltv.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pypdf import PdfWriter


@dataclass(frozen=True)
class Attachment:
    name: str  # shown to readers; unique inside one edition
    data: bytes


class SigningError(RuntimeError):
    """Signing could not be done; the message is Vietnamese, for the user."""


def with_attachments(pdf_path: Path, attachments: list[Attachment]) -> bytes:
    """The issue PDF with the documents' source files embedded, ready to be signed
    (issues/signing_ltv.py signs it)."""
    writer = PdfWriter(clone_from=str(pdf_path))
    for attachment in attachments:
        writer.add_attachment(attachment.name, attachment.data)
    unsigned = BytesIO()
    writer.write(unsigned)
    return unsigned.getvalue()


def create_pkcs12(path: Path, passphrase: str, common_name: str,
                  organisation: str = "Văn phòng UBND tỉnh", *,
                  now: dt.datetime) -> bytes:
    """A CA and a signing certificate it issued, the latter with its key in ``path`` (PKCS#12),
    valid from the day before ``now``. Returns the CA certificate (PEM) to trust when
    validating. For tests and demos only: a province signs with the certificate its
    certification authority issues."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA demo (thử nghiệm)"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    encryption = serialization.BestAvailableEncryption(passphrase.encode())
    Path(path).write_bytes(pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, [ca], encryption))
    return ca.public_bytes(serialization.Encoding.PEM)
