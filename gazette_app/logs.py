"""Logs: every line carries the id of the request it belongs to, as text or as one JSON object
per line (GAZETTE_LOG_FORMAT=json) for a log collector.

The request id comes from the reverse proxy's X-Request-ID header when it is a plausible id
(nginx: ``proxy_set_header X-Request-ID $request_id``), else it is made here; it is returned in
the response's X-Request-ID header, so a user's report, the proxy's log, gunicorn's access log
and the app's log lines can be matched.
"""
from __future__ import annotations

import json
import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_PLAUSIBLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def request_id() -> str:
    return getattr(g, "request_id", "-") if has_request_context() else "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage(),
                 "request_id": getattr(record, "request_id", "-")}
        if has_request_context():
            entry.update(method=request.method, path=request.path,
                         remote_addr=request.remote_addr)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str, form: str) -> None:
    """One handler on the root logger (stderr: gunicorn and systemd collect it)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "gazette", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.gazette = True  # type: ignore[attr-defined]
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if form == "json" else logging.Formatter(TEXT_FORMAT))
    root.setLevel(level)


def init_app(app: Flask) -> None:
    configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get(HEADER, "")
        g.request_id = given if _PLAUSIBLE.match(given) else uuid.uuid4().hex

    @app.after_request
    def _return_request_id(response):
        response.headers[HEADER] = request_id()
        return response
