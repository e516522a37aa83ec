"""Staff pages of the notify-the-issuer step: send a receipt back with what is wrong, print or
e-mail the notice, record that the issuer was told, receive the corrected copy."""
from __future__ import annotations

from urllib.parse import quote

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..jobs import wake
from ..models import Receipt
from ..services import issuer_notices
from .blueprint import bp
from .steps import run_step


def _step(receipt: Receipt, action, success: str):
    return run_step(action, issuer_notices.NoticeError, success,
                    url_for("staff.receipt", receipt_id=receipt.id))


@bp.route("/receipts/<int:receipt_id>/return", methods=["POST"])
def return_receipt(receipt_id: int):
    receipt = db.get_or_404(Receipt, receipt_id)
    problem = request.form.get("problem", "")[:4000]
    return _step(receipt, lambda: issuer_notices.return_to_issuer(
        receipt, problem, current_user._get_current_object()),
        "Đã ghi sai sót; hãy thông báo cho cơ quan ban hành.")


@bp.route("/receipts/<int:receipt_id>/notice")
def receipt_notice(receipt_id: int):
    """The notice to print or send by e-mail."""
    receipt = db.get_or_404(Receipt, receipt_id)
    if receipt.state != "needs_issuer":
        abort(404)
    notice = issuer_notices.notice(receipt)
    mailto = f"mailto:?subject={quote(notice.subject)}&body={quote(notice.body)}"
    return render_template("staff/notice.html", receipt=receipt, notice=notice, mailto=mailto)


@bp.route("/receipts/<int:receipt_id>/notified", methods=["POST"])
def receipt_notified(receipt_id: int):
    receipt = db.get_or_404(Receipt, receipt_id)
    channel = request.form.get("channel", "")[:32]
    return _step(receipt, lambda: issuer_notices.mark_notified(
        receipt, channel, current_user._get_current_object()),
        "Đã ghi nhận việc thông báo cho cơ quan ban hành.")


@bp.route("/receipts/<int:receipt_id>/corrected", methods=["POST"])
def receipt_corrected(receipt_id: int):
    receipt = db.get_or_404(Receipt, receipt_id)
    files: list[tuple[str | None, bytes]] = [
        (upload.filename, upload.read()) for upload in request.files.getlist("files")[:20]
             if upload.filename]
    response = _step(receipt, lambda: issuer_notices.receive_corrected(
        receipt, files, current_user._get_current_object()),
        "Đã tiếp nhận bản đã sửa; đang xử lý. Hạn đăng tính từ bây giờ.")
    wake()
    return response
