"""Staff pages of receiving: upload (several files, drag and drop), progress, confirm the
proposed metadata and relations, register."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..inputs import bounded_count
from ..intake.circular02 import CHECKS
from ..jobs import wake
from ..models import Document, Receipt
from ..services import receiving, relations
from ..services.deadlines import due_date
from ..services.issuer_notices import CHANNELS
from ..storage import send_stored
from .blueprint import bp

MAX_RELATION_ROWS = 1000  # rows of relations one registration may carry (the form: a few dozen)
MANUAL_RELATIONS = 2  # empty rows for relations the extractor missed


@bp.route("/receive", methods=["GET", "POST"])
def receive():
    if request.method == "POST":
        uploads = [f for f in request.files.getlist("files") if f.filename or f.content_length]
        if not uploads:
            flash("Chưa chọn tệp nào.", "error")
            return redirect(url_for(".receive"))
        files = [(upload.filename, upload.read()) for upload in uploads]
        result = receiving.receive(files, together=request.form.get("together") == "1",
                                   actor=current_user._get_current_object())
        if result.receipts:
            wake()
            flash(f"Đã tiếp nhận {len(result.receipts)} văn bản; đang xử lý.", "success")
        for name, reason in result.refused:
            flash(f"Không tiếp nhận “{name}”: {reason}", "error")
        if len(result.receipts) == 1 and not result.refused:
            return redirect(url_for(".receipt", receipt_id=result.receipts[0].id))
        return redirect(url_for(".receive"))
    recent = db.session.scalars(select(Receipt).order_by(Receipt.id.desc()).limit(50)).all()
    busy = any(r.state in ("queued", "processing") for r in recent)
    return render_template("staff/receive.html", recent=recent, busy=busy, due_date=due_date)


@bp.route("/receipts/<int:receipt_id>")
def receipt(receipt_id: int):
    item = db.get_or_404(Receipt, receipt_id)
    return _receipt_page(item, item.proposal, {})


def _receipt_page(item: Receipt, form: dict, errors: dict, status: int = 200):
    targets = {row["target_id"]: db.session.get(Document, row["target_id"])
               for row in item.relations if row.get("target_id")}
    return render_template("staff/receipt.html", receipt=item, form=form, errors=errors,
                           targets=targets, kinds=relations.RELATION_KINDS,
                           manual_rows=MANUAL_RELATIONS, due=due_date(item.deadline_from),
                           channels=CHANNELS, circular_checks=CHECKS), status


@bp.route("/receipts/<int:receipt_id>/progress")
def receipt_progress(receipt_id: int):
    item = db.get_or_404(Receipt, receipt_id)
    job = item.job
    return jsonify(state=item.state, label=item.state_label,
                   progress=job.progress if job else 0, step=job.step if job else "")


@bp.route("/receipts/<int:receipt_id>/pdf")
def receipt_pdf(receipt_id: int):
    item = db.get_or_404(Receipt, receipt_id)
    if not item.pdf_sha256:
        abort(404)
    return send_stored(item.pdf_sha256, "application/pdf", f"tiep-nhan-{item.id}.pdf",
                       max_age=0)


def _confirmed_relations(form) -> list[relations.ConfirmedRelation]:
    """Rows "rel-N-*" of the form; a row counts when ticked (proposed) or filled (manual)."""
    rows = []
    for index in range(bounded_count(form.get("relation_rows"), MAX_RELATION_ROWS)):
        prefix = f"rel-{index}-"
        notation = form.get(prefix + "notation", "").strip()
        if not notation or form.get(prefix + "confirm") != "1":
            continue
        rows.append(relations.ConfirmedRelation(
            form.get(prefix + "kind", ""), notation, form.get(prefix + "date", "").strip(),
            form.get(prefix + "partial") == "1"))
    return rows


@bp.route("/receipts/<int:receipt_id>/register", methods=["POST"])
def register_receipt(receipt_id: int):
    item = db.get_or_404(Receipt, receipt_id)
    form = request.form.to_dict()
    try:
        relations = _confirmed_relations(request.form)
    except ValueError:
        abort(400)
    try:
        document = receiving.register(item, form, relations, current_user._get_current_object())
    except receiving.RegistrationError as error:
        db.session.rollback()
        flash("Chưa vào sổ: kiểm tra các trường được đánh dấu.", "error")
        return _receipt_page(item, form, error.messages, 400)
    flash(f"Đã vào sổ {document.doc_type} số {document.notation}.", "success")
    return redirect(url_for(".document", document_id=document.id))


@bp.route("/receipts/<int:receipt_id>/discard", methods=["POST"])
def discard_receipt(receipt_id: int):
    item = db.get_or_404(Receipt, receipt_id)
    try:
        receiving.discard(item, current_user._get_current_object())
        flash("Đã huỷ hồ sơ tiếp nhận.", "success")
    except receiving.RegistrationError as error:
        flash(str(error.messages["receipt"]), "error")
    return redirect(url_for(".receive"))
