"""What a file really is, by its content (never by its name), and whether it is safe to open."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from . import IntakeError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and Excel 97-2003
MAX_UNZIPPED = 200 * 1024 * 1024  # an Office file unzipping past this is treated as a bomb
MAX_RATIO = 200  # compression ratio beyond which a member is treated as a bomb


@dataclass(frozen=True)
class Kind:
    name: str  # pdf | docx | doc | xlsx | xls
    media_type: str
    suffix: str


KINDS = {
    "pdf": Kind("pdf", "application/pdf", ".pdf"),
    "docx": Kind("docx", "application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document", ".docx"),
    "xlsx": Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".xlsx"),
    "doc": Kind("doc", "application/msword", ".doc"),
    "xls": Kind("xls", "application/vnd.ms-excel", ".xls"),
}


def sniff(data: bytes, filename: str = "") -> Kind:
    """The kind of file by its bytes; refuses anything else with a clear message."""
    if not data:
        raise IntakeError("Tệp rỗng (0 byte).")
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-":
        return KINDS["pdf"]
    if head[:4] == b"PK\x03\x04":
        return _office_zip(data)
    if head[:8] == OLE2:
        # Word and Excel 97-2003 share the container; the name decides between them.
        return KINDS["xls"] if filename.lower().endswith((".xls", ".xlt")) else KINDS["doc"]
    raise IntakeError("Tệp không phải PDF, Word hay Excel (nội dung không đúng định dạng; "
                      "đổi tên tệp không đổi được loại tệp).")


def _office_zip(data: bytes) -> Kind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise IntakeError("Tệp Word/Excel bị hỏng (không mở được gói nén).") from None
    total = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if total > MAX_UNZIPPED or total / packed > MAX_RATIO or len(members) > 10_000:
        raise IntakeError("Tệp Word/Excel bất thường (giải nén quá lớn): từ chối để bảo vệ hệ "
                          "thống.")
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return KINDS["docx"]
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return KINDS["xlsx"]
    raise IntakeError("Tệp nén không phải Word (.docx) hay Excel (.xlsx).")


# Office content that runs or fetches something when the file is opened: macros, ActiveX
# controls, and relationships to outside files (a remote template, linked objects, frames).
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_EXTERNAL_TARGET = re.compile(rb'<Relationship\b[^>]*TargetMode="External"[^>]*>', re.I)
_RELATION_TYPE = re.compile(rb'Type="[^"]*/([A-Za-z]+)"')
_OLE2_MACRO_STORAGES = ("_VBA_PROJECT".encode("utf-16-le"), "Macros".encode("utf-16-le"))
MAX_RELS_BYTES = 5 * 1024 * 1024


def office_hazards(data: bytes, kind: str) -> list[str]:
    """What in a Word/Excel file must not reach the public as it came (Vietnamese, for staff);
    empty for an ordinary file. External hyperlinks are ordinary and not reported."""
    if kind in ("doc", "xls"):
        return ["macro (VBA)"] if any(s in data for s in _OLE2_MACRO_STORAGES) else []
    if kind not in ("docx", "xlsx"):
        return []
    found: list[str] = []
    archive = zipfile.ZipFile(io.BytesIO(data))
    for member in archive.infolist():
        name = member.filename.lower()
        if name.rsplit("/", 1)[-1] in _MACRO_PARTS and "macro (VBA)" not in found:
            found.append("macro (VBA)")
        elif name.startswith(("word/activex/", "xl/activex/")) \
                and "điều khiển ActiveX" not in found:
            found.append("điều khiển ActiveX")
        elif name.endswith(".rels") and member.file_size <= MAX_RELS_BYTES:
            for relation in _EXTERNAL_TARGET.findall(archive.read(member)):
                kind_match = _RELATION_TYPE.search(relation)
                target = kind_match.group(1).decode() if kind_match else "?"
                label = f"liên kết ra ngoài ({target})"
                if target != "hyperlink" and label not in found:
                    found.append(label)
    types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in archive.namelist() \
        else b""
    if b"macroEnabled" in types and "macro (VBA)" not in found:
        found.append("macro (VBA)")
    return found
