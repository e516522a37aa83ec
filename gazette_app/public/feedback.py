"""The feedback form (Góp ý), on a document or in general."""
from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from ..extensions import db
from ..inputs import DB_INT_MAX, db_int
from ..models import Document
from ..ratelimits import feedback_rate, limiter, limits_off
from ..schemas.forms import FeedbackSchema
from ..services.feedback import form_stamp, looks_automated, receive
from .blueprint import bp

log = logging.getLogger(__name__)


def _public_document(document_id: int | None) -> Document | None:
    """The document a feedback is about, if the public may see it (else a general form)."""
    if not document_id or not 0 < document_id <= DB_INT_MAX:
        return None
    document = db.session.get(Document, document_id)
    return document if document is not None and document.is_public else None


@bp.route("/gop-y", methods=["GET"])
def feedback_form():
    document = _public_document(request.args.get("van-ban", type=db_int))
    return render_template("public/feedback.html", document=document, stamp=form_stamp(),
                           errors={}, values={})


@bp.route("/gop-y", methods=["POST"])
@limiter.limit(feedback_rate, methods=["POST"], exempt_when=limits_off)
def feedback_submit():
    form = request.form.to_dict()
    try:
        values = FeedbackSchema().load({k: v for k, v in form.items() if v != ""})
    except ValidationError as error:
        document = _public_document(request.form.get("document_id", type=db_int))
        return render_template("public/feedback.html", document=document, stamp=form_stamp(),
                               errors=error.messages, values=form), 400
    reason = looks_automated(values, form.get("t", ""))
    if reason:
        log.info("Feedback dropped as automated (%s) from %s", reason, request.remote_addr)
    else:
        receive(values, "web")
    flash("Cảm ơn bạn đã góp ý. Văn phòng sẽ xem xét và trả lời sớm.", "success")
    return redirect(url_for("public.feedback_form"))
