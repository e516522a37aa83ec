"""The JSON API of the mobile app under /api/v1.

Every read answers with an ETag (If-None-Match gives 304) and Cache-Control; CORS lets the app
and other sites call it; rate limits count per client (per API key when one is sent)."""
from __future__ import annotations

from flask import abort, current_app, jsonify, request, url_for
from marshmallow import ValidationError
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..inputs import DB_INT_MAX
from ..models import (
    Document,
    Issue,
    Issuer,
    NewsItem,
    Volume,
    public_documents,
    published_issues,
)
from ..notation import NotationError, parse_notation
from ..public_record import public_document_or_404
from ..ratelimits import api_rate, feedback_rate, limiter, limits_off
from ..schemas.api import (
    CitationSchema,
    DocumentListSchema,
    DocumentSchema,
    FeedbackCreatedSchema,
    IssueDetailSchema,
    IssueListSchema,
    NewsListSchema,
    VolumeListSchema,
)
from ..schemas.forms import FeedbackSchema
from ..security import absolute_url
from ..services.citations import Citation, CitationError, lookup, parse_citation
from ..services.feedback import looks_automated, receive
from ..services.titles import published_issue, title_by_slug, title_id_of
from ..storage import send_stored
from .blueprint import bp

limiter.limit(api_rate, exempt_when=limits_off)(bp)
READ_MAX_AGE = 60


def field_error(field: str, message: str, *, status: int = 400,
                code: str = "invalid_parameter", fields: dict | None = None):
    """The API's error answer for one named field (all refused fields in ``fields``)."""
    error: dict[str, object] = {"code": code, "field": field, "message": f"{field}: {message}"}
    if fields is not None:
        error["fields"] = fields
    return jsonify(error=error), status


def bad_parameter(field: str, message: str):
    return field_error(field, message)


def first_problem(messages: dict) -> tuple[str, str]:
    """The first refused field of a marshmallow error and its first message."""
    field, problems = next(iter(messages.items()))
    return field, problems[0] if isinstance(problems, list) else str(problems)


@bp.after_request
def caching_and_cors(response):
    response.headers["Access-Control-Allow-Origin"] = current_app.config["GAZETTE_CORS_ORIGINS"]
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, X-API-Key, If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = \
        "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        if response.mimetype == "application/json":
            response.add_etag()
            response.make_conditional(request)
        response.headers.setdefault("Cache-Control", f"public, max-age={READ_MAX_AGE}")
    return response


@bp.route("/", methods=["GET"])
def index():
    return jsonify(name="Công báo API", version="1",
                   openapi=absolute_url(url_for("api.openapi")))


@bp.route("/documents/<int:document_id>")
def document(document_id: int):
    return jsonify(DocumentSchema().dump(public_document_or_404(document_id)))


LIST_MAX_SIZE = 100


