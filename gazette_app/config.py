"""Settings, read from environment variables: one table, ``SETTINGS``, names each setting's
variable, the ``app.config`` key it fills, its default and how its text is read and checked.
A bad value stops the app at start with a message naming the variable (every bad one at
once), never a bare ``ValueError`` or a failure at the first request that needs it. Every
variable is documented in README.md (a test checks the table against it).

The instance folder (``GAZETTE_INSTANCE``, default ``instance/`` beside the package) holds all
runtime data: the SQLite database, the file store, the search index, generated PDFs, backups.
"""
from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse_many

from .clock import parse_dates

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEARCH_BACKENDS = ("tantivy", "whoosh", "tantivy-replica", "postgres")

Reader = Callable[[str], Any]
# A default computed from the instance folder and the settings read before it.
Derived = Callable[[Path, dict], Any]


class SettingsError(ValueError):
    """One or more settings are wrong; the message names each variable and what it takes."""


@dataclass(frozen=True)
class Setting:
    variable: str
    key: str
    default: Any  # a value (read as if the variable held it) or a Derived callable
    read: Reader = str
    older_names: tuple[str, ...] = ()  # variables this one replaced, still read


def instance_path() -> Path:
    return Path(os.environ.get("GAZETTE_INSTANCE") or PROJECT_ROOT / "instance").resolve()


# --- readers: text of a variable -> value, ValueError saying what is expected ---------------

