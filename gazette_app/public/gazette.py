"""Published issues: by year and quarter, one issue with its contents, its PDF."""
from __future__ import annotations

from datetime import date
from itertools import groupby

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from issues.ordering import authority
from issues.model import PART_TITLES

from ..extensions import db
from ..models import Issue, IssueNumber
from ..storage import send_stored
from .views import bp

QUARTERS = ("I", "II", "III", "IV")


def published_issue(year: int, number: int) -> Issue:
    issue = db.session.scalar(select(Issue).join(IssueNumber).where(
        IssueNumber.year == year, IssueNumber.number == number, Issue.state == "published"))
    if issue is None:
        abort(404)
    return issue


@bp.route("/cong-bao")
def issues_latest_year():
    year = db.session.scalar(select(Issue.year).where(Issue.state == "published")
                             .order_by(Issue.year.desc()).limit(1)) or date.today().year
    return redirect(url_for("public.issues_by_year", year=year))


@bp.route("/cong-bao/<int(max=2147483647):year>")
def issues_by_year(year: int):
    issues = db.session.scalars(select(Issue).where(Issue.year == year,
                                                    Issue.state == "published")
                                .order_by(Issue.date, Issue.id)).all()
    by_quarter = [(QUARTERS[q], list(items)) for q, items in
                  groupby(issues, key=lambda i: (i.date.month - 1) // 3)]
    years = db.session.scalars(select(Issue.year).where(Issue.state == "published")
                               .distinct().order_by(Issue.year.desc())).all()
    return render_template("public/issues.html", year=year, by_quarter=by_quarter, years=years)


@bp.route("/cong-bao/<int(max=2147483647):year>/<int(max=2147483647):number>")
def issue_page(year: int, number: int):
    issue = published_issue(year, number)
    if number != issue.first_number:  # "Số 02 + 03" lives at /2026/2
        return redirect(url_for("public.issue_page", year=year, number=issue.first_number),
                        code=301)
    parts = []
    for part, entries in groupby(issue.entries, key=lambda e: e.part):
        groups = [(heading, list(items)) for heading, items in groupby(
            entries, key=lambda e: authority(e.document.issuer.name, e.document.doc_type).heading)]
        parts.append((PART_TITLES[part], groups))
    return render_template("public/issue.html", issue=issue, parts=parts)


@bp.route("/cong-bao/<int(max=2147483647):year>/<int(max=2147483647):number>.pdf")
def issue_pdf(year: int, number: int):
    """The printed edition (or ?ban=dien-tu the signed electronic one); ?tai=1 downloads."""
    issue = published_issue(year, number)
    signed = request.args.get("ban") == "dien-tu"
    sha = issue.signed_pdf_sha256 if signed else issue.pdf_sha256
    if not sha:
        abort(404)
    name = f"cong-bao-{year}-so-{'-'.join(map(str, issue.number_list))}" \
           f"{'-ky-so' if signed else ''}.pdf"
    return send_stored(sha, "application/pdf", name, as_attachment=request.args.get("tai") == "1")
