"""Document notations ("số, ký hiệu"): "15/2021/QĐ-UBND", "1182/QĐ-UBND", typed with or
without accents.

Legal (normative) documents carry the year: ``N/YYYY/TYPE-ISSUER``; individual ones do not:
``N/TYPE-ISSUER`` (Decree 30/2020 Art. 15, Law 64/2025 Art. 7(3)).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from search_index.analysis import fold, nfc

# Decree 30/2020 App. III abbreviations, keyed by their folded upper-case form.
TYPE_CODES: dict[str, tuple[str, str]] = {
    "NQ": ("NQ", "Nghị quyết"),
    "QD": ("QĐ", "Quyết định"),
    "CT": ("CT", "Chỉ thị"),
    "QC": ("QC", "Quy chế"),
    "QYD": ("QyĐ", "Quy định"),
    "TB": ("TB", "Thông báo"),
    "HD": ("HD", "Hướng dẫn"),
    "KH": ("KH", "Kế hoạch"),
    "CTR": ("CTr", "Chương trình"),
    "PA": ("PA", "Phương án"),
    "DA": ("ĐA", "Đề án"),
    "BC": ("BC", "Báo cáo"),
    "TTR": ("TTr", "Tờ trình"),
    "CV": ("CV", "Công văn"),
}
# Words of issuer codes whose "Đ" users often type as "D".
_ISSUER_WORDS = {"HDND": "HĐND", "TTHDND": "TTHĐND", "DBQH": "ĐBQH"}

_PATTERN = re.compile(
    r"^(?:s[oố]\s*:?\s*)?"  # a leading "Số:" copied from the document is tolerated
    r"(?P<seq>[0-9]{1,5})\s*/\s*"
    r"(?:(?P<year>[0-9]{4})\s*/\s*)?"
    r"(?P<type>[A-Za-zĐđ]{1,4})\s*-\s*"
    r"(?P<issuer>[A-Za-zĐđ][A-Za-zĐđ0-9 ]{0,23})$",
    re.IGNORECASE,
)


class NotationError(ValueError):
    """A notation that cannot be read; the message is in Vietnamese, for the user."""


@dataclass(frozen=True)
class Notation:
    seq: int
    year: int | None
    type_code: str
    issuer_code: str

    @property
    def legal(self) -> bool:
        """Only legal (normative) documents carry the year in their notation."""
        return self.year is not None

    @property
    def type_name(self) -> str:
        return TYPE_CODES[fold(self.type_code).upper()][1]

    @property
    def text(self) -> str:
        """The canonical printed form: numbers below 10 take a leading zero."""
        year = f"{self.year}/" if self.year else ""
        return f"{self.seq:02d}/{year}{self.type_code}-{self.issuer_code}"

    @property
    def key(self) -> str:
        """A matching key insensitive to accents, case, spaces and leading zeros."""
        return fold(self.text).upper().replace(" ", "")

    @property
    def number_only(self) -> str:
        """"37/2026" for a legal document, "1182" for an individual one."""
        return f"{self.seq:02d}/{self.year}" if self.year else str(self.seq)


def parse_notation(raw: str | None) -> Notation:
    """Split a notation into its parts, or raise NotationError with a clear Vietnamese message."""
    text = nfc(raw)
    if not text:
        raise NotationError("Thiếu số, ký hiệu văn bản.")
    match = _PATTERN.match(text)
    if not match:
        raise NotationError(
            f"Số, ký hiệu “{text[:60]}” không đúng dạng “số/năm/loại-cơ quan” "
            "(ví dụ 15/2021/QĐ-UBND) hoặc “số/loại-cơ quan” (ví dụ 1182/QĐ-UBND)."
        )
    seq = int(match["seq"])
    if seq == 0:
        raise NotationError("Số văn bản phải lớn hơn 0.")
    year = int(match["year"]) if match["year"] else None
    if year is not None and not 1945 <= year <= 2100:
        raise NotationError(f"Năm {year} trong số, ký hiệu không hợp lệ.")
    type_key = fold(match["type"]).upper()
    if type_key not in TYPE_CODES:
        raise NotationError(f"Loại văn bản “{match['type']}” không có trong danh mục viết tắt.")
    return Notation(seq, year, TYPE_CODES[type_key][0], _issuer_code(match["issuer"]))


def _issuer_code(raw: str) -> str:
    words = [_ISSUER_WORDS.get(fold(w).upper(), w.upper()) for w in raw.split()]
    return " ".join(words)


def _letters(code: str) -> str:
    return "".join("[DdĐđ]" if ch == "D" else f"[{ch}{ch.lower()}]" for ch in code)


# The same grammar as a JSON Schema (ECMA) pattern, for the API's OpenAPI document: every
# string it admits is accepted by parse_notation (the parser also takes a "Số:" prefix).
JSON_SCHEMA_PATTERN = (
    "^(?!0+/)[0-9]{1,5}/(?:(?:194[5-9]|19[5-9][0-9]|20[0-9]{2}|2100)/)?"
    "(?:" + "|".join(_letters(code) for code in sorted(TYPE_CODES, key=len, reverse=True)) + ")"
    "-[A-Za-zĐđ][A-Za-zĐđ0-9]{0,23}$"
)
