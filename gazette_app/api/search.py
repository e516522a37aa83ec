"""GET /api/v1/search: the mobile app's search, with filters, facets, highlights, pages.

Filters take codes (``issuer=ubnd-tinh``, ``doc_type=quyet-dinh``, ``status=in_force``) and
facets answer ``{"code", "label", "count"}``, so a facet's code can be passed back as a filter.
A code the vocabulary does not know, a start date after the end date, or a page past the last
are 400s naming the field (an empty 200 would look like "no document")."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError

from ..public_record import describe_hits
from ..schemas.search import (
    SearchArgsSchema,
    SearchResultSchema,
    blank_to_none,
    resolve_codes,
    to_query,
)
from ..search import get_backend, log_search
from ..vocabulary import STATUS_LABELS
from .blueprint import bp
from .views import field_error, first_problem


def _facets(facets: dict, codes: dict) -> dict:
    labels = {"status": lambda v: STATUS_LABELS.get(v, v)}
    return {name: [{"code": codes[name].get(value, str(value)) if name in codes else str(value),
                    "label": labels.get(name, str)(value), "count": count}
                   for value, count in counts] for name, counts in facets.items()}


@bp.route("/search")
def search():
    try:
        values = SearchArgsSchema().load(blank_to_none(request.args.to_dict()))
        values, codes = resolve_codes(values)
    except ValidationError as error:
        field, message = first_problem(error.messages)
        return field_error(field, message, fields=error.messages)
    query = to_query(values)
    result = get_backend().search(query)
    if values["page"] > result.pages:
        return field_error("page", f"Trang {values['page']} vượt quá số trang "
                                   f"({result.pages}).")
    log_search(query, result, "app")
    return jsonify(SearchResultSchema().dump({
        "total": result.total, "total_relation": result.total_relation, "page": result.page,
        "size": result.size, "pages": result.pages,
        "suggestion": result.suggestion, "relaxed": result.relaxed,
        "results": describe_hits(result.hits, external=True),
        "facets": _facets(result.facets, codes)}))
