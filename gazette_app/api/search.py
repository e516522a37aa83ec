"""GET /api/v1/search: the mobile app's search, with filters, facets, highlights, pages."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError

from ..search import get_backend, log_search
from ..search_args import SearchArgsSchema, blank_to_none, to_query
from ..security import public_url_for
from .views import bp, field_error, first_problem


@bp.route("/search")
def search():
    try:
        values = SearchArgsSchema().load(blank_to_none(request.args.to_dict()))
    except ValidationError as error:
        field, message = first_problem(error.messages)
        return field_error(field, message, fields=error.messages)
    query = to_query(values)
    result = get_backend().search(query)
    log_search(query, result, "app")
    return jsonify(
        total=result.total, page=result.page, size=result.size, pages=result.pages,
        suggestion=result.suggestion, relaxed=result.relaxed,
        results=[{
            "id": hit.id, "notation": hit.notation, "issuer": hit.issuer,
            "issuer_code": hit.issuer_code, "doc_type": hit.doc_type,
            "issued": hit.issued.isoformat(), "abstract": hit.abstract, "status": hit.status,
            "legal": hit.legal, "highlights": hit.highlights,
            "url": public_url_for("public.document", document_id=hit.id),
        } for hit in result.hits],
        facets={name: [{"value": value, "count": count} for value, count in counts]
                for name, counts in result.facets.items()})
