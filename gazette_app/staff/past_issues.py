"""Staff pages of past issues brought in from their PDFs (issue 22): the imports of every
former title, one import with each entry the importer could not verify shown side by side
with the page it proposes (confirm or correct its pages), and the upload of a past issue."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth.access import role_required
from ..extensions import db
from ..inputs import db_int
from ..intake import IntakeError
from ..intake.tools import page_png
from ..models import PastIssueImport, Role
from ..models.past_issue import ImportState
from ..services.past_issues import (
    PastIssueError,
    PastIssueSource,
    confirm_entry,
    read_past_issue,
    register,
)
from ..services.titles import former_titles, title_by_slug, title_name
from ..storage import get_store
from .blueprint import bp

PAGE_DPI = 80  # a page readable beside its entry, small enough to load at once
NOT_A_NUMBER = "Năm, số và số trang phải là số nguyên dương."


@bp.route("/past-issues")
def past_issues():
    imports = db.session.scalars(select(PastIssueImport).order_by(
        PastIssueImport.state != ImportState.TO_CONFIRM, PastIssueImport.created_at.desc())
        .limit(200)).all()
    return render_template("staff/past_issues.html", imports=imports, titles=former_titles(),
                           can_register=current_user.has_role(Role.APPROVER))


@bp.route("/past-issues", methods=["POST"])
@role_required(Role.APPROVER)
def upload_past_issue() -> Response:
    """Read an uploaded past issue; registered at once when every page range was verified.
    Registering records documents as published: an approver's act, as approving an issue is."""
    form = request.form
    upload = request.files.get("pdf")
    try:
        title = title_by_slug(form.get("title") or None)
        if title is None:
            raise PastIssueError("Chọn tên Công báo của tỉnh cũ.")
        year = db_int(form.get("year", "")) if form.get("year") else None
        number = db_int(form.get("number", "")) if form.get("number") else None
        if upload is None or not upload.filename:
            raise PastIssueError("Chọn tệp PDF của số Công báo.")
        with tempfile.TemporaryDirectory(prefix="gazette-past-") as tmp:
            path = Path(tmp) / "issue.pdf"
            upload.save(path)
            imported = read_past_issue(PastIssueSource(title, year, number), path,
                                       current_user, upload.filename)
        if imported.state == ImportState.READY:
            register(imported, current_user)
            flash(f"Đã đăng ký {title_name(imported.title)}, {imported.label}.", "success")
        return redirect(url_for("staff.past_issue", import_id=imported.id))
    except LookupError:
        flash("Không có tên Công báo tỉnh cũ này.", "error")
    except PastIssueError as error:
        db.session.rollback()
        flash(str(error), "error")
    except ValueError:
        flash(NOT_A_NUMBER, "error")
    return redirect(url_for("staff.past_issues"))


def _import_or_404(import_id: int) -> PastIssueImport:
    return db.get_or_404(PastIssueImport, import_id)


@bp.route("/past-issues/<int:import_id>")
def past_issue(import_id: int):
    imported = _import_or_404(import_id)
    return render_template("staff/past_issue.html", imported=imported, error=None,
                           can_register=current_user.has_role(Role.APPROVER))


@bp.route("/past-issues/<int:import_id>/pages/<int:page>.png")
def past_issue_page(import_id: int, page: int) -> Response:
    """One page of the kept PDF as an image, beside the entry that points at it."""
    imported = _import_or_404(import_id)
    if not 1 <= page <= imported.page_count:
        abort(404)
    try:
        image = page_png(get_store().path(imported.pdf_sha256), page, PAGE_DPI)
    except IntakeError as error:
        abort(503, str(error))
    return Response(image, mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/past-issues/<int:import_id>/entries/<int:position>", methods=["POST"])
@role_required(Role.APPROVER)
def confirm_past_entry(import_id: int, position: int):
    """Staff confirm or correct an entry's pages; the issue is registered once none waits."""
    imported = _import_or_404(import_id)
    form = request.form
    try:
        first, last = db_int(form.get("first_page", "")), db_int(form.get("last_page", ""))
        confirm_entry(imported, position, first, last, form.get("notation"), current_user)
        if imported.state == ImportState.READY:
            register(imported, current_user)
            flash(f"Đã đăng ký {title_name(imported.title)}, {imported.label}.", "success")
        else:
            flash("Đã xác nhận trang của văn bản.", "success")
    except (PastIssueError, ValueError) as error:
        db.session.rollback()
        imported = _import_or_404(import_id)
        message = str(error) if isinstance(error, PastIssueError) else NOT_A_NUMBER
        return render_template("staff/past_issue.html", imported=imported, error=message,
                               position=position, can_register=True), 400
    return redirect(url_for("staff.past_issue", import_id=import_id))
