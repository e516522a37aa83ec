"""Staff pages of the issue workflow: draft, reorder, preview, approve, publish."""
from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import clock
from ..auth.access import role_required
from ..extensions import db
from ..inputs import db_int
from ..models import AuditEvent, Document, Issue, IssueNumber, IssueState, Role, in_current_title
from ..services import issues as workflow
from ..services.documents import UploadError, attach_pdf
from ..services.freeze import DocumentFrozen
from ..storage import send_stored
from .blueprint import bp
from .steps import run_step


def _step(action, issue: Issue, success: str):
    return run_step(action, workflow.IssueWorkflowError, success,
                    url_for("staff.issue", issue_id=issue.id))


@bp.route("/issues")
def issues():
    year = request.args.get("year", type=db_int) or clock.today().year
    # Newest number first; a subquery, because PostgreSQL refuses DISTINCT with ORDER BY on a
    # column outside the select list (the join made this page a 500 there).
    highest = select(func.max(IssueNumber.number)).where(IssueNumber.issue_id == Issue.id)
    rows = db.session.scalars(select(Issue).where(Issue.year == year, in_current_title())
                              .order_by(highest.scalar_subquery().desc(), Issue.id)).all()
    years = db.session.scalars(select(Issue.year).where(in_current_title()).distinct()
                               .order_by(Issue.year)).all()
    return render_template("staff/issues.html", issues=rows, year=year, years=years)


@bp.route("/issues/new", methods=["GET", "POST"])
def new_issue():
    today = clock.today()
    if request.method == "POST":
        form = request.form
        try:
            year = db_int(form.get("year", today.year))
            numbers = [db_int(n) for n in form.get("numbers", "").replace("+", ",").split(",")
                       if n.strip()]
            issue_date = date.fromisoformat(form.get("date", ""))
            ids = [db_int(i) for i in form.getlist("document")]
        except ValueError:
            flash("Năm, số hoặc ngày không hợp lệ (số: 12 hoặc 44,45; ngày: YYYY-MM-DD).",
                  "error")
            return redirect(url_for("staff.new_issue"))
        try:
            issue = workflow.create_issue(year, numbers, issue_date, ids, current_user,
                                          form.get("gap_reason", ""))
        except workflow.IssueWorkflowError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("staff.new_issue"))
        flash(f"Đã tạo bản nháp {issue.label}/{issue.year}.", "success")
        return redirect(url_for("staff.issue", issue_id=issue.id))
    next_number = workflow.taken_numbers(today.year)
    queue = workflow.issue_queue(**_queue_filters())
    choice = request.args.get("chon", "")
    chosen = ({row.document.id for row in queue.rows} if choice == "tat-ca" else set()
              if choice == "khong" else queue.proposed)
    return render_template("staff/issue_new.html", year=today.year, today=today,
                           next_number=max(next_number, default=0) + 1, queue=queue,
                           chosen=chosen, filters=request.args, issuers=queue.issuers,
                           budget=current_app.config["ISSUE_PAGE_BUDGET"])


def _queue_filters() -> dict:
    """The new-issue page's filters, bounded: issuer code, part, type, received from/to."""
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.args.get(name, "")[:10])
        except ValueError:
            return None
    part = request.args.get("phan", "")
    return {"issuer_code": request.args.get("co-quan", "")[:200] or None,
            "part": part if part in ("legal", "other") else None,
            "doc_type": request.args.get("loai", "")[:120] or None,
            "received_from": day("tu-ngay"), "received_to": day("den-ngay"),
            "budget": current_app.config["ISSUE_PAGE_BUDGET"]}


@bp.route("/issues/<int:issue_id>")
def issue(issue_id: int):
    issue = db.get_or_404(Issue, issue_id)
    trail = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "issue", AuditEvent.object_id == str(issue.id))
        .order_by(AuditEvent.id.desc())).all()
    return render_template("staff/issue.html", issue=issue, trail=trail)


@bp.route("/issues/<int:issue_id>/move", methods=["POST"])
def move_entry(issue_id: int):
    issue = db.get_or_404(Issue, issue_id)
    order = [e.document_id for e in issue.entries]
    document_id = request.form.get("document", type=db_int)
    if document_id not in order:
        abort(400)
    index = order.index(document_id)
    target = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return _step(lambda: workflow.reorder(issue, order, current_user), issue,
                 "Đã đổi thứ tự; cần dàn trang lại.")


@bp.route("/issues/<int:issue_id>/compose", methods=["POST"])
def compose_issue(issue_id: int):
    issue = db.get_or_404(Issue, issue_id)
    return _step(lambda: workflow.compose(issue, current_user), issue,
                 "Đã dàn trang; xem bản PDF trước khi duyệt.")


@bp.route("/issues/<int:issue_id>/approve", methods=["POST"])
@role_required(Role.APPROVER)
def approve_issue(issue_id: int):
    issue = db.get_or_404(Issue, issue_id)
    return _step(lambda: workflow.approve(issue, current_user), issue, "Đã duyệt.")


@bp.route("/issues/<int:issue_id>/unapprove", methods=["POST"])
@role_required(Role.APPROVER)
def unapprove_issue(issue_id: int):
    issue = db.get_or_404(Issue, issue_id)
    reason = request.form.get("reason", "")
    return _step(lambda: workflow.return_to_draft(issue, current_user, reason), issue,
                 "Đã trả lại bản nháp.")


@bp.route("/issues/<int:issue_id>/publish", methods=["POST"])
@role_required(Role.APPROVER)
def publish_issue(issue_id: int):
    issue = db.get_or_404(Issue, issue_id)
    return _step(lambda: workflow.publish(issue, current_user), issue, "Đã phát hành.")


@bp.route("/issues/<int:issue_id>/<any(print, signed):edition>.pdf")
def issue_pdf(issue_id: int, edition: str):
    issue = db.get_or_404(Issue, issue_id)
    sha = issue.current_signed_sha256 if edition == "signed" else issue.pdf_sha256
    if not sha:
        abort(404)
    suffix = "-ky-so" if edition == "signed" else ""
    name = f"cong-bao-{issue.year}-so-{'-'.join(map(str, issue.number_list))}{suffix}.pdf"
    return send_stored(sha, "application/pdf", name,
                       as_attachment=request.args.get("download") == "1",
                       max_age=0 if issue.state != IssueState.PUBLISHED else 3600)


@bp.route("/documents/<int:document_id>/pdf", methods=["POST"])
def upload_document_pdf(document_id: int):
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    upload = request.files.get("pdf")
    if upload is None or not upload.filename:
        flash("Chọn một tệp PDF để tải lên.", "error")
    else:
        try:
            stored = attach_pdf(document, upload.read(), upload.filename, current_user)
            flash(f"Đã lưu tệp {stored.filename} ({stored.page_count} trang).", "success")
        except (UploadError, DocumentFrozen) as error:
            db.session.rollback()
            flash(str(error), "error")
    return redirect(url_for("staff.document", document_id=document.id))
