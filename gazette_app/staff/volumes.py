"""Staff pages of the archive: build a quarter's volume, verify the whole store."""
from __future__ import annotations

from collections import defaultdict

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..inputs import db_int
from ..jobs import enqueue, wake
from ..models import Issue, Job, Volume, current_title_id, in_current_title, published_issues
from ..services.volumes import last_verification, quarter_of, queue_build
from .blueprint import bp


@bp.route("/volumes")
def volumes():
    quarters: dict[tuple[int, int], list[Issue]] = defaultdict(list)
    for issue in db.session.scalars(select(Issue).where(published_issues(), in_current_title())
                                    .order_by(Issue.date, Issue.id)):
        quarters[(issue.year, quarter_of(issue.date))].append(issue)
    built = {(v.year, v.quarter): v for v in db.session.scalars(
        select(Volume).where(Volume.title_id == current_title_id()))}
    running = db.session.scalars(select(Job).where(
        Job.kind.in_(("build_volume", "verify")), Job.state.in_(("queued", "running")))
        .order_by(Job.id)).all()
    failed = db.session.scalars(select(Job).where(
        Job.kind.in_(("build_volume", "verify")), Job.state == "failed")
        .order_by(Job.id.desc()).limit(3)).all()
    return render_template("staff/volumes.html", quarters=sorted(quarters.items(), reverse=True),
                           built=built, running=running, failed=failed,
                           verification=last_verification())


@bp.route("/volumes/build", methods=["POST"])
def build_volume():
    try:
        year, quarter = db_int(request.form["year"]), db_int(request.form["quarter"])
    except (KeyError, ValueError):
        flash("Năm hoặc quý không hợp lệ.", "error")
        return redirect(url_for(".volumes"))
    if quarter not in (1, 2, 3, 4):
        flash("Quý phải là 1, 2, 3 hoặc 4.", "error")
        return redirect(url_for(".volumes"))
    queue_build(year, quarter, request.form.get("double_sided") == "1",
                current_user._get_current_object())
    wake()
    flash(f"Đang đóng tập Quý {quarter}/{year}; trang tự cập nhật khi xong.", "success")
    return redirect(url_for(".volumes"))


@bp.route("/volumes/verify", methods=["POST"])
def verify_store():
    enqueue("verify", {"actor": current_user.username})
    db.session.commit()
    wake()
    flash("Đang kiểm tra toàn bộ kho tệp; trang tự cập nhật khi xong.", "success")
    return redirect(url_for(".volumes"))
