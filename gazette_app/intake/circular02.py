"""What Circular 02/2025/TT-VPCP (Art. 5, as summarised from its text) asks of the body that
sends a document for the gazette, checked on receipt: the original comes with an editable
electronic copy; the document's recipients ("Nơi nhận") include the Công báo; the top of the
document says it is sent for the e-gazette. A missing item is shown and counted; it never
refuses the document (the office asks the sender, as for any other shortcoming)."""
from __future__ import annotations

import re
from collections.abc import Iterable

from search_index.analysis import fold

from .metadata import MARKING, recipients
from .structure import Layout

EDITABLE_KINDS = ("docx", "doc")
CHECKS = {
    "editable_copy": "không có bản điện tử chỉnh sửa được (DOC, DOCX) gửi kèm bản gốc",
    "recipients": "“Nơi nhận” không có Công báo",
    "marking": "đầu văn bản không ghi gửi đăng Công báo điện tử",
}
CIRCULAR = "Thông tư 02/2025/TT-VPCP"
_CONG_BAO = re.compile(r"\bcong bao\b")
TOP_ROWS = 12  # rows of the first page read for the e-gazette marking


def missing(kinds: Iterable[str], layout: Layout) -> list[str]:
    """Codes of ``CHECKS`` the receipt lacks, in the order of ``CHECKS``."""
    found = []
    if not any(kind in EDITABLE_KINDS for kind in kinds):
        found.append("editable_copy")
    sent_to = fold(" ".join(recipients(layout.last, layout.positioned))).lower()
    if not _CONG_BAO.search(sent_to):
        found.append("recipients")
    top = [segment.text for row in layout.first[:TOP_ROWS] for segment in row]
    if not any(MARKING.search(fold(text).upper()) for text in top):
        found.append("marking")
    return found


def receipt_line(codes: list[str]) -> str:
    """The line on the receipt (Vietnamese), "" when nothing is missing."""
    if not codes:
        return ""
    return f"Theo {CIRCULAR}: " + "; ".join(CHECKS[c] for c in codes if c in CHECKS) + \
        " (đã tiếp nhận; đề nghị cơ quan ban hành bổ sung)."
