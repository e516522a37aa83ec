"""Errors found on receipt, sent back to the issuer (Decree 34/2016/NĐ-CP Art. 91(1)-(2)).

The office registers and keeps every document sent for publication; when it finds an error on
receipt it notifies the issuing body at once, and the issuing body sends the official copy the
same day. So: staff mark a receipt "cần cơ quan ban hành xử lý" with what is wrong; the notice
(printable, or as an e-mail) is generated in Vietnamese; staff record when and how the issuer
was told; the corrected copy is received against the same receipt (the first files are kept to
compare) and the publication deadline counts from it. Each step is in the receipt's history.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from print_templates.dates import short_date

from .. import clock
from ..extensions import db
from ..intake import IntakeError
from ..intake.checks import DOCUMENT_KINDS, check_file
from ..jobs import enqueue
from ..models import Receipt, User
from ..models.types import utcnow
from .audit import record
from .receiving import store_group

CHANNELS = {"email": "thư điện tử", "phone": "điện thoại", "letter": "công văn giấy",
            "system": "hệ thống quản lý văn bản"}
MAX_PROBLEM = 2000


class NoticeError(ValueError):
    """A refused step; the message is Vietnamese, for staff."""


def return_to_issuer(receipt: Receipt, problem: str, actor: User | None) -> None:
    """Mark the receipt as needing the issuer: what is wrong, from now."""
    if receipt.state not in ("proposed", "failed"):
        raise NoticeError("Chỉ hồ sơ đang chờ xác nhận hoặc không xử lý được mới gửi lại cơ "
                          "quan ban hành được.")
    problem = " ".join((problem or "").split())
    if not problem:
        raise NoticeError("Cần ghi sai sót phát hiện khi tiếp nhận.")
    if len(problem) > MAX_PROBLEM:
        raise NoticeError(f"Nội dung sai sót dài quá {MAX_PROBLEM} ký tự.")
    receipt.state, receipt.issuer_problem, receipt.problem_at = "needs_issuer", problem, utcnow()
    receipt.notified_at, receipt.notified_via = None, ""
    record("receipt.return", "receipt", receipt.id, actor=actor, note=problem)
    db.session.commit()


def mark_notified(receipt: Receipt, channel: str, actor: User | None) -> None:
    """Record that the issuer was told, and how."""
    if receipt.state != "needs_issuer":
        raise NoticeError("Hồ sơ này không chờ cơ quan ban hành xử lý.")
    if channel not in CHANNELS:
        raise NoticeError("Chọn cách thông báo cho cơ quan ban hành.")
    receipt.notified_at, receipt.notified_via = utcnow(), channel
    record("receipt.notify", "receipt", receipt.id, actor=actor,
           note=f"đã thông báo qua {CHANNELS[channel]}")
    db.session.commit()


def receive_corrected(receipt: Receipt, files: list[tuple[str | None, bytes]],
                      actor: User | None) -> None:
    """The issuer's corrected copy, against the same receipt: checked like any file, stored
    unchanged, processed again; the earlier files stay in ``superseded_files``."""
    if receipt.state != "needs_issuer":
        raise NoticeError("Hồ sơ này không chờ bản sửa của cơ quan ban hành.")
    if not files:
        raise NoticeError("Chưa chọn tệp bản đã sửa.")
    checked = []
    for filename, data in files[:20]:
        try:
            checked.append(check_file(filename, data, current_app.config["MAX_FILE_BYTES"]))
        except IntakeError as error:
            raise NoticeError(f"Không tiếp nhận “{filename}”: {error}") from None
    if checked[0][1].name not in DOCUMENT_KINDS:
        raise NoticeError("Tệp đầu tiên phải là văn bản chính (PDF, DOC, DOCX).")
    stored = store_group([(name, kind, data) for (name, kind), (_, data)
                          in zip(checked, files, strict=False)])
    receipt.superseded_files = list(receipt.superseded_files or []) + [
        dict(entry, superseded_at=utcnow().isoformat()) for entry in receipt.files]
    receipt.files, receipt.corrected_at, receipt.state = stored, utcnow(), "queued"
    receipt.pdf_sha256 = receipt.pdf_pages = None
    receipt.proposal, receipt.relations, receipt.text, receipt.message = {}, [], "", ""
    receipt.ocr = False
    enqueue("receive", receipt_id=receipt.id)
    record("receipt.corrected", "receipt", receipt.id, actor=actor,
           after={"files": [f"{f['filename']} ({f['sha256'][:12]})" for f in stored]})
    db.session.commit()


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str


def notice(receipt: Receipt) -> Notice:
    """The notice to the issuer, in Vietnamese: what was received, what is wrong, what to do."""
    office = current_app.config.get("GAZETTE_OFFICE_NAME") or \
        f"Văn phòng UBND tỉnh {current_app.config['GAZETTE_PROVINCE']}"
    name = receipt.main_file.get("filename", f"hồ sơ {receipt.id}")
    proposal = receipt.proposal or {}
    what = f"{proposal.get('doc_type') or 'văn bản'} số {proposal['number']}" \
        if proposal.get("number") else f"tệp “{name}”"
    local = receipt.received_at.astimezone(clock.zone())
    received = f"{local:%H:%M} ngày {short_date(local.date())}"
    issuer = proposal.get("issuer") or "cơ quan ban hành"
    subject = f"Thông báo sai sót văn bản gửi đăng Công báo: {what}"
    body = (f"Kính gửi: {issuer}.\n\n"
            f"{office} (cơ quan Công báo) đã tiếp nhận {what} lúc {received} "
            f"(hồ sơ tiếp nhận số {receipt.id}).\n\n"
            f"Khi tiếp nhận, cơ quan Công báo phát hiện: {receipt.issuer_problem}\n\n"
            "Theo Điều 91 Nghị định số 34/2016/NĐ-CP, đề nghị quý cơ quan kiểm tra và gửi lại "
            "bản chính thức của văn bản ngay trong ngày. Thời hạn đăng Công báo được tính từ "
            "khi nhận được bản đã sửa.\n\nTrân trọng.")
    return Notice(subject, body)

