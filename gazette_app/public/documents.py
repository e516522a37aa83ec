"""A document's public page at a readable URL, its files, and its citation."""
from __future__ import annotations

from flask import abort, redirect, render_template, request
from sqlalchemy import select, update

from .. import clock
from ..document_text import text_blocks
from ..extensions import db
from ..inputs import db_int
from ..models import Document, DocumentFile, Issuer, public_documents
from ..public_record import (
    citation,
    document_url,
    public_document_or_404,
    public_relations,
)
from ..storage import send_stored
from ..vocabulary import RELATION_LABELS
from .blueprint import bp


@bp.app_context_processor
def _document_helpers() -> dict:
    return {"document_url": document_url}


@bp.route("/van-ban/<int:document_id>")
def document(document_id: int):
    """Old id URLs lead to the readable one."""
    doc = public_document_or_404(document_id)
    return redirect(document_url(doc), code=301)


@bp.route("/van-ban/<issuer>/<int:year>/<slug>")
def document_page(issuer: str, year: int, slug: str):
    number = slug.split("-", 1)[0]
    try:
        seq = db_int(number)
    except ValueError:
        abort(404)
    candidates = [d for d in db.session.scalars(select(Document).join(Issuer).where(
        Issuer.code == issuer, Document.year == year, Document.seq == seq,
        public_documents())) if d.slug == slug]
    if not candidates:
        abort(404)
    if len(candidates) > 1 and request.args.get("id", type=db_int) not in {d.id for d in
                                                                         candidates}:
        return render_template("public/document_choice.html", documents=candidates), 300
    doc = next(d for d in candidates if len(candidates) == 1 or d.id == request.args.get(
        "id", type=db_int))
    db.session.execute(update(Document).where(Document.id == doc.id)
                       .values(view_count=Document.view_count + 1))
    db.session.commit()
    relations, public_ids = public_relations(doc)
    return render_template("public/document.html", doc=doc, citation=citation(doc),
                           relations=relations, labels=RELATION_LABELS, public_ids=public_ids,
                           timeline=doc.status_timeline(), today=clock.today(),
                           blocks=text_blocks(doc.body_text))


@bp.route("/van-ban/<int:document_id>/tep/<int:file_id>")
def document_file(document_id: int, file_id: int):
    """A document's file, by id only: the user's file name never reaches the file system.
    PDFs open in the browser; ?tai=1 downloads."""
    doc = public_document_or_404(document_id)
    file = db.session.get(DocumentFile, file_id)
    if file is None or file.document_id != doc.id or not file.public:
        abort(404)
    download = request.args.get("tai") == "1" or file.media_type != "application/pdf"
    if download:
        db.session.execute(update(Document).where(Document.id == doc.id)
                           .values(download_count=Document.download_count + 1))
        db.session.commit()
    return send_stored(file.sha256, file.media_type, file.filename, as_attachment=download)
