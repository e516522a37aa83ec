"""The public search page /tim-kiem: works without JavaScript, on a phone first."""
from __future__ import annotations

from flask import render_template, request
from marshmallow import ValidationError

from ..ratelimits import limiter, limits_off, search_rate
from ..search import get_backend, log_search
from ..search_args import SearchArgsSchema, blank_to_none, to_query
from ..vocabulary import STATUS_LABELS
from .views import bp

FACET_TITLES = {"issuer": "Cơ quan ban hành", "doc_type": "Loại văn bản", "year": "Năm",
                "status": "Tình trạng hiệu lực"}


@bp.route("/tim-kiem")
@limiter.limit(search_rate, exempt_when=limits_off)
def search():
    args = blank_to_none(request.args.to_dict())
    errors = {}
    try:
        values = SearchArgsSchema().load(args)
    except ValidationError as error:
        errors = error.messages
        values = SearchArgsSchema().load({k: v for k, v in args.items() if k not in errors})
    query = to_query(values)
    result = get_backend().search(query)
    log_search(query, result, "web")
    return render_template("public/search.html", result=result, values=values, errors=errors,
                           facet_titles=FACET_TITLES, statuses=STATUS_LABELS)
