"""A local test PKI built during the run, served over HTTP on 127.0.0.1: a root CA, an
intermediate CA, a signer, a time-stamping authority (RFC 3161, pyHanko's DummyTimeStamper
answering real requests), an OCSP responder (cryptography's OCSP builder) and both CAs' CRLs.
Nothing comes from outside; the certificates name these URLs, so pyHanko fetches from them as
it would from a real CA's servers."""
from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from issues.signing_ltv import load_certificates
from issues.signing_pki import OCSP_SIGNING, TIME_STAMPING, Issued, crl, issue

PORTS = range(5900, 5950)  # this project's helpers' range; any free port when all are taken
ORG = "PKI thử nghiệm"


def _bind() -> socket.socket:
    for port in [*PORTS, 0]:
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.1", port))
            return sock
        except OSError:
            sock.close()
    raise RuntimeError("no free port")


@dataclass
class TestPki:
    base: str
    root: Issued
    intermediate: Issued
    signer: Issued
    tsa: Issued
    responder: Issued
    fetches: list[str]  # paths asked for, in order

    @property
    def tsa_url(self) -> str:
        return f"{self.base}/tsa"

    def roots_pem(self) -> bytes:
        return self.root.pem()

    def write_pkcs12(self, path, passphrase: str) -> None:
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            b"signer", self.signer.key, self.signer.cert, [self.intermediate.cert],
            serialization.BestAvailableEncryption(passphrase.encode())))

    def timestamper(self) -> DummyTimeStamper:
        """The TSA in-process, for answering the HTTP requests."""
        der = self.tsa.key.private_bytes(serialization.Encoding.DER,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        return DummyTimeStamper(
            tsa_cert=load_certificates(self.tsa.cert.public_bytes(serialization.Encoding.DER))[0],
            tsa_key=asn1_keys.PrivateKeyInfo.load(der),
            certs_to_embed=load_certificates(self.intermediate.pem()))  # type: ignore[arg-type]

    def ocsp_response(self, body: bytes, now: dt.datetime) -> bytes:
        request = ocsp.load_der_ocsp_request(body)
        known = {c.cert.serial_number: c for c in (self.signer, self.tsa, self.intermediate)}
        subject = known.get(request.serial_number)
        if subject is None or subject.issuer is not self.intermediate:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(serialization.Encoding.DER)
        revoked = self.intermediate.revoked.get(request.serial_number)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=subject.cert, issuer=self.intermediate.cert, algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
            this_update=now - dt.timedelta(minutes=1), next_update=now + dt.timedelta(days=1),
            revocation_time=revoked, revocation_reason=None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, self.responder.cert).certificates(
            [self.responder.cert])
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        return builder.sign(self.responder.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER)


def build(base: str, now: dt.datetime, signer_name: str = "Văn phòng UBND tỉnh (thử nghiệm)",
          tsa_days: int = 3650) -> TestPki:
    root = issue("Root CA thử nghiệm", ORG, None, now=now, days=7300, ca=True)
    intermediate = issue("CA trung gian thử nghiệm", ORG, root, now=now, days=3650, ca=True,
                         crl_url=f"{base}/root.crl")
    status = {"ocsp_url": f"{base}/ocsp", "crl_url": f"{base}/intermediate.crl"}
    signer = issue(signer_name, ORG, intermediate, now=now, days=730, **status)
    tsa = issue("TSA thử nghiệm", ORG, intermediate, now=now, days=tsa_days,
                purpose=TIME_STAMPING, **status)
    responder = issue("OCSP thử nghiệm", ORG, intermediate, now=now, days=365,
                      purpose=OCSP_SIGNING, ocsp_nocheck=True)
    return TestPki(base, root, intermediate, signer, tsa, responder, [])


def _handler(pki: TestPki, clock_now):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet test output
            pass

        def _send(self, body: bytes, kind: str, code: int = 200) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            pki.fetches.append(self.path)
            issuers = {"/root.crl": pki.root, "/intermediate.crl": pki.intermediate}
            if self.path not in issuers:
                return self._send(b"", "text/plain", 404)
            self._send(crl(issuers[self.path], now=clock_now()), "application/pkix-crl")

        def do_POST(self) -> None:  # noqa: N802
            pki.fetches.append(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/ocsp":
                return self._send(pki.ocsp_response(body, clock_now()),
                                  "application/ocsp-response")
            if self.path == "/tsa":
                answer = pki.timestamper().request_tsa_response(tsp.TimeStampReq.load(body))
                return self._send(answer.dump(), "application/timestamp-reply")
            self._send(b"", "text/plain", 404)
    return Handler


@contextmanager
def serve(clock_now, **options) -> Iterator[TestPki]:
    """The PKI's servers running for the duration of the block."""
    sock = _bind()
    host, port = sock.getsockname()
    sock.close()
    pki = build(f"http://{host}:{port}", clock_now(), **options)
    server = ThreadingHTTPServer((host, port), _handler(pki, clock_now))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pki
    finally:
        server.shutdown()
        server.server_close()
