"""Receiving as staff do it in tests: a signed document's PDF, uploads through the receiving
page, and the proposal form as the page fills it in."""
from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

from gazette_app.demo.documents import DemoDocument, render_document_pdf
from gazette_app.models import Receipt
from tests.support.web import csrf_token


def document_pdf(tmp_path: Path, notation: str, abstract: str, *, issuer: str = "UBND tỉnh",
         type_name: str = "Quyết định", issued: date = date(2026, 7, 13), pages: int = 2) -> bytes:
    demo = DemoDocument(notation, issuer, type_name, abstract, issued,
                        "Chủ tịch UBND Nguyễn Đình Việt")
    return render_document_pdf(tmp_path / f"{hashlib.md5(notation.encode()).hexdigest()}.pdf",
                               demo, pages).read_bytes()


def upload(client, files: list[tuple[str, bytes]], together: bool = False):
    data = {"csrf_token": csrf_token(client, "/staff/receive"),
            "files": [(io.BytesIO(content), name) for name, content in files]}
    if together:
        data["together"] = "1"
    return client.post("/staff/receive", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def proposal_form(receipt: Receipt, **changes) -> dict:
    form = {k: v for k, v in receipt.proposal.items() if isinstance(v, str)}
    form.update(changes)
    rows = receipt.relations
    form["relation_rows"] = str(len(rows))
    for index, row in enumerate(rows):
        form |= {f"rel-{index}-confirm": "1", f"rel-{index}-kind": row["kind"],
                 f"rel-{index}-notation": row["target_notation"],
                 f"rel-{index}-date": row["target_date"]}
    return form
