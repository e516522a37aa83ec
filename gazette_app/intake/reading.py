"""The proposal for a received document from its structure: a Word file read directly, a PDF
(typed, converted from DOC, or OCR'd) read by position; flattened text only as a last resort."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from . import IntakeError
from .metadata import Proposal, propose_layout
from .structure import Layout, from_docx, from_pdf, from_pdftotext, from_plain_text
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
    layout = from_pdftotext(pdf, len(reader.pages))  # an OCR text layer
    if layout.first:
        return layout
    texts = page_texts(reader)
    return from_plain_text(texts[0] if texts else "", "\n".join(texts[-3:]))


def propose_document(kind: str, original: bytes, pdf: bytes, filename: str = "",
                     organs: Iterable[str] = (), ocr: bool = False) -> tuple[Proposal, Layout]:
    """The proposal and the rows it was read from; ``ocr``: the text came from OCR, whose
    stray specks read as punctuation inside the title are dropped."""
    layout = document_layout(kind, original, pdf)
    proposal = propose_layout(layout, filename, organs)
    if ocr:
        proposal.abstract = ocr_punctuation(proposal.abstract)
    return proposal, layout


# Specks OCR reads as punctuation where no typist puts any: "2021.của" (a full stop glued
# between a number and a lower-case word), "tháng, 7" (a comma inside a written date).
_GLUED_STOP = re.compile(r"(?<=[0-9])[.,](?=[a-zà-ỹđ])")
_DATE_WORD_MARK = re.compile(r"\b(ngày|tháng|năm)[,.;:](?= [0-9])")


def ocr_punctuation(text: str) -> str:
    text = _GLUED_STOP.sub(" ", text)
    return _DATE_WORD_MARK.sub(r"\1", text)


def with_sender_metadata(proposal: Proposal, sent: dict) -> list[str]:
    """Fill the fields the document left blank with what the sender's system said (a value
    the sender gave is not invented), and say where the two disagree (Vietnamese notes)."""
    notes = []
    labels = {"number": "số, ký hiệu", "type_name": "loại", "issued": "ngày ban hành",
              "abstract": "trích yếu", "signer": "người ký"}
    for name, label in labels.items():
        value: object = sent.get(name) or ""
        if not value:
            continue
        if name == "issued":
            try:
                value = date.fromisoformat(str(value))
            except ValueError:
                notes.append(f"Cơ quan gửi ghi {label} “{sent[name]}” không đọc được.")
                continue
        current = getattr(proposal, name)
        if not current:
            setattr(proposal, name, value)
        elif current != value:
            notes.append(f"Cơ quan gửi ghi {label} “{sent[name]}”, văn bản ghi “{current}”.")
    return notes
