"""Signing through a key held in a token or HSM (PKCS#11), as Vietnamese state bodies do with
their USB tokens: the key never leaves the device; pyHanko's PKCS#11 signer (python-pkcs11)
asks it to sign. The certificate is read from the token (same label as the key unless given)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .signing_ltv import LtvError


@dataclass(frozen=True)
class Pkcs11Key:
    module: str        # path of the PKCS#11 module (.so)
    token_label: str
    key_label: str
    pin: str
    cert_label: str = ""  # the key's label when empty


@contextmanager
def pkcs11_signer(key: Pkcs11Key) -> Iterator:
    """A pyHanko signer on an open session, closed afterwards."""
    try:
        from pkcs11 import PKCS11Error
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.general import SigningError
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError as error:  # pragma: no cover - python-pkcs11 is pinned
        raise LtvError("Thiếu thư viện PKCS#11 (python-pkcs11).") from error
    try:
        session = open_pkcs11_session(key.module, token_criteria=TokenCriteria(
            label=key.token_label), user_pin=key.pin)
    except (PKCS11Error, SigningError, OSError, RuntimeError, ValueError) as error:
        raise LtvError(f"Không mở được thiết bị ký số (token “{key.token_label}”): "
                       f"{type(error).__name__}.") from error
    try:
        # other_certs_to_pull=None: the chain's certificates kept on the token come along
        yield PKCS11Signer(session, key_label=key.key_label,
                           cert_label=key.cert_label or key.key_label, other_certs_to_pull=None)
    finally:
        session.close()
