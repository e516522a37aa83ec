"""CSV the app writes, safe to open in a spreadsheet.

A cell that starts with ``= + - @`` (or a tab or carriage return, which some spreadsheets skip
before reading a formula) is taken for a formula by Excel and LibreOffice: a citizen's search
for ``=HYPERLINK(...)`` would become a live link in the staff's statistics. Such text cells get
a leading apostrophe (OWASP's advice); numbers are written as they are.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """The CSV of ``header`` and ``rows``, with a BOM so that Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()
