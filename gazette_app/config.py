"""Settings, read from environment variables. Every setting is documented in README.md.

The instance folder (``GAZETTE_INSTANCE``, default ``instance/`` beside the package) holds all
runtime data: the SQLite database, the file store, the search index, generated PDFs, backups.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .clock import parse_dates

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    return Path(os.environ.get("GAZETTE_INSTANCE") or PROJECT_ROOT / "instance").resolve()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _zone_name(name: str) -> str:
    """A time zone the system knows, else a clear refusal naming the setting."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"GAZETTE_TIMEZONE: unknown time zone {name!r} "
                         "(for example Asia/Ho_Chi_Minh)") from None
    return name


def _secret_key(instance: Path) -> str:
    """GAZETTE_SECRET_KEY, or a key generated once and kept in the instance (mode 600)."""
    key = os.environ.get("GAZETTE_SECRET_KEY")
    if key:
        return key
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"]


def trusted_hosts(setting: str, public_url: str) -> list[str] | None:
    """GAZETTE_TRUSTED_HOSTS (comma-separated names; ".example.gov.vn" takes its subdomains;
    "*" takes any host, for development only), by default the host of GAZETTE_PUBLIC_URL and
    the loopback names (health checks, the machine itself)."""
    if setting.strip() == "*":
        return None
    names = [name.strip() for name in setting.split(",") if name.strip()]
    public_host = urlsplit(public_url).hostname
    return names or ([public_host] if public_host else []) + LOOPBACK_HOSTS


