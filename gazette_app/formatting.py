"""Numbers as Vietnamese readers write them: "1.234" and "18,5" (the point groups thousands,
the comma marks decimals). Used by the pages (the ``vn_number`` filter), the CSV and the PDF
report, so one figure reads the same everywhere."""
from __future__ import annotations


def vn_number(value: float | int | None, decimals: int = 0) -> str:
    """``1234`` -> "1.234", ``18.5`` with one decimal -> "18,5"; None -> "—"."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