def _int_arg(name: str, default: int | None, low: int, high: int):
    """An integer query argument in [low, high]; (value, None) or (None, error answer)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default, None
    if not raw.isdigit() or not low <= int(raw) <= high:
        return None, bad_parameter(name, f"Phải là số từ {low} đến {high}.")
    return int(raw), None


@bp.route("/documents")
def documents_by_notation():
    """Public documents, newest first, a page at a time: all of them, or those bearing a
    notation ("37/2026/QĐ-UBND", accents optional: several issuers may use one), of an issuer
    (its code), of a year."""
    query = select(Document).where(public_documents())
    notation = request.args.get("notation", "")
    if notation:
        try:
            query = query.where(Document.notation_key == parse_notation(notation).key)
        except NotationError as error:
            return bad_parameter("notation", str(error))
    issuer = request.args.get("issuer")
    if issuer:
        found_issuer = db.session.scalar(select(Issuer).where(Issuer.code == issuer[:200]))
        if found_issuer is None:
            return bad_parameter("issuer", f"Không có cơ quan ban hành mã “{issuer[:200]}”.")
        query = query.where(Document.issuer_id == found_issuer.id)
    year, problem = _int_arg("year", None, 1945, 2100)
    if problem:
        return problem
    if year:
        query = query.where(Document.year == year)
    page, problem = _int_arg("page", 1, 1, 100000)
    size, problem_size = _int_arg("size", 20, 1, LIST_MAX_SIZE)
    if problem or problem_size:
        return problem or problem_size
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // size))
    if page > pages:
        return bad_parameter("page", f"Trang {page} vượt quá số trang ({pages}).")
    found = db.session.scalars(query.order_by(Document.issued.desc(), Document.id.desc())
                               .offset((page - 1) * size).limit(size)).all()
    return jsonify(DocumentListSchema().dump({"total": total, "page": page, "size": size,
                                              "pages": pages, "results": found}))


@bp.route("/documents/<int:document_id>/pdf")
def document_pdf(document_id: int):
    pdf = public_document_or_404(document_id).file("pdf")
    if pdf is None:
        abort(404)
    return send_stored(pdf.sha256, "application/pdf", pdf.filename)


@bp.route("/issues")
def issues():
    """The published issues of a year, newest first; without ``year``, of the latest year
    that has one (the app's first screen)."""
    try:
        title_id = title_id_of(title_by_slug(request.args.get("title")))
    except LookupError:
        return bad_parameter("title", "Không có tên Công báo tỉnh cũ này.")
    year = request.args.get("year")
    if year is None:
        year = db.session.scalar(select(Issue.year).where(
            published_issues(), Issue.title_id == title_id)
            .order_by(Issue.year.desc()).limit(1)) or clock.today().year
    elif not year.isdigit() or not 1945 <= int(year) <= 2100:
        return bad_parameter("year", "Năm phải từ 1945 đến 2100.")
    found = db.session.scalars(select(Issue).where(Issue.year == int(year), published_issues(),
                                                   Issue.title_id == title_id)
                               .order_by(Issue.date.desc(), Issue.id.desc())).all()
    return jsonify(IssueListSchema().dump({"year": int(year), "results": found}))


@bp.route("/issues/<int:year>/<int:number>")
def issue(year: int, number: int):
    """An issue of the current title, or with ?title= of a former province's."""
    try:
        found = published_issue(title_by_slug(request.args.get("title")), year, number)
    except LookupError:
        found = None
    if found is None:
        abort(404)
    return jsonify(IssueDetailSchema().dump(found))


@bp.route("/volumes")
def volumes():
    found = db.session.scalars(select(Volume).order_by(Volume.year.desc(),
                                                       Volume.quarter.desc())).all()
    return jsonify(VolumeListSchema().dump({"results": found}))


@bp.route("/citations")
def citations():
    """The document a citation names, as written: ?q=Công báo tỉnh Sơn La, Số 12/2026, tr. 23."""
    try:
        citation = parse_citation(request.args.get("q", "")[:200])
    except CitationError as error:
        return bad_parameter("q", str(error))
    return _cited(citation)


@bp.route("/citations/<int:year>/<int:number>/"
          "<int:page>")
def citation(year: int, number: int, page: int):
    """The document printed on page ``page`` of issue ``number`` of ``year``."""
    return _cited(Citation(year, number, page))


def _cited(citation):
    try:
        return jsonify(CitationSchema().dump(lookup(citation)))
    except CitationError as error:
        return field_error("q", str(error), status=404, code="not_found")


@bp.route("/news")
def news():
    found = db.session.scalars(select(NewsItem).order_by(NewsItem.published_at.desc())
                               .limit(50)).all()
    return jsonify(NewsListSchema().dump({"results": found}))


@bp.route("/feedback", methods=["POST"])
@limiter.limit(feedback_rate, exempt_when=limits_off)
def feedback():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return bad_parameter("body", "Cần một đối tượng JSON.")
    try:
        values = FeedbackSchema().load(payload)
    except ValidationError as error:
        field, message = first_problem(error.messages)
        document_id = payload.get("document_id")
        if field == "document_id" and list(error.messages) == ["document_id"] \
                and isinstance(document_id, int) and 1 <= document_id <= DB_INT_MAX:
            return field_error(field, message, status=404, code="not_found")
        return bad_parameter(field, message)
    if looks_automated(values, None):
        return jsonify(error={"code": "rejected", "message": "Góp ý không được nhận."}), 400
    created = receive(values, "app")
    return jsonify(FeedbackCreatedSchema().dump(created)), 201
