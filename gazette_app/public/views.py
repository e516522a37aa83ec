"""Public pages (Vietnamese): the home page and health. Areas live beside this module:
documents.py, gazette.py (issues), search.py, feeds.py."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import select, text

from ..extensions import db
from ..models import Document, Issue

bp = Blueprint("public", __name__, template_folder="templates")


@bp.route("/")
def home():
    issues = db.session.scalars(select(Issue).where(Issue.state == "published")
                                .order_by(Issue.date.desc(), Issue.id.desc()).limit(6)).all()
    latest = db.session.scalars(select(Document).where(Document.state != "withdrawn")
                                .order_by(Document.issued.desc(), Document.id.desc())
                                .limit(12)).all()
    return render_template("public/home.html", issues=issues, latest=latest)


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
