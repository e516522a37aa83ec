"""Dates as Vietnamese administrative writing prints them (Decree 30/2020/NĐ-CP, App. I): a
leading zero only for days below 10 and for months 1 and 2, so "05/01/2026", "20/5/2026" and
"ngày 05 tháng 01 năm 2026", "ngày 20 tháng 5 năm 2026".

The one helper for every printed and shown form (cover, running header, contents, volume,
citations, web pages). It lives here, in the lowest layer, because the issue engine, the page
layouts and the application all print dates and may all import ``print_templates``.
"""
from __future__ import annotations

from datetime import date


def _parts(value: date) -> tuple[str, str, str]:
    day = f"{value.day:02d}" if value.day < 10 else str(value.day)
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return day, month, str(value.year)


def short_date(value: date, separator: str = "/") -> str:
    """"13/7/2026", "05/01/2026"; ``separator="-"`` gives the running header's "20-5-2026"."""
    return separator.join(_parts(value))


def long_date(value: date) -> str:
    """"ngày 05 tháng 01 năm 2026", lower case as it stands inside a sentence."""
    day, month, year = _parts(value)
    return f"ngày {day} tháng {month} năm {year}"
