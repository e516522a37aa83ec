"""Vietnamese text analysis shared by the index and by the application.

Every string entering the system is normalised to Unicode NFC (reportlab misplaces marks on
NFD text, and NFD would double the vocabulary). ``fold`` removes every tone and vowel mark
and maps đ/Đ to d/D, so that unaccented queries meet accented text.
"""
from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """Return ``text`` in Unicode NFC with runs of white space collapsed (None -> "")."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str | None) -> str:
    """Remove Vietnamese diacritics: "Quyết định Đất đai" -> "Quyet dinh Dat dai"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold_key(text: str | None) -> str:
    """A comparison key: folded, lower-case, punctuation and spacing reduced to single spaces."""
    return _SPACES.sub(" ", re.sub(r"[^\w]+", " ", fold(text).casefold())).strip()


def slugify(text: str | None) -> str:
    """URL slug from Vietnamese text: "HĐND xã Chiềng Hặc" -> "hdnd-xa-chieng-hac"."""
    return fold_key(text).replace(" ", "-").replace("_", "-")
