"""Certificates for a small public-key infrastructure, built with ``cryptography``: the demo's
(CA, signer, time-stamping authority; no legal value) and the tests' (root, intermediate,
signer, TSA, OCSP responder, CRLs). A province signs with what its certification authority
issues; nothing here is used with a configured certificate.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class Issued:
    """A certificate with its key and the certificate of whoever issued it."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    issuer: Issued | None = None
    revoked: dict[int, dt.datetime] = field(default_factory=dict)  # serial -> when (a CA's)

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self, passphrase: str | None = None) -> bytes:
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
            else serialization.NoEncryption())
        return self.key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8, encryption)

    def chain(self) -> list[x509.Certificate]:
        """The issuers above this certificate, nearest first."""
        found, at = [], self.issuer
        while at is not None:
            found.append(at.cert)
            at = at.issuer
        return found


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])


def _usage(*, sign: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign, content_commitment=sign, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                         crl_sign=ca, encipher_only=False, decipher_only=False)


def issue(common_name: str, organisation: str, issuer: Issued | None, *, now: dt.datetime,
          days: int, ca: bool = False, purpose: x509.ObjectIdentifier | None = None,
          ocsp_url: str = "", crl_url: str = "", ocsp_nocheck: bool = False) -> Issued:
    """A certificate (self-signed when ``issuer`` is None), valid from an hour before ``now``.
    ``purpose``: an extended key usage (time stamping, OCSP signing), marked critical as
    RFC 3161 requires of a TSA. ``ocsp_url``/``crl_url``: where its status is published."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = _name(common_name, organisation)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(hours=1))
               .not_valid_after(now + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(_usage(sign=not ca, ca=ca), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    signing_key = issuer.key if issuer else key
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
        critical=False)
    if purpose is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([purpose]), critical=True)
    if ocsp_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]),
            critical=False)
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(crl_url)], None, None, None)]), critical=False)
    if ocsp_nocheck:
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    cert = builder.sign(signing_key, hashes.SHA256())
    return Issued(cert, key, issuer)


def crl(ca: Issued, *, now: dt.datetime, days: int = 7) -> bytes:
    """The CA's certificate revocation list (DER), listing what it revoked."""
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
               .last_update(now - dt.timedelta(minutes=5))
               .next_update(now + dt.timedelta(days=days))
               .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca.key.public_key()), critical=False))
    for serial, when in ca.revoked.items():
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING
OCSP_SIGNING = ExtendedKeyUsageOID.OCSP_SIGNING


@dataclass(frozen=True)
class DemoPki:
    ca: Issued
    signer: Issued
    tsa: Issued


def demo_pki(common_name: str, organisation: str, *, now: dt.datetime) -> DemoPki:
    """The demo's CA, its signing certificate and its time-stamping authority (no revocation
    servers: the CA's CRL is made at signing time and embedded)."""
    ca = issue("CA demo (thử nghiệm)", organisation, None, now=now, days=3650, ca=True)
    signer = issue(common_name, organisation, ca, now=now, days=1825)
    tsa = issue("TSA demo (thử nghiệm)", organisation, ca, now=now, days=3650,
                purpose=TIME_STAMPING)
    return DemoPki(ca, signer, tsa)