def from_environment(instance: Path) -> dict:
    """The configuration mapping for ``app.config``."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'gazette.sqlite3'}"
    public_url = os.environ.get("GAZETTE_PUBLIC_URL", "http://127.0.0.1:5000")
    secure = _bool("GAZETTE_SECURE_COOKIES", public_url.startswith("https://"))
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "GAZETTE_PROVINCE": os.environ.get("GAZETTE_PROVINCE", "Sơn La"),
        "LOGIN_MAX_FAILURES": int(os.environ.get("GAZETTE_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("GAZETTE_LOGIN_LOCK_MINUTES", "15")),
        "PASSWORD_MIN_LENGTH": int(os.environ.get("GAZETTE_PASSWORD_MIN_LENGTH", "10")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A staff session ends after this long at the latest, or after the idle time unused.
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("GAZETTE_SESSION_MINUTES", "480")) * 60,
        "SESSION_IDLE_MINUTES": int(os.environ.get("GAZETTE_SESSION_IDLE_MINUTES", "60")),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are believed (nginx: 1).
        "TRUSTED_PROXIES": int(os.environ.get("GAZETTE_TRUSTED_PROXIES", "0")),
        "LOG_FORMAT": os.environ.get("GAZETTE_LOG_FORMAT", "text"),  # or json
        "PAGE_SIZE": 50,
        "MAX_CONTENT_LENGTH": int(os.environ.get("GAZETTE_MAX_UPLOAD_MB", "200")) * 1024 * 1024,
        "GAZETTE_PUBLIC_URL": public_url,
        "GAZETTE_PAGE_NUMBERING": os.environ.get("GAZETTE_PAGE_NUMBERING", "issue"),
        "GAZETTE_MASTHEAD": os.environ.get("GAZETTE_MASTHEAD", ""),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),  # rate-limit counters, job wake-ups
        # Without Redis, the worker processes of this machine share a counter file.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL")
        or f"gazette-sqlite://{instance / 'ratelimits.sqlite3'}",
        "RATELIMIT_HEADERS_ENABLED": True,
        "GAZETTE_API_RATE": os.environ.get("GAZETTE_API_RATE", "120 per minute"),
        "GAZETTE_FEEDBACK_RATE": os.environ.get("GAZETTE_FEEDBACK_RATE", "5 per hour;20 per day"),
        # Documents an issuing body may send through the intake API (per key).
        "GAZETTE_INTAKE_RATE": os.environ.get("GAZETTE_INTAKE_RATE", "30 per minute;500 per day"),
        "GAZETTE_CORS_ORIGINS": os.environ.get("GAZETTE_CORS_ORIGINS", "*"),
        "SEARCH_BACKEND": os.environ.get("SEARCH_BACKEND", "tantivy"),
        # The content-addressed file store; on several servers, one shared path (NFS).
        "FILE_STORE": os.environ.get("GAZETTE_STORE") or str(instance / "store"),
        "MIN_FREE_MB": int(os.environ.get("GAZETTE_MIN_FREE_MB", "500")),  # /readyz fails below
        # Public searches are counted for the statistics in batches (one insert per batch).
        "SEARCH_LOG_BATCH": int(os.environ.get("GAZETTE_SEARCH_LOG_BATCH", "50")),
        "SEARCH_LOG_SECONDS": float(os.environ.get("GAZETTE_SEARCH_LOG_SECONDS", "5")),
        "GAZETTE_SIGNING_PKCS12": os.environ.get("GAZETTE_SIGNING_PKCS12", ""),
        "GAZETTE_SIGNING_PASSWORD": os.environ.get("GAZETTE_SIGNING_PASSWORD", ""),
        "LOG_LEVEL": os.environ.get("GAZETTE_LOG_LEVEL", "INFO"),
        # Receiving: one file's limit (a request may carry several, up to MAX_CONTENT_LENGTH).
        "MAX_FILE_BYTES": int(os.environ.get("GAZETTE_MAX_FILE_MB", "50")) * 1024 * 1024,
        "CONVERT_TIMEOUT": float(os.environ.get("GAZETTE_CONVERT_TIMEOUT", "180")),
        "OCR_TIMEOUT": float(os.environ.get("GAZETTE_OCR_TIMEOUT", "900")),
        # Background jobs: "thread" runs them in each app process; "manual" leaves them to
        # `flask --app wsgi worker` (or to the tests, which call jobs.run_pending()).
        "JOB_RUNNER": os.environ.get("GAZETTE_JOB_RUNNER", "thread"),
        "JOB_POLL_SECONDS": float(os.environ.get("GAZETTE_JOB_POLL_SECONDS", "2")),
        "JOB_STALE_SECONDS": int(os.environ.get("GAZETTE_JOB_STALE_SECONDS", "1800")),
        # Publication deadline counted from receipt; "due soon" when this close to it.
        "PUBLISH_DEADLINE_DAYS": int(os.environ.get("GAZETTE_PUBLISH_DAYS", "3")),
        "PUBLISH_DEADLINE_WORKING_DAYS": _bool("GAZETTE_PUBLISH_WORKING_DAYS", True),
        "DUE_SOON_DAYS": int(os.environ.get("GAZETTE_DUE_SOON_DAYS", "1")),
        # The issuing body sends a document within this many days of signing (Law 64/2025
        # Art. 9(1)); a later receipt counts as "gửi chậm" in the dashboard and statistics.
        "ISSUER_SEND_DAYS": int(os.environ.get("GAZETTE_ISSUER_SEND_DAYS", "3")),
        # The new-issue page proposes the documents due soonest up to this many pages.
        "ISSUE_PAGE_BUDGET": int(os.environ.get("GAZETTE_ISSUE_PAGE_BUDGET", "100")),
        # Quarterly volumes printed on both sides: every issue starts on a right-hand page.
        "VOLUME_DOUBLE_SIDED": _bool("GAZETTE_VOLUME_DOUBLE_SIDED", True),
        # The gazette's clock and calendar (gazette_app/clock.py): "today" is a day in this zone;
        # working days skip Vietnam's public holidays and the announced days off, and count the
        # announced make-up working days (ISO dates, comma-separated).
        "GAZETTE_TIMEZONE": _zone_name(os.environ.get("GAZETTE_TIMEZONE", "Asia/Ho_Chi_Minh")),
        "GAZETTE_DAYS_OFF": parse_dates(os.environ.get("GAZETTE_DAYS_OFF", ""),
                                        "GAZETTE_DAYS_OFF"),
        "GAZETTE_EXTRA_WORKING_DAYS": parse_dates(
            os.environ.get("GAZETTE_EXTRA_WORKING_DAYS", ""), "GAZETTE_EXTRA_WORKING_DAYS"),
        # Registered documents public before their issue is published (marked "chưa đăng
        # Công báo"). Off: the public sees only what a published issue carries.
        "SHOW_UNPUBLISHED": _bool("GAZETTE_SHOW_UNPUBLISHED", False),
        # --- Security settings ---
        # Host names the app answers to (Host header); any other gets 400. Absolute links are
        # built from GAZETTE_PUBLIC_URL whatever the Host header says.
        "TRUSTED_HOSTS": trusted_hosts(os.environ.get("GAZETTE_TRUSTED_HOSTS", ""), public_url),
        # Public search pages a client may load (the API has GAZETTE_API_RATE).
        "GAZETTE_SEARCH_RATE": os.environ.get("GAZETTE_SEARCH_RATE", "60 per minute"),
        # The signed e-edition (issue 19). In production publishing needs a usable certificate
        # (GAZETTE_SIGNING_PKCS12) unless an administrator allows unsigned publication; outside
        # production the instance's demo certificate (`flask --app wsgi demo-certificate`,
        # run by `make run`) signs when no certificate is configured.
        "PRODUCTION": _bool("GAZETTE_PRODUCTION", False),
        "SIGNING_ALLOW_UNSIGNED": _bool("GAZETTE_ALLOW_UNSIGNED", False),
        "SIGNING_DEMO_PKCS12": str(instance / "signing" / "demo-certificate.p12"),
    }
