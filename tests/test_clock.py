"""One clock: Vietnam's day whatever the server's zone, Vietnam's working days, and no other
source of "now" anywhere in the packages."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from gazette_app import clock, create_app

PACKAGES = ("gazette_app", "issues", "search_index", "print_templates")
ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile(r"\bdate\.today\(|\bdatetime\.now\(|\bdatetime\.utcnow\(|"
                       r"\bdatetime\.today\(|\btime\.localtime\(|\bdt\.datetime\.now\(")


def test_nothing_but_the_clock_module_reads_the_time():
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "gazette_app" / "clock.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FORBIDDEN.search(line.split("#", 1)[0]):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "read the time through gazette_app.clock:\n" + "\n".join(offenders)


def test_the_grep_finds_what_it_forbids():
    """The test above can fail: each spelling it refuses is caught."""
    for line in ("x = date.today()", "datetime.now(timezone.utc)", "datetime.utcnow()",
                 "dt.datetime.now(dt.timezone.utc)"):
        assert FORBIDDEN.search(line), line


@pytest.mark.parametrize("utc, local_day", [
    ("2026-12-01T16:59:59+00:00", date(2026, 12, 1)),  # 23:59:59 in Hà Nội
    ("2026-12-01T17:00:00+00:00", date(2026, 12, 2)),  # midnight in Hà Nội
    ("2026-12-01T18:30:00+00:00", date(2026, 12, 2)),  # 01:30 the next day in Vietnam
])
def test_today_is_vietnams_day_on_a_utc_server(utc, local_day, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    with time_machine.travel(datetime.fromisoformat(utc), tick=False):
        assert clock.today() == local_day
        assert clock.now().tzinfo is UTC
        assert clock.local_day(clock.now()) == local_day


def test_working_days_skip_tet_and_the_announced_days_off(tmp_path, monkeypatch):
    # Tết Bính Ngọ: 16-20/02/2026 are public holidays (the holidays library's Vietnam).
    assert clock.add_days(date(2026, 2, 13), 1, working=True) == date(2026, 2, 23)
    assert not clock.is_working_day(date(2026, 9, 2))  # National Day
    assert clock.is_working_day(date(2026, 9, 3))
    monkeypatch.setenv("GAZETTE_DAYS_OFF", "2026-09-03")
    monkeypatch.setenv("GAZETTE_EXTRA_WORKING_DAYS", "2026-09-05")  # a make-up Saturday
    app = create_app({"TESTING": True}, instance=tmp_path)
    with app.app_context():
        assert not clock.is_working_day(date(2026, 9, 3))
        assert clock.is_working_day(date(2026, 9, 5))
        assert clock.add_days(date(2026, 9, 1), 2, working=True) == date(2026, 9, 5)  # 4, 5


def test_bad_clock_settings_are_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTE_DAYS_OFF", "2026-02-30")
    with pytest.raises(ValueError, match="GAZETTE_DAYS_OFF"):
        create_app({"TESTING": True}, instance=tmp_path)
    monkeypatch.delenv("GAZETTE_DAYS_OFF")
    monkeypatch.setenv("GAZETTE_TIMEZONE", "Asia/Nowhere")
    with pytest.raises(ValueError, match="GAZETTE_TIMEZONE"):
        create_app({"TESTING": True}, instance=tmp_path)


def test_replaying_moves_this_threads_clock_only():
    moment = datetime(2026, 4, 15, 2, 0, tzinfo=UTC)
    with clock.replaying(moment):
        assert clock.now() == moment and clock.today() == date(2026, 4, 15)
    assert clock.now() != moment
    with pytest.raises(ValueError):
        with clock.replaying(datetime(2026, 4, 15)):
            pass
