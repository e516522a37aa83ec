"""The proposal for a received document from its structure: a Word file read directly, a PDF
(typed, converted from DOC, or OCR'd) read by position; flattened text only as a last resort."""
from __future__ import annotations

from collections.abc import Iterable

from . import IntakeError
from .metadata import Proposal, propose_layout
from .structure import Layout, from_docx, from_pdf, from_plain_text
from .text import page_texts, read_pdf


def document_layout(kind: str, original: bytes, pdf: bytes) -> Layout:
    """The rows of the document: from the DOCX itself when it is one, else from its PDF."""
    if kind == "docx":
        try:
            layout = from_docx(original)
            if layout.first:
                return layout
        except IntakeError:
            pass
    reader = read_pdf(pdf)
    layout = from_pdf(reader)
    if layout.first:
        return layout
    texts = page_texts(reader)
    return from_plain_text(texts[0] if texts else "", "\n".join(texts[-3:]))


def propose_document(kind: str, original: bytes, pdf: bytes, filename: str = "",
                     organs: Iterable[str] = ()) -> tuple[Proposal, Layout]:
    layout = document_layout(kind, original, pdf)
    return propose_layout(layout, filename, organs), layout
