"""Published issues: by year and quarter, one issue with its contents, its PDF."""
from __future__ import annotations

from itertools import groupby

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from issues.model import PART_TITLES
from issues.ordering import authority

from .. import clock
from ..extensions import db
from ..models import Issue, IssueNumber, Volume, published_issues
from ..public_record import document_url
from ..services.citations import CitationError, resolve
from ..signature_words import signature_summary
from ..storage import get_store, send_stored
from .blueprint import bp

QUARTERS = ("I", "II", "III", "IV")


def published_issue(year: int, number: int) -> Issue:
    issue = db.session.scalar(select(Issue).join(IssueNumber).where(
        IssueNumber.year == year, IssueNumber.number == number,
        published_issues()))
    if issue is None:
        abort(404)
    return issue


@bp.route("/cong-bao")
def issues_latest_year():
    year = db.session.scalar(select(Issue.year).where(published_issues())
                             .order_by(Issue.year.desc()).limit(1)) or clock.today().year
    return redirect(url_for("public.issues_by_year", year=year))


def stored_size(sha256: str | None) -> int | None:
    """Bytes of a stored file, for the "PDF, 2,4 MB" citizens see before downloading."""
    if not sha256:
        return None
    try:
        return get_store().path(sha256).stat().st_size
    except OSError:
        return None


@bp.route("/cong-bao/<int:year>")
def issues_by_year(year: int):
    """A year's issues, the newest first (quarter IV before III), with a switcher of years."""
    issues = db.session.scalars(select(Issue).where(Issue.year == year,
                                                    published_issues())
                                .order_by(Issue.date.desc(), Issue.id.desc())).all()
    by_quarter = [(QUARTERS[q], list(items)) for q, items in
                  groupby(issues, key=lambda i: (i.date.month - 1) // 3)]
    volumes = {QUARTERS[v.quarter - 1]: v for v in db.session.scalars(
        select(Volume).where(Volume.year == year, Volume.pdf_sha256.is_not(None)))}
    years = db.session.scalars(select(Issue.year).where(published_issues())
                               .distinct().order_by(Issue.year.desc())).all()
    sizes: dict[int | str, int | None] = {issue.id: stored_size(issue.pdf_sha256)
                                          for issue in issues}
    sizes |= {f"volume-{v.quarter}": stored_size(v.pdf_sha256) for v in volumes.values()}
    return render_template("public/issues.html", year=year, by_quarter=by_quarter, years=years,
                           volumes=volumes, sizes=sizes)


@bp.route("/cong-bao/<int:year>/<int:number>")
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
    return render_template("public/issue.html", issue=issue, parts=parts,
                           pdf_size=stored_size(issue.pdf_sha256),
                           signed_size=stored_size(issue.current_signed_sha256),
                           signature=signature_summary(issue.signature_state))


@bp.route("/cong-bao/<int:year>/<int:number>.pdf")
def issue_pdf(year: int, number: int):
    """The printed edition (or ?ban=dien-tu the signed electronic one); ?tai=1 downloads."""
    issue = published_issue(year, number)
    signed = request.args.get("ban") == "dien-tu"
    sha = issue.current_signed_sha256 if signed else issue.pdf_sha256
    if not sha:
        abort(404)
    name = f"cong-bao-{year}-so-{'-'.join(map(str, issue.number_list))}" \
           f"{'-ky-so' if signed else ''}.pdf"
    return send_stored(sha, "application/pdf", name, as_attachment=request.args.get("tai") == "1")


@bp.route("/trich-dan")
def citation_lookup():
    """Find the document a citation names: "Số 12/2026, tr. 23"."""
    query = request.args.get("q", "")[:200]
    result = error = None
    if query.strip():
        try:
            result = resolve(query)
        except CitationError as problem:
            error = str(problem)
    return render_template("public/citation.html", query=query, result=result, error=error,
                           document_url=document_url), 404 if error else 200


def _volume(year: int, quarter: int):
    volume = db.session.scalar(select(Volume).where(Volume.year == year,
                                                    Volume.quarter == quarter))
    if volume is None or not volume.pdf_sha256:
        abort(404)
    return volume


@bp.route("/cong-bao/<int:year>/quy-<int(min=1, max=4):quarter>.pdf")
def volume_pdf(year: int, quarter: int):
    """The quarter's archival volume (all its issues bound, with index and manifest)."""
    volume = _volume(year, quarter)
    return send_stored(volume.pdf_sha256, "application/pdf",
                       f"cong-bao-{year}-quy-{quarter}.pdf",
                       as_attachment=request.args.get("tai") == "1")


@bp.route("/cong-bao/<int:year>/quy-<int(min=1, max=4):quarter>.json")
def volume_manifest(year: int, quarter: int):
    """The volume's manifest: SHA-256 of every file it binds, for anyone to check."""
    volume = _volume(year, quarter)
    return send_stored(volume.manifest_sha256, "application/json",
                       f"cong-bao-{year}-quy-{quarter}.json")
