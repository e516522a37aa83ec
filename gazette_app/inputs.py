"""Bounds on what a request may carry before it reaches the database or a loop.

Every integer taken from a URL, a query string or a form goes through ``db_int``: PostgreSQL's
``integer`` holds 2**31-1 and SQLite raises OverflowError past 2**63-1, so an unbounded
"99999999999999999999" became a server error. Route integers are bounded by the app's ``int``
converter, ``DatabaseInteger`` (the URL map walk in tests/test_hardening.py checks every rule).
"""
from __future__ import annotations

import builtins

from flask import request
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1


class DatabaseInteger(IntegerConverter):
    """``<int:...>`` in every route: at most ``DB_INT_MAX`` (or the rule's own smaller
    ``max``), so a larger number in a URL is a 404, never a database error."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        ceiling = kwargs.get("max")
        kwargs["max"] = DB_INT_MAX if ceiling is None else builtins.min(ceiling, DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def db_int(value: object) -> int:
    """``int(value)`` for a non-negative integer that fits the database; ValueError otherwise
    (so it works as werkzeug's ``args.get(name, type=db_int)``, giving None)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > DB_INT_MAX:
        raise ValueError(f"not an integer from 0 to {DB_INT_MAX}: {text[:20]!r}")
    return int(text)


def optional_int(value: object) -> int | None:
    """``db_int(value)``, or None when it is not one."""
    try:
        return db_int(value)
    except ValueError:
        return None


def request_page(maximum: int = 100_000) -> int:
    """The ``page`` of a list (1 when absent or bad), so that the offset stays in range."""
    return min(optional_int(request.args.get("page")) or 1, maximum)


def bounded_count(value: object, maximum: int) -> int:
    """A count a form asks for (rows to read, items to make), 0 when absent or bad, at most
    ``maximum``: a request must not hold a worker for minutes by asking for ten million."""
    try:
        return min(db_int(value or 0), maximum)
    except ValueError:
        return 0