def _bounded(convert: Callable[[str], float], what: str, low: float, high: float,
             scale: int = 1) -> Reader:
    def read(text: str):
        try:
            value = convert(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not {what}") from None
        if not low <= value <= high:
            raise ValueError(f"{value:g} is outside {low:g}..{high:g}")
        return value * scale
    return read


def whole_number(low: int, high: int, scale: int = 1) -> Reader:
    """An integer from ``low`` to ``high``, times ``scale`` (minutes to seconds, MB to bytes)."""
    return _bounded(int, "a whole number", low, high, scale)


def seconds(low: float, high: float) -> Reader:
    return _bounded(float, "a number of seconds", low, high)


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def yes_no(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError(f"{text!r} is not true/false (1/0, yes/no, on/off)")


def one_of(*choices: str) -> Reader:
    def read(text: str) -> str:
        value = text.strip()
        if value not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return value
    return read


def rate(text: str) -> str:
    """A rate limit as flask-limiter reads it ("120 per minute", "5 per hour;20 per day")."""
    try:
        parse_many(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a rate such as '120 per minute'") from None
    return text


def web_address(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{text!r} is not an http(s) address such as https://congbao.example.vn")
    return text.strip()


def zone(text: str) -> str:
    """A time zone the system knows."""
    try:
        ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {text!r} (for example Asia/Ho_Chi_Minh)") from None
    return text.strip()


def log_level(text: str) -> str:
    level = text.strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"{text!r} is not a log level (DEBUG, INFO, WARNING, ERROR)")
    return level


# --- defaults computed from the instance or from earlier settings ----------------------------

def _secret_key(instance: Path, _values: dict) -> str:
    """A key generated once and kept in the instance (mode 600), when none is given."""
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


def _in_instance(name: str) -> Derived:
    return lambda instance, _values: str(instance / name)


MINUTE = 60
MB = 1024 * 1024

SETTINGS: tuple[Setting, ...] = (
    Setting("GAZETTE_SECRET_KEY", "SECRET_KEY", _secret_key),
    Setting("DATABASE_URL", "SQLALCHEMY_DATABASE_URI",
            lambda instance, _v: f"sqlite:///{instance / 'gazette.sqlite3'}"),
    Setting("GAZETTE_PROVINCE", "GAZETTE_PROVINCE", "Sơn La"),
    Setting("GAZETTE_PUBLIC_URL", "GAZETTE_PUBLIC_URL", "http://127.0.0.1:5000", web_address),
    Setting("GAZETTE_LOGIN_MAX_FAILURES", "LOGIN_MAX_FAILURES", "5", whole_number(1, 1000)),
    Setting("GAZETTE_LOGIN_LOCK_MINUTES", "LOGIN_LOCK_MINUTES", "15", whole_number(1, 10080)),
    Setting("GAZETTE_PASSWORD_MIN_LENGTH", "PASSWORD_MIN_LENGTH", "10", whole_number(8, 128)),
    Setting("GAZETTE_SECURE_COOKIES", "SESSION_COOKIE_SECURE",
            lambda _i, values: values["GAZETTE_PUBLIC_URL"].startswith("https://"), yes_no),
    # A staff session ends after this long at the latest, or after the idle time unused.
    Setting("GAZETTE_SESSION_MINUTES", "PERMANENT_SESSION_LIFETIME", "480",
            whole_number(5, 10080, scale=MINUTE)),
    Setting("GAZETTE_SESSION_IDLE_MINUTES", "SESSION_IDLE_MINUTES", "60",
            whole_number(1, 10080)),
    # Reverse proxies in front of the app whose X-Forwarded-* headers are believed (nginx: 1).
    Setting("GAZETTE_TRUSTED_PROXIES", "TRUSTED_PROXIES", "0", whole_number(0, 5)),
    Setting("GAZETTE_LOG_FORMAT", "LOG_FORMAT", "text", one_of("text", "json")),
    Setting("GAZETTE_LOG_LEVEL", "LOG_LEVEL", "INFO", log_level),
    Setting("GAZETTE_MAX_UPLOAD_MB", "MAX_CONTENT_LENGTH", "200",
            whole_number(1, 4096, scale=MB)),
    # Receiving: one file's limit (a request may carry several, up to MAX_CONTENT_LENGTH).
    Setting("GAZETTE_MAX_FILE_MB", "MAX_FILE_BYTES", "50", whole_number(1, 4096, scale=MB)),
    Setting("GAZETTE_PAGE_NUMBERING", "GAZETTE_PAGE_NUMBERING", "issue", one_of("issue", "year")),
    Setting("GAZETTE_MASTHEAD", "GAZETTE_MASTHEAD", ""),
    Setting("REDIS_URL", "REDIS_URL", ""),  # rate-limit counters, job wake-ups
    Setting("GAZETTE_API_RATE", "GAZETTE_API_RATE", "120 per minute", rate),
    Setting("GAZETTE_FEEDBACK_RATE", "GAZETTE_FEEDBACK_RATE", "5 per hour;20 per day", rate),
    # Public search pages a client may load (the API has GAZETTE_API_RATE).
    Setting("GAZETTE_SEARCH_RATE", "GAZETTE_SEARCH_RATE", "60 per minute", rate),
    # Documents an issuing body may send through the intake API (per key).
    Setting("GAZETTE_INTAKE_RATE", "GAZETTE_INTAKE_RATE", "30 per minute;500 per day", rate),
    Setting("GAZETTE_CORS_ORIGINS", "GAZETTE_CORS_ORIGINS", "*"),
    Setting("GAZETTE_SEARCH_BACKEND", "SEARCH_BACKEND", "tantivy", one_of(*SEARCH_BACKENDS),
            older_names=("SEARCH_BACKEND",)),
    # tantivy-replica (several servers): how often each process looks for changes made
    # through other servers, how long a missing change number is waited for, and how many
    # days the change log is kept (a server away longer rebuilds its index).
    Setting("GAZETTE_SEARCH_REPLICA_POLL_SECONDS", "SEARCH_REPLICA_POLL_SECONDS", "0.5",
            seconds(0.05, 60)),
    Setting("GAZETTE_SEARCH_REPLICA_GAP_SECONDS", "SEARCH_REPLICA_GAP_SECONDS", "300",
            seconds(5, 86_400)),
    Setting("GAZETTE_SEARCH_CHANGE_LOG_DAYS", "SEARCH_CHANGE_LOG_DAYS", "7",
            whole_number(1, 3650)),
    # The content-addressed file store; on several servers, one shared path (NFS).
    Setting("GAZETTE_FILE_STORE", "FILE_STORE", _in_instance("store"),
            older_names=("GAZETTE_STORE",)),
    Setting("GAZETTE_MIN_FREE_MB", "MIN_FREE_MB", "500", whole_number(0, 10_000_000)),
    # Public searches are counted for the statistics in batches (one insert per batch).
    Setting("GAZETTE_SEARCH_LOG_BATCH", "SEARCH_LOG_BATCH", "50", whole_number(1, 10_000)),
    Setting("GAZETTE_SEARCH_LOG_SECONDS", "SEARCH_LOG_SECONDS", "5", seconds(0.1, 3600)),
    Setting("GAZETTE_SIGNING_PKCS12", "GAZETTE_SIGNING_PKCS12", ""),
    Setting("GAZETTE_SIGNING_PASSWORD", "GAZETTE_SIGNING_PASSWORD", ""),
    Setting("GAZETTE_CONVERT_TIMEOUT", "CONVERT_TIMEOUT", "180", seconds(1, 86_400)),
    Setting("GAZETTE_OCR_TIMEOUT", "OCR_TIMEOUT", "900", seconds(1, 86_400)),
    # Background jobs: "thread" runs them in each app process; "manual" leaves them to
    # `flask --app wsgi worker` (or to the tests, which call jobs.run_pending()).
    Setting("GAZETTE_JOB_RUNNER", "JOB_RUNNER", "thread", one_of("thread", "manual")),
    Setting("GAZETTE_JOB_POLL_SECONDS", "JOB_POLL_SECONDS", "2", seconds(0.05, 3600)),
    Setting("GAZETTE_JOB_STALE_SECONDS", "JOB_STALE_SECONDS", "1800",
            whole_number(10, 7 * 86_400)),
    # Publication deadline counted from receipt; "due soon" when this close to it.
    Setting("GAZETTE_PUBLISH_DAYS", "PUBLISH_DEADLINE_DAYS", "3", whole_number(0, 365)),
    Setting("GAZETTE_PUBLISH_WORKING_DAYS", "PUBLISH_DEADLINE_WORKING_DAYS", "true", yes_no),
    Setting("GAZETTE_DUE_SOON_DAYS", "DUE_SOON_DAYS", "1", whole_number(0, 365)),
    # The issuing body sends a document within this many days of signing (Law 64/2025
    # Art. 9(1)); a later receipt counts as "gửi chậm" in the dashboard and statistics.
    Setting("GAZETTE_ISSUER_SEND_DAYS", "ISSUER_SEND_DAYS", "3", whole_number(0, 365)),
    # The new-issue page proposes the documents due soonest up to this many pages.
    Setting("GAZETTE_ISSUE_PAGE_BUDGET", "ISSUE_PAGE_BUDGET", "100", whole_number(1, 100_000)),
    # Quarterly volumes printed on both sides: every issue starts on a right-hand page.
    Setting("GAZETTE_VOLUME_DOUBLE_SIDED", "VOLUME_DOUBLE_SIDED", "true", yes_no),
    # The gazette's clock and calendar (gazette_app/clock.py): "today" is a day in this zone;
    # working days skip Vietnam's public holidays and the announced days off, and count the
    # announced make-up working days (ISO dates, comma-separated).
    Setting("GAZETTE_TIMEZONE", "GAZETTE_TIMEZONE", "Asia/Ho_Chi_Minh", zone),
    Setting("GAZETTE_DAYS_OFF", "GAZETTE_DAYS_OFF", "", parse_dates),
    Setting("GAZETTE_EXTRA_WORKING_DAYS", "GAZETTE_EXTRA_WORKING_DAYS", "", parse_dates),
    # Registered documents public before their issue is published (marked "chưa đăng
    # Công báo"). Off: the public sees only what a published issue carries.
    Setting("GAZETTE_SHOW_UNPUBLISHED", "SHOW_UNPUBLISHED", "false", yes_no),
    # Host names the app answers to (Host header); any other gets 400. Absolute links are
    # built from GAZETTE_PUBLIC_URL whatever the Host header says.
    Setting("GAZETTE_TRUSTED_HOSTS", "TRUSTED_HOSTS", "",
            lambda text: text),  # resolved against the public URL below
    # The signed e-edition (issue 19). In production publishing needs a usable certificate
    # (GAZETTE_SIGNING_PKCS12) unless an administrator allows unsigned publication; outside
    # production the instance's demo certificate (`flask --app wsgi demo-certificate`,
    # run by `make run`) signs when no certificate is configured.
    Setting("GAZETTE_PRODUCTION", "PRODUCTION", "false", yes_no),
    Setting("GAZETTE_ALLOW_UNSIGNED", "SIGNING_ALLOW_UNSIGNED", "false", yes_no),
    # Long-term validity (PAdES B-LT/B-LTA), a key in a token (PKCS#11) and re-stamping:
    # see services/signing_setup.py and the README's table. The PIN comes from the environment.
    *(Setting(name, name, "") for name in (
        "GAZETTE_SIGNING_TSA_URL", "GAZETTE_SIGNING_TRUST_ROOTS",
        "GAZETTE_SIGNING_PKCS11_MODULE", "GAZETTE_SIGNING_PKCS11_TOKEN",
        "GAZETTE_SIGNING_PKCS11_KEY", "GAZETTE_SIGNING_PKCS11_CERT",
        "GAZETTE_SIGNING_PKCS11_PIN")),
    Setting("GAZETTE_SIGNING_LTA", "SIGNING_LTA", "true", yes_no),
    Setting("GAZETTE_RETIMESTAMP_AGE_DAYS", "RETIMESTAMP_AGE_DAYS", "730",
            whole_number(1, 36_500)),
    Setting("GAZETTE_RETIMESTAMP_MARGIN_DAYS", "RETIMESTAMP_MARGIN_DAYS", "365",
            whole_number(0, 36_500)),
)

# Settings of Flask and its extensions that are not the operator's to change.
FIXED: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "RATELIMIT_HEADERS_ENABLED": True,
    "PAGE_SIZE": 50,
}


def _given(setting: Setting, environ: dict[str, str]) -> str | None:
    for name in (setting.variable, *setting.older_names):
        if environ.get(name) not in (None, ""):
            return environ[name]
    return None


def from_environment(instance: Path, environ: dict[str, str] | None = None) -> dict:
    """The configuration mapping for ``app.config``; SettingsError names every bad variable."""
    environ = dict(os.environ if environ is None else environ)
    by_variable: dict[str, Any] = {}
    config: dict[str, Any] = dict(FIXED)
    problems: list[str] = []
    for setting in SETTINGS:
        text = _given(setting, environ)
        try:
            if text is None and callable(setting.default):
                value = setting.default(instance, by_variable)
            else:
                value = setting.read(setting.default if text is None else text)
        except ValueError as error:
            problems.append(f"{setting.variable}: {error}")
            continue
        except KeyError:  # its default derives from a setting already reported wrong
            continue
        by_variable[setting.variable] = value
        config[setting.key] = value
    if problems:
        raise SettingsError("Wrong settings (the app does not start): " + "; ".join(problems))
    config["TRUSTED_HOSTS"] = trusted_hosts(config["TRUSTED_HOSTS"], config["GAZETTE_PUBLIC_URL"])
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    # Without Redis, the worker processes of this machine share a counter file.
    config["RATELIMIT_STORAGE_URI"] = (config["REDIS_URL"]
                                       or f"gazette-sqlite://{instance / 'ratelimits.sqlite3'}")
    config["SIGNING_DEMO_PKCS12"] = str(instance / "signing" / "demo-certificate.p12")
    return config
