"""The JSON API under /api/v1 (the mobile app's endpoints grow here in later issues)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify

from ..extensions import db
from ..models import Document
from .schemas import DocumentSchema

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/")
def index():
    return jsonify(name="Công báo API", version="1")


@bp.route("/documents/<int:document_id>")
def document(document_id: int):
    doc = db.session.get(Document, document_id)
    if doc is None or doc.state == "withdrawn":
        abort(404)
    return jsonify(DocumentSchema().dump(doc))
