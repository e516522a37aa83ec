"""Staff UI under /staff/: documents, duplicate review, audit trail, accounts."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from print_templates.dates import short_date
from search_index.analysis import fold, nfc

from .. import clock
from ..auth.access import require_role, role_required
from ..extensions import db
from ..inputs import optional_int, request_page
from ..models import (
    AuditEvent,
    Document,
    DocumentState,
    DuplicateFlag,
    Issue,
    IssueEntry,
    Issuer,
    Role,
    User,
)
from ..models.states import DOCUMENT_STATES, ISSUE_STATES
from ..schemas.records import DocumentFieldsSchema
from ..services import documents as document_service
from ..services.deadlines import deadline_board
from ..services.freeze import DocumentFrozen, freeze_reason
from ..services.lateness import by_issuer as lateness_by_issuer
from ..services.users import AccountError, create_user, update_user
from ..vocabulary import AUDIT_ACTIONS, AUDIT_FIELDS, STATUS_LABELS
from . import compare, document_list
from .blueprint import bp


@bp.app_template_global()
def audit_value(name: str, value) -> str:
    """A before/after value of the audit trail as staff read it: dates dd/mm/yyyy, codes as
    their Vietnamese labels, a hash shortened, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if name == "numbers" and isinstance(value, list):
        return "Số " + " + ".join(f"{n:02d}" for n in value)
    if name == "documents" and isinstance(value, list):
        return f"{len(value)} văn bản"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if name in ("issued", "effective", "expires", "date") and isinstance(value, str):
        try:
            return short_date(date.fromisoformat(value))
        except ValueError:
            return value
    if name in ("status", "recorded_status"):
        return STATUS_LABELS.get(value, value)
    if name == "state":
        return DOCUMENT_STATES.get(value) or ISSUE_STATES.get(value, value)
    if name == "review":
        return {"ok": "Đã xem xét", "flagged": "Nghi trùng, chờ xem xét"}.get(value, value)
    if name == "role":
        return Role(value).label if value in {r.value for r in Role} else str(value)
    if name.endswith("sha256") and isinstance(value, str) and len(value) == 64:
        return value[:12] + "…"
    return str(value)


@bp.app_template_global()
def audit_names(events) -> dict[tuple[str, str], tuple[str, str | None]]:
    """What each event is about, named as staff know it ("Quyết định số 12/QĐ-UBND (UBND
    xã Chiềng Mai)", "Số 08/2026"), with the staff page to open, for one page of events."""
    ids = {kind: {e.object_id for e in events if e.object_type == kind and
                  str(e.object_id).isdigit()} for kind in ("document", "issue", "receipt", "user")}
    names: dict[tuple[str, str], tuple[str, str | None]] = {}
    for document in db.session.scalars(select(Document).where(
            Document.id.in_([int(i) for i in ids["document"]]))):
        names[("document", str(document.id))] = (
            f"{document.doc_type} số {document.notation} ({document.issuer.name})",
            url_for("staff.document", document_id=document.id))
    for issue in db.session.scalars(select(Issue).where(
            Issue.id.in_([int(i) for i in ids["issue"]]))):
        names[("issue", str(issue.id))] = (f"{issue.label}/{issue.year}",
                                           url_for("staff.issue", issue_id=issue.id))
    for user in db.session.scalars(select(User).where(User.id.in_([int(i) for i in ids["user"]]))):
        names[("user", str(user.id))] = (f"tài khoản {user.username}", None)
    for receipt_id in ids["receipt"]:
        names[("receipt", receipt_id)] = (f"Hồ sơ tiếp nhận {receipt_id}",
                                          url_for("staff.receipt", receipt_id=int(receipt_id)))
    return names


AUDIT_OBJECTS = {"backup": "bản sao lưu", "verification": "lần kiểm tra kho tệp",
                 "feedback": "góp ý", "news": "tin", "api_key": "khoá API"}


@bp.app_context_processor
def audit_vocabulary() -> dict:
    return {"audit_actions": AUDIT_ACTIONS, "audit_fields": AUDIT_FIELDS,
            "audit_objects": AUDIT_OBJECTS}


@bp.before_request
def staff_only():
    """Every staff route needs a signed-in account (editor or above)."""
    require_role(Role.EDITOR)


@bp.route("/")
def dashboard():
    by_state = dict(db.session.execute(
        select(Document.state, func.count()).group_by(Document.state)).all())
    flagged = db.session.scalar(select(func.count()).select_from(Document)
                                .where(Document.review == "flagged"))
    recent = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(10)).all()
    board = deadline_board()
    today = clock.today()
    # Each document's issue entries come with it (two queries in all), not one lookup per
    # document per load: lateness reads when, and whether, each was published.
    this_year = db.session.scalars(select(Document).where(
        Document.state != DocumentState.WITHDRAWN, Document.received_at >= clock.start_of_day(
            date(today.year, 1, 1))).options(
        selectinload(Document.entries).joinedload(IssueEntry.issue))).all()
    late = lateness_by_issuer(this_year, today)
    return render_template("staff/dashboard.html", by_state=by_state, flagged=flagged,
                           recent=recent, board=board, today=today, late=late,
                           issuer_late=sum(r.issuer_late for r in late),
                           office_late=sum(r.office_late for r in late))


