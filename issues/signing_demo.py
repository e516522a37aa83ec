"""The demo's signing set-up, in one directory: a CA, its signing certificate (PKCS#12, the CA
in its chain) and a time-stamping authority whose key answers timestamp requests in-process
(pyHanko's DummyTimeStamper). At each signing the CA issues a fresh CRL, embedded with the
signature, so the demo's e-editions are PAdES B-LTA and LTV-enabled like a real province's.
Every name says "demo"; none of it has legal value."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import load_pem_x509_certificate

from .signing_ltv import Trust, load_certificates
from .signing_pki import Issued, crl, demo_pki

SIGNER_FILE, CA_FILE, CA_KEY_FILE, TSA_FILE = (
    "demo-certificate.p12", "demo-ca.pem", "demo-ca-key.pem", "demo-tsa.p12")


def write_demo_pki(directory: Path, passphrase: str, common_name: str, organisation: str, *,
                   now: dt.datetime) -> Path:
    """Create the demo's files (keys encrypted with ``passphrase``); returns the signer's."""
    pki = demo_pki(common_name, organisation, now=now)
    encryption = serialization.BestAvailableEncryption(passphrase.encode())
    directory.mkdir(parents=True, exist_ok=True)
    (directory / CA_FILE).write_bytes(pki.ca.pem())
    (directory / CA_KEY_FILE).write_bytes(pki.ca.key_pem(passphrase))
    (directory / TSA_FILE).write_bytes(pkcs12.serialize_key_and_certificates(
        b"tsa", pki.tsa.key, pki.tsa.cert, [pki.ca.cert], encryption))
    (directory / SIGNER_FILE).write_bytes(pkcs12.serialize_key_and_certificates(
        common_name.encode(), pki.signer.key, pki.signer.cert, [pki.ca.cert], encryption))
    return directory / SIGNER_FILE


def is_complete(directory: Path) -> bool:
    return all((directory / name).is_file() for name in (SIGNER_FILE, CA_FILE, CA_KEY_FILE,
                                                         TSA_FILE))


def demo_timestamper(directory: Path, passphrase: str):
    """The demo TSA, answering in-process."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key, cert, _ = pkcs12.load_key_and_certificates((directory / TSA_FILE).read_bytes(),
                                                    passphrase.encode())
    assert key is not None and cert is not None
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return DummyTimeStamper(
        tsa_cert=load_certificates(cert.public_bytes(serialization.Encoding.DER))[0],
        tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
        certs_to_embed=load_certificates((directory / CA_FILE).read_bytes()))  # type: ignore[arg-type]


def demo_trust(directory: Path, passphrase: str, *, now: dt.datetime) -> Trust:
    """The demo CA as the only root, with the CRL it issues now (nothing to fetch)."""
    ca_pem = (directory / CA_FILE).read_bytes()
    key = serialization.load_pem_private_key((directory / CA_KEY_FILE).read_bytes(),
                                             passphrase.encode())
    assert isinstance(key, rsa.RSAPrivateKey)
    ca = Issued(load_pem_x509_certificate(ca_pem), key)
    return Trust(roots=(ca_pem,), crls=(crl(ca, now=now, days=30),), allow_fetching=False)
