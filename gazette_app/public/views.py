"""Public pages (Vietnamese). The full public site comes with the public-website issue."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from sqlalchemy import select, text

from ..extensions import db
from ..models import Document, Issue, IssueEntry

bp = Blueprint("public", __name__, template_folder="templates")


@bp.route("/")
def home():
    latest = db.session.scalars(select(Document).where(Document.state != "withdrawn")
                                .order_by(Document.issued.desc(), Document.id.desc())
                                .limit(20)).all()
    return render_template("public/home.html", latest=latest)


@bp.route("/van-ban/<int:document_id>")
def document(document_id: int):
    """A document's public page (the readable URLs and the full page come with the public
    website; this id URL will then redirect there)."""
    doc = db.session.get(Document, document_id)
    if doc is None or doc.state == "withdrawn":
        abort(404)
    entry = db.session.scalar(select(IssueEntry).join(Issue).where(
        IssueEntry.document_id == doc.id, Issue.state == "published"))
    return render_template("public/document.html", doc=doc, entry=entry)


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
