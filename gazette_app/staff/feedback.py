"""Staff answer citizens' feedback."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..inputs import request_page
from ..models import Feedback
from ..services.feedback import answer
from .blueprint import bp


@bp.route("/feedback")
def feedback_list():
    waiting = request.args.get("da-tra-loi") != "1"
    query = select(Feedback).where(Feedback.answered_at.is_(None) if waiting
                                   else Feedback.answered_at.is_not(None))
    page = db.paginate(query.order_by(Feedback.created_at.desc()), page=request_page(),
                       per_page=50, error_out=False)
    return render_template("staff/feedback.html", page=page, waiting=waiting)


@bp.route("/feedback/<int:feedback_id>", methods=["GET", "POST"])
def feedback_item(feedback_id: int):
    item = db.session.get(Feedback, feedback_id)
    if item is None:
        abort(404)
    if request.method == "POST":
        try:
            answer(item, request.form.get("answer", ""), current_user)
            flash("Đã lưu câu trả lời.", "success")
            return redirect(url_for("staff.feedback_list"))
        except ValueError as error:
            flash(str(error), "error")
    return render_template("staff/feedback_item.html", item=item)
