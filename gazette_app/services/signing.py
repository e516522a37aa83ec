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
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from flask import current_app

from issues.signing import Attachment, SigningError, create_pkcs12, sign_edition

from .. import clock
from ..models import Issue
from ..storage import get_store
from .documents import SOURCE_SUFFIXES, display_name

log = logging.getLogger(__name__)
SOURCE_ROLES = ("original", "attachment")
DEMO_MARK = "(bản demo, không có giá trị pháp lý)"


@dataclass(frozen=True)
class Credentials:
    pkcs12: Path
    passphrase: str
    demo: bool


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


def _demo_passphrase_path(pkcs12: Path) -> Path:
    return pkcs12.with_suffix(".pass")


def ensure_demo_certificate() -> Path:
    """The instance's demo certificate (created once): CN "Công báo <province> (bản demo,
    không có giá trị pháp lý)", its passphrase beside it (mode 600)."""
    pkcs12 = Path(current_app.config["SIGNING_DEMO_PKCS12"])
    secret = _demo_passphrase_path(pkcs12)
    if pkcs12.is_file() and secret.is_file():
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
    ca_pem = create_pkcs12(pkcs12, passphrase, name, f"Văn phòng UBND tỉnh {province}",
                           now=clock.now())
    pkcs12.with_name("demo-ca.pem").write_bytes(ca_pem)
    log.info("created the demo signing certificate %s", pkcs12)
    return pkcs12


def credentials() -> Credentials | None:
    """The certificate that signs now, or None when there is none to use."""
    config = current_app.config
    if config["GAZETTE_SIGNING_PKCS12"]:
        return Credentials(Path(config["GAZETTE_SIGNING_PKCS12"]),
                           config["GAZETTE_SIGNING_PASSWORD"], demo=False)
    demo = Path(config["SIGNING_DEMO_PKCS12"])
    if not config["PRODUCTION"] and demo.is_file() and _demo_passphrase_path(demo).is_file():
        return Credentials(demo, _demo_passphrase_path(demo).read_text(encoding="utf-8"),
                           demo=True)
    return None


def sign_issue_pdf(issue: Issue) -> str | None:
    """Store the signed e-edition and return its SHA-256; None only when unsigned publication
    is allowed (outside production, or by an administrator's GAZETTE_ALLOW_UNSIGNED)."""
    config = current_app.config
    found = credentials()
    if found is None:
        if config["PRODUCTION"] and not config["SIGNING_ALLOW_UNSIGNED"]:
            raise SigningError("Chưa có chứng thư số để ký bản Công báo điện tử: quản trị viên "
                               "cần cấu hình chứng thư số (GAZETTE_SIGNING_PKCS12), hoặc cho "
                               "phép phát hành không ký số (GAZETTE_ALLOW_UNSIGNED).")
        log.warning("publishing %s/%s without a signed e-edition: no certificate configured",
                    issue.label, issue.year)
        return None
    if not found.pkcs12.is_file():
        raise SigningError(f"Không tìm thấy chứng thư số tại {found.pkcs12.name}.")
    store = get_store()
    signed = sign_edition(store.path(cast(str, issue.pdf_sha256)), _attachments(issue),
                          found.pkcs12, found.passphrase,
                          reason=f"Công báo điện tử {issue.label}/{issue.year}",
                          location=config["GAZETTE_PROVINCE"])
    return store.put_bytes(signed).sha256