def _document_filters() -> tuple[list, dict]:
    args = {k: nfc(request.args.get(k, ""))[:200] for k in
            ("q", "issuer", "doc_type", "legal", "status", "year", "review", "state")}
    conditions = []
    if args["q"]:
        # Staff look documents up by notation or abstract words, typed with or without accents.
        words = fold(args["q"]).upper().replace(" ", "")
        conditions.append(or_(Document.notation_key.contains(words, autoescape=True),
                              Document.abstract.contains(args["q"], autoescape=True)))
    if optional_int(args["issuer"]) is not None:
        conditions.append(Document.issuer_id == optional_int(args["issuer"]))
    if args["doc_type"]:
        conditions.append(Document.doc_type == args["doc_type"])
    if args["legal"] in ("1", "0"):
        conditions.append(Document.legal.is_(args["legal"] == "1"))
    if args["status"] in STATUS_LABELS:
        conditions.append(Document.status == args["status"])
    if optional_int(args["year"]) is not None:
        conditions.append(Document.year == optional_int(args["year"]))
    if args["review"] in ("ok", "flagged"):
        conditions.append(Document.review == args["review"])
    if args["state"]:
        conditions.append(Document.state == args["state"])
    return conditions, args


@bp.route("/documents")
def documents():
    conditions, args = _document_filters()
    sort = document_list.parse_sort(request.args.get("sap", "")[:32],
                                    request.args.get("chieu", "")[:8])
    query = document_list.sorted_query(conditions, sort)
    page = db.paginate(query, page=request_page(), per_page=50, max_per_page=200,
                       error_out=False)
    issuers = db.session.scalars(select(Issuer).order_by(Issuer.name)).all()
    doc_types = db.session.scalars(select(Document.doc_type).distinct()
                                   .order_by(Document.doc_type)).all()
    years = db.session.scalars(select(Document.year).distinct().order_by(Document.year)).all()
    return render_template("staff/documents.html", page=page, args=args, issuers=issuers,
                           doc_types=doc_types, years=years, statuses=STATUS_LABELS,
                           sort=sort, sorts=document_list.SORTS,
                           issue_place=document_list.issue_place)


@bp.route("/documents/<int:document_id>")
def document(document_id: int):
    doc = db.get_or_404(Document, document_id)
    flags = db.session.scalars(select(DuplicateFlag).where(or_(
        DuplicateFlag.document_id == doc.id, DuplicateFlag.candidate_id == doc.id))).all()
    trail = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "document", AuditEvent.object_id == str(doc.id))
        .order_by(AuditEvent.id.desc())).all()
    return render_template("staff/document.html", doc=doc, flags=flags, trail=trail,
                           statuses=STATUS_LABELS, errors={},
                           compare_fields=compare.compare_fields,
                           abstract_diff=compare.abstract_diff)


@bp.route("/documents/<int:document_id>/edit", methods=["POST"])
def edit_document(document_id: int):
    doc = db.get_or_404(Document, document_id)
    reason = freeze_reason(db.session, doc)
    if reason:
        flash(reason, "error")
        return redirect(url_for(".document", document_id=doc.id))
    try:
        values = DocumentFieldsSchema().load(request.form.to_dict())
    except ValidationError as error:
        flash("Chưa lưu: kiểm tra các trường được đánh dấu.", "error")
        return render_template("staff/document.html", doc=doc, flags=[], trail=[],
                               statuses=STATUS_LABELS, errors=error.messages), 400
    document_service.update_metadata(doc, values)
    flash("Đã lưu thông tin văn bản.", "success")
    return redirect(url_for(".document", document_id=doc.id))


@bp.route("/flags/<int:flag_id>/resolve", methods=["POST"])
def resolve_flag(flag_id: int):
    flag = db.session.get(DuplicateFlag, flag_id)
    if flag is None:
        abort(404)
    resolution = request.form.get("resolution", "")
    if resolution not in ("distinct", "duplicate"):
        abort(400)
    try:
        document_service.resolve_flag(flag, resolution, current_user)
        flash("Đã ghi nhận kết quả xem xét trùng lặp.", "success")
    except DocumentFrozen as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for(".document", document_id=flag.document_id))


@bp.route("/audit")
def audit():
    action = nfc(request.args.get("action", ""))[:64]
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    page = db.paginate(query, page=request_page(), per_page=100, max_per_page=500,
                       error_out=False)
    return render_template("staff/audit.html", page=page, action=action)


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users():
    if request.method == "POST":
        try:
            create_user(request.form.get("username", ""), request.form.get("password", ""),
                        request.form.get("role", "editor"), request.form.get("full_name", ""))
            flash("Đã tạo tài khoản.", "success")
            return redirect(url_for(".users"))
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
    accounts = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("staff/users.html", accounts=accounts, roles=list(Role))


@bp.route("/users/<int:user_id>", methods=["POST"])
@role_required(Role.ADMIN)
def update_account(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id and request.form.get("role") != Role.ADMIN.value:
        flash("Không thể tự bỏ quyền quản trị của chính mình.", "error")
        return redirect(url_for(".users"))
    try:
        update_user(user, request.form.get("role", user.role), request.form.get("active") == "1")
        flash("Đã cập nhật tài khoản.", "success")
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for(".users"))
