"""Jinja filters and globals shared by every blueprint's templates."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast
from urllib.parse import quote

from flask import Flask, current_app, request, url_for

from print_templates.dates import short_date
from search_index.analysis import slugify

from . import clock
from .document_text import articles
from .formatting import vn_number
from .masthead import current_masthead
from .models import Role
from .vocabulary import STATUS_TAGS, document_title


def vn_date(value: date | None) -> str:
    """Dates as Decree 30/2020 writes them: 13/7/2026, 05/01/2026 (print_templates.dates)."""
    return short_date(value) if value else ""


def vn_datetime(value: datetime | None) -> str:
    """"13/7/2026 08:05" in Vietnam's time."""
    if not value:
        return ""
    local = value.astimezone(clock.zone())
    return f"{short_date(local.date())} {local:%H:%M}"


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (pagination, filters)."""
    args: dict[str, Any] = request.args.to_dict()
    args.update({k: v for k, v in changes.items()})
    return url_for(cast(str, request.endpoint), **(request.view_args or {}), **args)


def filesize(size: int | None) -> str:
    """Sizes as Vietnamese readers write them: "245 KB", "1,2 MB" (a no-break space: a
    phone's narrow column never puts the unit on a line of its own)."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}\u00a0KB"
    return f"{size / (1024 * 1024):.1f}\u00a0MB".replace(".", ",")


URL_SAFE = "/:@!$&'()*+,;=-._~%"  # what a path may carry as it is; the rest is %-escaped


def public_url(path: str) -> str:
    """``path`` on the site's public address (GAZETTE_PUBLIC_URL): canonical links and Open
    Graph URLs name the address citizens use, not the one a proxy forwarded to."""
    return current_app.config["GAZETTE_PUBLIC_URL"].rstrip("/") + quote(path, safe=URL_SAFE)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["vn_date"] = vn_date
    app.jinja_env.filters["vn_datetime"] = vn_datetime
    app.jinja_env.filters["vn_number"] = vn_number
    app.jinja_env.filters["slug"] = slugify
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.globals["public_url"] = public_url
    app.jinja_env.globals["doc_title"] = document_title
    app.jinja_env.globals["status_tag"] = lambda code: STATUS_TAGS.get(code, "")
    app.jinja_env.globals["articles"] = articles
    app.jinja_env.globals["masthead"] = current_masthead  # the footer names the office
