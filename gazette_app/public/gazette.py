"""Published issues: by year and quarter, one issue with its contents, its PDF; for the
current title at today's addresses (``/cong-bao/2026/12``), for a former province's title
under its slug (``/cong-bao/binh-phuoc/2024/45``)."""
from __future__ import annotations

from itertools import groupby

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from issues.model import PART_TITLES
from issues.ordering import authority

from .. import clock
from ..extensions import db
from ..models import GazetteTitle, Issue, Volume, published_issues
from ..public_record import document_url
from ..services.citations import CitationError, resolve
from ..services.titles import former_titles, title_by_slug, title_id_of, title_name
from ..services.titles import published_issue as find_published_issue
from ..signature_words import signature_summary
from ..storage import get_store, send_stored
from .blueprint import bp

QUARTERS = ("I", "II", "III", "IV")


CURRENT = {"title": None}  # the current title's rules: no slug in the address


def _title(slug: str | None) -> GazetteTitle | None:
    try:
        return title_by_slug(slug)
    except LookupError:
        abort(404)


def published_issue(title: GazetteTitle | None, year: int, number: int) -> Issue:
    issue = find_published_issue(title, year, number)
    if issue is None:
        abort(404)
    return issue


@bp.route("/cong-bao", defaults=CURRENT)
@bp.route("/cong-bao/<title>")
def issues_latest_year(title: str | None):
    gazette = _title(title)
    year = db.session.scalar(select(Issue.year).where(
        published_issues(), Issue.title_id == title_id_of(gazette))
        .order_by(Issue.year.desc()).limit(1)) or \
        (gazette.last_year if gazette else None) or clock.today().year
    return redirect(url_for("public.issues_by_year", title=title, year=year))


def stored_size(sha256: str | None) -> int | None:
    """Bytes of a stored file, for the "PDF, 2,4 MB" citizens see before downloading."""
    if not sha256:
        return None
    try:
        return get_store().path(sha256).stat().st_size
    except OSError:
        return None


@bp.route("/cong-bao/<int:year>", defaults=CURRENT)
@bp.route("/cong-bao/<title>/<int:year>")
def issues_by_year(year: int, title: str | None):
    """A year's issues, the newest first (quarter IV before III), with a switcher of years
    and, where the province keeps former provinces' gazettes, of titles."""
    gazette = _title(title)
    title_id = title_id_of(gazette)
    issues = db.session.scalars(select(Issue).where(Issue.year == year, published_issues(),
                                                    Issue.title_id == title_id)
                                .order_by(Issue.date.desc(), Issue.id.desc())).all()
    by_quarter = [(QUARTERS[q], list(items)) for q, items in
                  groupby(issues, key=lambda i: (i.date.month - 1) // 3)]
    volumes = {QUARTERS[v.quarter - 1]: v for v in db.session.scalars(
        select(Volume).where(Volume.year == year, Volume.title_id == title_id,
                             Volume.pdf_sha256.is_not(None)))}
    years = db.session.scalars(select(Issue.year).where(published_issues(),
                                                        Issue.title_id == title_id)
                               .distinct().order_by(Issue.year.desc())).all()
    sizes: dict[int | str, int | None] = {issue.id: stored_size(issue.pdf_sha256)
                                          for issue in issues}
    sizes |= {f"volume-{v.quarter}": stored_size(v.pdf_sha256) for v in volumes.values()}
    return render_template("public/issues.html", year=year, by_quarter=by_quarter, years=years,
                           volumes=volumes, sizes=sizes, title_slug=title,
                           gazette_name=title_name(gazette) if gazette else None,
                           gazette=gazette, former=former_titles())


@bp.route("/cong-bao/<int:year>/<int:number>", defaults=CURRENT)
@bp.route("/cong-bao/<title>/<int:year>/<int:number>")
def issue_page(year: int, number: int, title: str | None):
    issue = published_issue(_title(title), year, number)
    if number != issue.first_number:  # "Số 02 + 03" lives at /2026/2
        return redirect(url_for("public.issue_page", **issue.address), code=301)
    parts = []
    for part, entries in groupby(issue.entries, key=lambda e: e.part):
        groups = [(heading, list(items)) for heading, items in groupby(
            entries, key=lambda e: authority(e.document.issuer.name, e.document.doc_type).heading)]
        parts.append((PART_TITLES[part], groups))
    return render_template("public/issue.html", issue=issue, parts=parts,
                           gazette_name=title_name(issue.title),
                           pdf_size=stored_size(issue.pdf_sha256),
                           signed_size=stored_size(issue.current_signed_sha256),
                           signature=signature_summary(issue.signature_state))


@bp.route("/cong-bao/<int:year>/<int:number>.pdf", defaults=CURRENT)
@bp.route("/cong-bao/<title>/<int:year>/<int:number>.pdf")
def issue_pdf(year: int, number: int, title: str | None):
    """The printed edition (or ?ban=dien-tu the signed electronic one); ?tai=1 downloads."""
    issue = published_issue(_title(title), year, number)
    signed = request.args.get("ban") == "dien-tu"
    sha = issue.current_signed_sha256 if signed else issue.pdf_sha256
    if not sha:
        abort(404)
    name = f"cong-bao-{title + '-' if title else ''}{year}-so-" \
           f"{'-'.join(map(str, issue.number_list))}" \
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


def _volume(title: str | None, year: int, quarter: int):
    volume = db.session.scalar(select(Volume).where(
        Volume.year == year, Volume.quarter == quarter,
        Volume.title_id == title_id_of(_title(title))))
    if volume is None or not volume.pdf_sha256:
        abort(404)
    return volume


@bp.route("/cong-bao/<int:year>/quy-<int(min=1, max=4):quarter>.pdf", defaults=CURRENT)
@bp.route("/cong-bao/<title>/<int:year>/quy-<int(min=1, max=4):quarter>.pdf")
def volume_pdf(year: int, quarter: int, title: str | None):
    """The quarter's archival volume (all its issues bound, with index and manifest)."""
    volume = _volume(title, year, quarter)
    return send_stored(volume.pdf_sha256, "application/pdf",
                       f"cong-bao-{title + '-' if title else ''}{year}-quy-{quarter}.pdf",
                       as_attachment=request.args.get("tai") == "1")


@bp.route("/cong-bao/<int:year>/quy-<int(min=1, max=4):quarter>.json", defaults=CURRENT)
@bp.route("/cong-bao/<title>/<int:year>/quy-<int(min=1, max=4):quarter>.json")
def volume_manifest(year: int, quarter: int, title: str | None):
    """The volume's manifest: SHA-256 of every file it binds, for anyone to check."""
    volume = _volume(title, year, quarter)
    return send_stored(volume.manifest_sha256, "application/json",
                       f"cong-bao-{title + '-' if title else ''}{year}-quy-{quarter}.json")
