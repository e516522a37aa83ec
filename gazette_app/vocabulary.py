"""Controlled vocabularies of the gazette: statuses of validity, issuers' levels.

Codes are stored; Vietnamese labels are shown. Synonyms seen in real feeds are accepted.
"""
from __future__ import annotations

from search_index.analysis import fold_key, issuer_level, nfc  # noqa: F401 - issuer_level

# lives with the analysis (the search engine ranks the province's organs first) and is
# imported from here by the app

STATUS_LABELS: dict[str, str] = {
    "in_force": "Còn hiệu lực",
    "not_yet_in_force": "Chưa có hiệu lực",
    "expired": "Hết hiệu lực toàn bộ",
    "partly_expired": "Hết hiệu lực một phần",
    "suspended": "Ngưng hiệu lực",
    "partly_suspended": "Ngưng hiệu lực một phần",
}
_STATUS_SYNONYMS = {fold_key(label): code for code, label in STATUS_LABELS.items()} | {
    fold_key("Đang hiệu lực"): "in_force",
    fold_key("Có hiệu lực"): "in_force",
    fold_key("Hết hiệu lực"): "expired",
    fold_key("Ngưng hiệu lực toàn bộ"): "suspended",
}


def status_code(label: str | None) -> str | None:
    """Map a status as written in a feed ("Đang hiệu lực") to its code, None if unknown."""
    if not label:
        return None
    key = fold_key(label)
    if key in STATUS_LABELS:
        return key
    return _STATUS_SYNONYMS.get(key)


LEVEL_WORDS = ("tinh", "xa", "phuong", "huyen", "thi", "thanh")


def issuer_display_name(raw: str) -> str:
    """"UBND Tỉnh" -> "UBND tỉnh": the level word (tỉnh, xã, phường) is written in lower case;
    any other second word keeps its capital ("Sở Tài chính", issue 21)."""
    words = nfc(raw).split(" ")
    if len(words) > 1 and fold_key(words[1]) in LEVEL_WORDS:
        words[1] = words[1].lower()
    return " ".join(words)


# What the audit trail records, in the words of the office (the codes stay in the database).
AUDIT_ACTIONS: dict[str, str] = {
    "api_key.create": "Tạo khoá API",
    "api_key.revoke": "Thu hồi khoá API",
    "auth.login": "Đăng nhập",
    "auth.login_failed": "Đăng nhập sai mật khẩu",
    "auth.login_refused": "Đăng nhập bị từ chối",
    "auth.logout": "Đăng xuất",
    "document.attach_pdf": "Gắn tệp PDF",
    "document.attach_source": "Gắn tệp nguồn",
    "document.import": "Nhập văn bản từ dữ liệu",
    "document.register": "Vào sổ văn bản",
    "document.review": "Xem xét trùng lặp",
    "document.status": "Đổi tình trạng hiệu lực",
    "document.update": "Sửa thông tin văn bản",
    "feedback.answer": "Trả lời góp ý",
    "feedback.create": "Nhận góp ý",
    "instance.backup": "Sao lưu",
    "instance.restore": "Phục hồi từ bản sao lưu",
    "issue.approve": "Duyệt số Công báo",
    "issue.compose": "Dàn trang số Công báo",
    "issue.create": "Tạo số Công báo",
    "issue.publish": "Phát hành số Công báo",
    "issue.reorder": "Đổi thứ tự văn bản trong số",
    "issue.unapprove": "Trả số đã duyệt về bản nháp",
    "past_issue.confirm": "Xác nhận trang văn bản của số cũ",
    "past_issue.read": "Đọc tệp PDF số Công báo cũ",
    "past_issue.register": "Đăng ký số Công báo cũ",
    "news.create": "Đăng tin",
    "receipt.create": "Tiếp nhận hồ sơ",
    "receipt.discard": "Huỷ hồ sơ tiếp nhận",
    "receipt.return": "Ghi sai sót, gửi lại cơ quan ban hành",
    "receipt.notify": "Thông báo cho cơ quan ban hành",
    "receipt.corrected": "Nhận bản sửa của cơ quan ban hành",
    "store.verify": "Kiểm tra toàn vẹn kho tệp",
    "user.create": "Tạo tài khoản",
    "user.password": "Đổi mật khẩu",
    "user.update": "Sửa tài khoản",
    "title.add": "Thêm tên Công báo tỉnh cũ",
    "volume.build": "Đóng tập lưu trữ",
}
# Fields of the audit records' before/after, as staff read them.
AUDIT_FIELDS: dict[str, str] = {
    "notation": "Số, ký hiệu", "doc_type": "Loại văn bản", "abstract": "Trích yếu",
    "signer": "Người ký", "issued": "Ngày ban hành", "effective": "Ngày hiệu lực",
    "expires": "Ngày hết hiệu lực", "field": "Lĩnh vực", "status": "Tình trạng hiệu lực",
    "recorded_status": "Tình trạng theo hồ sơ", "state": "Trạng thái", "review": "Xem xét",
    "legal": "Văn bản QPPL", "issuer": "Cơ quan ban hành", "numbers": "Số", "date": "Ngày",
    "pdf_sha256": "Mã kiểm tra PDF", "signed_pdf_sha256": "Mã kiểm tra bản ký số",
    "page_count": "Số trang", "first_page": "Trang đầu", "documents": "Văn bản",
    "username": "Tên đăng nhập", "role": "Vai trò", "active": "Đang hoạt động",
    "full_name": "Họ tên", "name": "Tên", "rate": "Giới hạn", "title": "Tiêu đề",
    "channel": "Kênh", "ok": "Kết quả", "files": "Số tệp", "missing": "Tệp thiếu",
    "altered": "Tệp bị sửa", "filename": "Tên tệp", "sha256": "Mã kiểm tra",
    "content_sha256": "Mã nội dung", "manifest_sha256": "Mã bản kê", "issues": "Các số",
    "label": "Tên tập", "pages": "Số trang", "sheets": "Số tờ giấy",
}


def document_title(doc_type: str, notation: str, issuer: str) -> str:
    """A document's name as the public says it: "Nghị quyết số 21/NQ-HĐND của HĐND xã Chiềng
    Hặc". The issuer is part of it: the same notation is used by the province and communes."""
    return f"{doc_type} số {notation} của {issuer}"


# The design system's tag colour for each status (green: in force, grey: no longer).
STATUS_TAGS: dict[str, str] = {
    "in_force": " govuk-tag--green",
    "not_yet_in_force": " govuk-tag--blue",
    "expired": " govuk-tag--grey",
    "partly_expired": " govuk-tag--yellow",
    "suspended": " govuk-tag--orange",
    "partly_suspended": " govuk-tag--yellow",
}

# A relation's label seen from its source and from its target.
RELATION_LABELS = {
    "amends": ("Sửa đổi, bổ sung", "Được sửa đổi, bổ sung bởi"),
    "replaces": ("Thay thế", "Bị thay thế bởi"),
    "repeals": ("Bãi bỏ", "Bị bãi bỏ bởi"),
    "suspends": ("Ngưng hiệu lực", "Bị ngưng hiệu lực bởi"),
    "corrects": ("Đính chính", "Được đính chính bởi"),
    "guides": ("Hướng dẫn", "Được hướng dẫn bởi"),
}
