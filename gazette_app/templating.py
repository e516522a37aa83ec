"""Jinja filters and globals shared by every blueprint's templates."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for

from search_index.analysis import slugify

from .models import Role
from . import clock
from .formatting import vn_number



def vn_date(value: date | None) -> str:
    """Dates as Vietnamese readers write them: 13/07/2026."""
    return value.strftime("%d/%m/%Y") if value else ""


def vn_datetime(value: datetime | None) -> str:
    return value.astimezone(clock.zone()).strftime("%d/%m/%Y %H:%M") if value else ""


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (pagination, filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items()})
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["vn_date"] = vn_date
    app.jinja_env.filters["vn_datetime"] = vn_datetime
    app.jinja_env.filters["vn_number"] = vn_number
    app.jinja_env.filters["slug"] = slugify
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["Role"] = Role
