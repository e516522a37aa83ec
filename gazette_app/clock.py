"""The application's one clock and calendar.

Every "now" and every "today" of the gazette comes from here: a day of the gazette is a day in
Vietnam (``GAZETTE_TIMEZONE``, default ``Asia/Ho_Chi_Minh``), whatever zone the server runs in.
On a UTC server, 18:30 UTC is already 01:30 of the next day in Vietnam: an issue dated "today",
a document that comes into force "today" and a deadline that falls "today" all follow Vietnam.
Nothing else in the packages calls ``date.today()``, ``datetime.now()`` or ``utcnow()``
(``tests/test_clock.py`` reads the sources to keep it so); tests move time with time-machine.

Working days skip Saturdays, Sundays and Vietnam's public holidays (Tết and the others, from the
``holidays`` library, which follows the Labour Code's list), plus the days off the Government
announces each year (``GAZETTE_DAYS_OFF``), minus the make-up working days it announces
(``GAZETTE_EXTRA_WORKING_DAYS``).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def zone() -> ZoneInfo:
    """The gazette's time zone (the app's setting, else Vietnam's)."""
    name = current_app.config.get("GAZETTE_TIMEZONE", DEFAULT_ZONE) if has_app_context() \
        else DEFAULT_ZONE
    return _zone(name)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


_replay = threading.local()


def now() -> datetime:
    """The current moment, timezone-aware, in UTC (what the database stores)."""
    moment = getattr(_replay, "moment", None)
    return moment if moment is not None else datetime.now(UTC)


def wall_now() -> datetime:
    """The real current moment, even while the demo replays: a signature, its timestamp (the
    TSA signs real time) and the certificates' validity are checked against it."""
    return datetime.now(UTC)


@contextmanager
def replaying(moment: datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (this thread only): the demo replays a year of
    an office's work with the real services, so every receipt, issue and audit record carries
    the day it happened. Never used while serving requests."""
    if moment.tzinfo is None:
        raise ValueError("replaying needs an aware datetime")
    previous = getattr(_replay, "moment", None)
    _replay.moment = moment.astimezone(UTC)
    try:
        yield
    finally:
        _replay.moment = previous


def local_now() -> datetime:
    """The current moment in the gazette's zone."""
    return now().astimezone(zone())


def today() -> date:
    """Today in Vietnam."""
    return local_now().date()


def local_day(moment: datetime) -> date:
    """The day in Vietnam of an aware moment (a receipt's time, a login)."""
    return moment.astimezone(zone()).date()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in Vietnam, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=zone())


# --- the working calendar ---------------------------------------------------------------------

@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def _dates(setting: str) -> frozenset[date]:
    if not has_app_context():
        return frozenset()
    return frozenset(current_app.config.get(setting) or ())


def is_public_holiday(day: date) -> bool:
    return day in _public_holidays(day.year) or day in _dates("GAZETTE_DAYS_OFF")


def is_working_day(day: date) -> bool:
    """Monday to Friday that is no public holiday or announced day off; a make-up working
    Saturday the Government announces counts as a working day."""
    if day in _dates("GAZETTE_EXTRA_WORKING_DAYS"):
        return True
    return day.weekday() < 5 and not is_public_holiday(day)


def add_days(start: date, days: int, working: bool) -> date:
    """``days`` after ``start``; with ``working``, only working days are counted."""
    if not working:
        return start + timedelta(days=days)
    current = start
    while days > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            days -= 1
    return current


def parse_dates(value: str) -> tuple[date, ...]:
    """A setting's list of ISO dates ("2026-04-27,2026-09-01"); ValueError on a bad one."""
    days = []
    for part in value.replace(";", ",").split(","):
        if part.strip():
            try:
                days.append(date.fromisoformat(part.strip()))
            except ValueError:
                raise ValueError(f"{part.strip()!r} is not a date (YYYY-MM-DD)") from None
    return tuple(days)
