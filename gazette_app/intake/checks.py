"""What is checked of a file while the sender waits: its name, its size, its real type, and
that a PDF opens. Anything slower (conversion, OCR, text) is the receive job's."""
from __future__ import annotations

import unicodedata

from . import IntakeError
from .files import Kind, sniff
from .text import read_pdf

DOCUMENT_KINDS = ("pdf", "docx", "doc")  # a main file; spreadsheets only come as annexes


def shown_name(raw: str | None) -> str:
    """A file name fit to repeat in a message: control characters and folders dropped."""
    name = "".join(ch for ch in (raw or "") if unicodedata.category(ch)[0] != "C")
    return name.replace("\\", "/").rsplit("/", 1)[-1][:120] or "(không tên)"


def check_filename(raw: str | None) -> str:
    """The name as the sender gave it, refused when it tries to be a path or hides characters.
    It is only ever shown and stored as text; the file system sees the SHA-256."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise IntakeError("Tệp không có tên.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in name):
        raise IntakeError("Tên tệp chứa ký tự điều khiển; hãy đổi tên tệp rồi gửi lại.")
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise IntakeError("Tên tệp không được chứa đường dẫn (“/”, “\\”, “..”) hoặc bắt đầu bằng "
                          "dấu chấm; hãy đổi tên tệp rồi gửi lại.")
    if len(name) > 255:
        raise IntakeError("Tên tệp dài quá 255 ký tự.")
    return name


def check_file(filename: str | None, data: bytes, limit: int) -> tuple[str, Kind]:
    """Everything that can be checked at once: name, size (at most ``limit`` bytes), real
    type, a PDF that opens."""
    name = check_filename(filename)
    if len(data) > limit:
        size = f"{limit / 1048576:g} MB" if limit >= 1048576 else f"{limit // 1024} KB"
        raise IntakeError(f"Tệp lớn hơn giới hạn {size}.")
    kind = sniff(data, name)
    if kind.name == "pdf":
        read_pdf(data)  # refuses a broken or password-protected PDF now, not in the job
    return name, kind
