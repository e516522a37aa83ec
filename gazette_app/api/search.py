"""GET /api/v1/search: the mobile app's search, with filters, facets, highlights, pages.

Filters take codes (``issuer=ubnd-tinh``, ``doc_type=quyet-dinh``, ``status=in_force``) and
facets answer ``{"code", "label", "count"}``, so a facet's code can be passed back as a filter.
A code the vocabulary does not know, a start date after the end date, or a page past the last
are 400s naming the field (an empty 200 would look like "no document")."""
from __future__ import annotations

from flask import jsonify, request
from marshmallow import ValidationError

from ..public.hits import describe_hits
from ..search import get_backend, log_search
from ..search_args import SearchArgsSchema, blank_to_none, resolve_codes, to_query
from ..vocabulary import STATUS_LABELS
from .views import bp, field_error, first_problem


def _facets(facets: dict, codes: dict) -> dict:
    labels = {"status": lambda v: STATUS_LABELS.get(v, v)}
    return {name: [{"code": codes[name].get(value, str(value)) if name in codes else str(value),
                    "label": labels.get(name, str)(value), "count": count}
                   for value, count in counts] for name, counts in facets.items()}


def _hit(view) -> dict:
    hit = view.hit
    publication = None
    if view.issue_label:
        publication = {"issue": view.issue_label, "year": view.issue_year,
                       "number": view.issue_number, "page": view.page,
                       "label": view.publication, "url": view.issue_url}
    return {"id": hit.id, "title": view.title, "notation": hit.notation,
            "issuer": hit.issuer, "issuer_code": hit.issuer_code, "doc_type": hit.doc_type,
            "type_name": view.type_name, "issued": hit.issued.isoformat(),
            "abstract": hit.abstract, "status": view.status, "status_label": view.status_label,
            "legal": hit.legal, "highlights": hit.highlights, "url": view.url,
            "publication": publication}


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
    return jsonify(
        total=result.total, total_relation=result.total_relation, page=result.page,
        size=result.size, pages=result.pages,
        suggestion=result.suggestion, relaxed=result.relaxed,
        results=[_hit(view) for view in describe_hits(result.hits, external=True)],
        facets=_facets(result.facets, codes))
