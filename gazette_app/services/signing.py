"""Signing the electronic edition of an issue with the configured certificate.

Signed by default: outside production, when no certificate is configured, the instance's demo
certificate signs (its name says it has no legal value); in production, publishing without a
usable certificate is refused unless an administrator allows unsigned publication
(GAZETTE_ALLOW_UNSIGNED). A configured certificate that cannot be used is always refused.
"""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import cast

from flask import current_app

from issues.signing import Attachment, SigningError, with_attachments
from issues.signing_demo import is_complete, write_demo_pki
from issues.signing_ltv import LtvError, sign_pades, signature_state

from .. import clock
from ..models import Issue
from ..storage import get_store
from .documents import SOURCE_SUFFIXES, display_name
from .signing_setup import demo_passphrase_path, signing_kit

log = logging.getLogger(__name__)
SOURCE_ROLES = ("original", "attachment")
DEMO_MARK = "(bản demo, không có giá trị pháp lý)"


def _attachments(issue: Issue) -> list[Attachment]:
    """The documents' source files (Word, Excel), named "<notation> - <file name>"."""
    store, found, seen = get_store(), [], set()
    for entry in issue.entries:
        for file in entry.document.files:
            if file.role in SOURCE_ROLES and file.filename.lower().endswith(SOURCE_SUFFIXES):
                name = display_name(f"{entry.document.notation.replace('/', '-')} - "
                                    f"{file.filename}")
                if name in seen:
                    continue
                seen.add(name)
                found.append(Attachment(name, store.path(file.sha256).read_bytes()))
    return found


def ensure_demo_certificate() -> Path:
    """The instance's demo set-up (created once): CN "Công báo <province> (bản demo, không có
    giá trị pháp lý)", its CA and TSA (issues/signing_demo.py), the passphrase beside it (mode
    600). An older demo certificate without a TSA is replaced."""
    pkcs12 = Path(current_app.config["SIGNING_DEMO_PKCS12"])
    secret = demo_passphrase_path(pkcs12)
    if secret.is_file() and is_complete(pkcs12.parent):
        return pkcs12
    pkcs12.parent.mkdir(parents=True, exist_ok=True)
    passphrase = secrets.token_urlsafe(24)
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(passphrase)
    province = current_app.config["GAZETTE_PROVINCE"]
    name = f"Công báo {province} {DEMO_MARK}"
    if len(name.encode()) > 64:  # the most X.509 allows a common name
        name = f"Công báo {DEMO_MARK}"
    write_demo_pki(pkcs12.parent, passphrase, name, f"Văn phòng UBND tỉnh {province}",
                   now=clock.wall_now())
    log.info("created the demo signing certificate %s", pkcs12)
    return pkcs12


def sign_issue_pdf(issue: Issue) -> tuple[str, dict] | None:
    """Store the signed e-edition (PAdES B-LT, B-LTA unless GAZETTE_SIGNING_LTA=false) and
    return its SHA-256 with its validated signature state; None only when unsigned publication
    is allowed (outside production, or by an administrator's GAZETTE_ALLOW_UNSIGNED)."""
    config = current_app.config
    kit = signing_kit()
    if kit is None:
        if config["PRODUCTION"] and not config["SIGNING_ALLOW_UNSIGNED"]:
            raise SigningError("Chưa có chứng thư số để ký bản Công báo điện tử: quản trị viên "
                               "cần cấu hình chứng thư số (GAZETTE_SIGNING_PKCS12 hoặc "
                               "GAZETTE_SIGNING_PKCS11_MODULE), hoặc cho phép phát hành không "
                               "ký số (GAZETTE_ALLOW_UNSIGNED).")
        log.warning("publishing %s/%s without a signed e-edition: no certificate configured",
                    issue.label, issue.year)
        return None
    store = get_store()
    unsigned = with_attachments(store.path(cast(str, issue.pdf_sha256)), _attachments(issue))
    try:
        with kit.signer() as signer:
            signed = sign_pades(unsigned, signer, kit.timestamper, kit.trust,  # type: ignore[arg-type]
                                reason=f"Công báo điện tử {issue.label}/{issue.year}",
                                location=config["GAZETTE_PROVINCE"], lta=kit.lta)
    except LtvError as error:
        raise SigningError(str(error)) from error
    state = signature_state(signed, kit.trust, now=clock.wall_now())
    if state is None or not state.valid:
        raise SigningError("Chữ ký số vừa tạo không hợp lệ khi kiểm tra lại; chưa phát hành.")
    return store.put_bytes(signed).sha256, state.as_json()
