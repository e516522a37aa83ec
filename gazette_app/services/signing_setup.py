"""What signs and what a signature is checked against, from the configuration.

One way to sign: a key (a PKCS#11 token when GAZETTE_SIGNING_PKCS11_MODULE is set, else the
PKCS#12 file GAZETTE_SIGNING_PKCS12, else outside production the instance's demo set-up), a
time-stamping authority (GAZETTE_SIGNING_TSA_URL; the demo's answers in-process) and the trust
roots (GAZETTE_SIGNING_TRUST_ROOTS, a PEM file; the demo's CA). A configured key without a TSA
or trust roots is refused: the e-edition is PAdES B-LT at least, never a bare signature.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from issues.signing import SigningError
from issues.signing_demo import demo_timestamper, demo_trust, is_complete
from issues.signing_ltv import Trust
from issues.signing_pkcs11 import Pkcs11Key, pkcs11_signer

from .. import clock


@dataclass(frozen=True)
class SigningKit:
    signer: Callable[[], AbstractContextManager]  # opens the key: a pyHanko Signer
    timestamper: object                            # a pyHanko TimeStamper
    trust: Trust
    demo: bool
    lta: bool


def demo_passphrase_path(pkcs12: Path) -> Path:
    return pkcs12.with_suffix(".pass")


def _demo_dir() -> Path | None:
    """The demo's directory when the demo may sign (never in production)."""
    pkcs12 = Path(current_app.config["SIGNING_DEMO_PKCS12"])
    if current_app.config["PRODUCTION"] or not demo_passphrase_path(pkcs12).is_file() \
            or not is_complete(pkcs12.parent):
        return None
    return pkcs12.parent


def _demo_passphrase() -> str:
    return demo_passphrase_path(Path(current_app.config["SIGNING_DEMO_PKCS12"])).read_text(
        encoding="utf-8")


def configured_trust() -> Trust | None:
    """The trust roots signatures are validated against (None: none configured)."""
    roots = current_app.config["GAZETTE_SIGNING_TRUST_ROOTS"]
    if roots:
        try:
            return Trust(roots=(Path(roots).read_bytes(),))
        except OSError as error:
            raise SigningError("Không đọc được tệp chứng thư gốc tin cậy "
                               "(GAZETTE_SIGNING_TRUST_ROOTS).") from error
    demo = _demo_dir()
    return demo_trust(demo, _demo_passphrase(), now=clock.wall_now()) if demo else None


def configured_timestamper():
    """The TSA that stamps signatures and documents (None: none configured)."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    url = current_app.config["GAZETTE_SIGNING_TSA_URL"]
    if url:
        return HTTPTimeStamper(url, timeout=30)
    demo = _demo_dir()
    return demo_timestamper(demo, _demo_passphrase()) if demo else None


@contextmanager
def _pkcs12_signer(path: Path, passphrase: str) -> Iterator:
    from pyhanko.sign import signers

    if not path.is_file():
        raise SigningError(f"Không tìm thấy chứng thư số tại {path.name}.")
    try:
        signer = signers.SimpleSigner.load_pkcs12(
            pfx_file=str(path), passphrase=passphrase.encode() if passphrase else None)
    except (OSError, ValueError) as error:
        raise SigningError(f"Không đọc được chứng thư số ({type(error).__name__}).") from error
    if signer is None:
        raise SigningError("Không đọc được chứng thư số: sai mật khẩu hoặc tệp PKCS#12 hỏng.")
    yield signer


def _key() -> tuple[Callable[[], AbstractContextManager], bool] | None:
    """How to open the signing key, and whether it is the demo's."""
    config = current_app.config
    if config["GAZETTE_SIGNING_PKCS11_MODULE"]:
        key = Pkcs11Key(module=config["GAZETTE_SIGNING_PKCS11_MODULE"],
                        token_label=config["GAZETTE_SIGNING_PKCS11_TOKEN"],
                        key_label=config["GAZETTE_SIGNING_PKCS11_KEY"],
                        pin=config["GAZETTE_SIGNING_PKCS11_PIN"],
                        cert_label=config["GAZETTE_SIGNING_PKCS11_CERT"])
        return (lambda: pkcs11_signer(key)), False
    if config["GAZETTE_SIGNING_PKCS12"]:
        path, secret = Path(config["GAZETTE_SIGNING_PKCS12"]), config["GAZETTE_SIGNING_PASSWORD"]
        return (lambda: _pkcs12_signer(path, secret)), False
    demo = _demo_dir()
    if demo is None:
        return None
    path, secret = Path(config["SIGNING_DEMO_PKCS12"]), _demo_passphrase()
    return (lambda: _pkcs12_signer(path, secret)), True


def signing_kit() -> SigningKit | None:
    """What signs now, or None when no key is configured (the caller decides if that is
    allowed)."""
    found = _key()
    if found is None:
        return None
    opener, demo = found
    timestamper, trust = configured_timestamper(), configured_trust()
    if timestamper is None:
        raise SigningError("Chưa cấu hình dịch vụ cấp dấu thời gian (GAZETTE_SIGNING_TSA_URL): "
                           "bản Công báo điện tử cần chữ ký có giá trị dài hạn.")
    if trust is None:
        raise SigningError("Chưa cấu hình chứng thư gốc tin cậy (GAZETTE_SIGNING_TRUST_ROOTS) "
                           "để kiểm tra chữ ký số.")
    return SigningKit(opener, timestamper, trust, demo, current_app.config["SIGNING_LTA"])
