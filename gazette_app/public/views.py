"""Public pages (Vietnamese): the home page and health. Areas live beside this module:
documents.py, gazette.py (issues), search.py, feeds.py."""
from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request
from sqlalchemy import select, text

from ..extensions import db
from ..models import Document, Issue, public_documents, published_issues
from ..readiness import readiness
from ..security import safe_local_path
from .blueprint import bp


@bp.route("/")
def home():
    issues = db.session.scalars(select(Issue).where(published_issues())
                                .order_by(Issue.date.desc(), Issue.id.desc()).limit(6)).all()
    latest = db.session.scalars(select(Document).where(public_documents())
                                .order_by(Document.issued.desc(), Document.id.desc())
                                .limit(12)).all()
    return render_template("public/home.html", issues=issues, latest=latest)


TEXT_SIZES = ("nho", "vua", "lon")


@bp.route("/co-chu/<size>")
def text_size(size: str):
    """Text size control without JavaScript: remembered in a cookie, then back to the page."""
    response = redirect(safe_local_path(request.args.get("next"), "/"))
    if size in TEXT_SIZES:
        response.set_cookie("co_chu", size, max_age=365 * 86400, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.app_context_processor
def text_size_class() -> dict:
    size = request.cookies.get("co_chu", "vua") if request else "vua"
    return {"text_size": size if size in TEXT_SIZES else "vua"}


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/readyz")
def readyz():
    """Ready to take traffic: database at this release's schema, file store writable with
    room left, search index answering. 503 with the failing checks otherwise (a load balancer
    sends no users to this server until it is ready; the reasons are in the log)."""
    checks = readiness()
    ready = all(check == "ok" for check in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503
