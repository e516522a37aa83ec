"""Dates as Decree 30/2020 writes them, one helper for every printed and shown form."""
from __future__ import annotations

from datetime import UTC, date, datetime

from gazette_app.templating import vn_date, vn_datetime
from print_templates.dates import long_date, short_date


def test_leading_zero_only_for_days_below_10_and_months_1_and_2():
    assert long_date(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert long_date(date(2026, 5, 20)) == "ngày 20 tháng 5 năm 2026"
    assert long_date(date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert long_date(date(2026, 12, 10)) == "ngày 10 tháng 12 năm 2026"
    assert short_date(date(2026, 7, 13)) == "13/7/2026"
    assert short_date(date(2026, 1, 5)) == "05/01/2026"
    assert short_date(date(2026, 5, 20), "-") == "20-5-2026"


def test_web_pages_use_the_same_helper():
    assert vn_date(date(2026, 7, 13)) == "13/7/2026" and vn_date(None) == ""
    # 01:30 UTC is 08:30 in Vietnam.
    assert vn_datetime(datetime(2026, 2, 3, 1, 30, tzinfo=UTC)) == "03/02/2026 08:30"
