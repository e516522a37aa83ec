"""The public search page /tim-kiem: works without JavaScript, on a phone first."""
from __future__ import annotations

from dataclasses import replace
from typing import cast

from flask import render_template, request
from marshmallow import ValidationError

from ..models.title import CURRENT_SLUG
from ..public_record import describe_hits
from ..ratelimits import limiter, limits_off, search_rate
from ..schemas.search import (
    DATE_FIELDS,
    SearchArgsSchema,
    blank_to_none,
    resolve_codes,
    to_query,
    vn_dates_to_iso,
)
from ..search import get_backend, log_search
from ..services.titles import former_titles
from ..vocabulary import STATUS_LABELS
from .blueprint import bp

FACET_TITLES = {"issuer": "Cơ quan ban hành", "doc_type": "Loại văn bản", "year": "Năm",
                "status": "Tình trạng hiệu lực"}
FILTER_TITLES = {"issuer": "cơ quan ban hành", "doc_type": "loại văn bản", "legal": "nhóm",
                 "status": "tình trạng", "field": "lĩnh vực", "date_from": "từ ngày",
                 "date_to": "đến ngày", "year": "năm", "issue": "số Công báo",
                 "title": "tên Công báo"}
DATE_MESSAGE = "Ngày không hợp lệ: viết ngày/tháng/năm, ví dụ 15/3/2026."


def _load(args: dict) -> tuple[dict, dict]:
    """Valid arguments, and the messages of those refused (they are searched without)."""
    try:
        values, errors = SearchArgsSchema().load(args), {}
    except ValidationError as error:
        errors = {name: ([DATE_MESSAGE] if name in DATE_FIELDS and "sau ngày" not in str(message)
                         else message) for name, message in cast(dict, error.messages).items()}
        values = SearchArgsSchema().load({k: v for k, v in args.items() if k not in errors})
    try:
        return resolve_codes(values)[0], errors
    except ValidationError as error:
        errors |= cast(dict, error.messages)
        return resolve_codes(values | {name: None for name in error.messages})[0], errors


def _without_each_filter(query, values: dict) -> list[dict]:
    """For a search that found nothing: how many it finds without each of its filters."""
    backend, options = get_backend(), []
    for name, title in FILTER_TITLES.items():
        if values.get(name) is None:
            continue
        field = "gazette" if name == "title" else name  # the argument's name in the query
        count = backend.search(replace(query, **{field: None}, page=1, size=1)).total
        options.append({"name": name, "title": title, "count": count})
    return options


@bp.route("/tim-kiem")
@limiter.limit(search_rate, exempt_when=limits_off)
def search():
    args = vn_dates_to_iso(blank_to_none(request.args.to_dict()))
    values, errors = _load(args)
    query = to_query(values)
    result = get_backend().search(query)
    log_search(query, result, "web")
    hits = describe_hits(result.hits)
    relax = _without_each_filter(query, values) if result.total == 0 else []
    return render_template("public/search.html", result=result, hits=hits, values=values,
                           errors=errors, raw=request.args, facet_titles=FACET_TITLES,
                           statuses=STATUS_LABELS, relax=relax, former=former_titles(),
                           current_slug=CURRENT_SLUG)
