"""Signing the electronic edition of an issue with the configured certificate."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from issues.signing import Attachment, SigningError, sign_edition

from ..models import Issue
from ..storage import get_store
from .documents import SOURCE_SUFFIXES, display_name

SOURCE_ROLES = ("original", "attachment")


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


def sign_issue_pdf(issue: Issue) -> str | None:
    """Store the signed e-edition and return its SHA-256, or None when no certificate is set."""
    config = current_app.config
    if not config["GAZETTE_SIGNING_PKCS12"]:
        return None
    pkcs12 = Path(config["GAZETTE_SIGNING_PKCS12"])
    if not pkcs12.is_file():
        raise SigningError(f"Không tìm thấy chứng thư số tại {pkcs12.name}.")
    store = get_store()
    signed = sign_edition(store.path(issue.pdf_sha256), _attachments(issue), pkcs12,
                          config["GAZETTE_SIGNING_PASSWORD"],
                          reason=f"Công báo điện tử {issue.label}/{issue.year}",
                          location=config["GAZETTE_PROVINCE"])
    return store.put_bytes(signed).sha256
