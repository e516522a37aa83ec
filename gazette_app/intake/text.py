"""Text of a PDF (pypdf), normalised to NFC; scans without a text layer; legacy encodings."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from issues.active_content import clean_pdf
from search_index.analysis import nfc

from . import IntakeError

MIN_CHARS_PER_PAGE = 40  # below this on average, a page is taken for a scan
# Letters that TCVN3 (ABC) fonts put where Vietnamese letters should be: "ViÖt", "Céng", "§éc".
_TCVN3 = set("¸µ¶·¹¨©ª«¬®¯°±²³´½¾ÆÇÈÉÊËÌÎÏÑÒÓÔÕÖ×ØÜÝÞß§")
# VNI fonts write the marks as separate Latin-1 letters after the vowel: "Vieät", "Coäng hoøa".
_VNI = re.compile(r"[aeiouyAEIOUY][øùûõïäåëöâêôñ]")


def read_pdf(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IntakeError("Tệp PDF có mật khẩu; cần bản không khoá.")
        if not reader.pages:
            raise IntakeError("Tệp PDF không có trang nào.")
        return reader
    except IntakeError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError):
        raise IntakeError("Tệp PDF bị hỏng, không đọc được.") from None


def clean_rendition(data: bytes) -> tuple[bytes, list[str]]:
    """The PDF fit for the public and for issues (``data`` itself when it has no active
    content) and what was removed; refuses a PDF too broken to rewrite."""
    try:
        return clean_pdf(data)
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        raise IntakeError("Tệp PDF có cấu trúc hỏng: không tạo được bản sạch để công bố.") from None


def page_texts(reader: PdfReader) -> list[str]:
    texts = []
    for page in reader.pages:
        try:
            texts.append(nfc_lines(page.extract_text() or ""))
        except (PyPdfError, ValueError, KeyError, TypeError):
            texts.append("")
    return texts


def nfc_lines(text: str) -> str:
    """NFC per line, keeping the line breaks (they carry the document's structure)."""
    return "\n".join(nfc(line) for line in text.splitlines() if line.strip())


def needs_ocr(texts: list[str]) -> bool:
    return sum(len(t) for t in texts) < MIN_CHARS_PER_PAGE * max(1, len(texts))


def legacy_encoding(text: str) -> str | None:
    """"TCVN3" or "VNI" when the text looks typed with those old 8-bit fonts, else None."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return None
    scores = {"TCVN3": sum(c in _TCVN3 for c in text) / len(letters),
              "VNI": len(_VNI.findall(text)) / len(letters)}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] > 0.02 else None
