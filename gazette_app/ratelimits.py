"""Who a request counts as for rate limits, and how much it may do."""
from __future__ import annotations

from flask import current_app, g, request
from flask_limiter import Limiter
from sqlalchemy import select

from . import ratelimit_storage  # noqa: F401  (registers gazette-sqlite:// with limits)
from .extensions import db
from .models import ApiKey


def api_key() -> ApiKey | None:
    """The active API key sent in X-API-Key, looked up once per request."""
    if "api_key" not in g:
        sent = request.headers.get("X-API-Key", "")[:200]
        g.api_key = db.session.scalar(select(ApiKey).where(
            ApiKey.key_hash == ApiKey.hash(sent), ApiKey.active.is_(True))) if sent else None
    return g.api_key


def client_key() -> str:
    """Rate limits count per API key when a valid one is sent, else per address."""
    key = api_key()
    if key is not None:
        return f"key:{key.id}"
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_key, headers_enabled=True)


def api_rate() -> str:
    key = api_key()
    return key.rate_limit if key is not None else current_app.config["GAZETTE_API_RATE"]


def search_rate() -> str:
    return current_app.config["GAZETTE_SEARCH_RATE"]


def feedback_rate() -> str:
    return current_app.config["GAZETTE_FEEDBACK_RATE"]


def limits_off() -> bool:
    """RATELIMIT_ENABLED of the app serving the request (the limiter object is shared)."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)
