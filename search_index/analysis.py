"""Vietnamese text analysis shared by the index and by the application.

Every string entering the system is normalised to Unicode NFC (reportlab misplaces marks on
NFD text, and NFD would double the vocabulary). ``fold`` removes every tone and vowel mark
and maps đ/Đ to d/D, so that unaccented queries meet accented text.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """``fold`` of one word, cached: Vietnamese has few thousand syllables, and indexing and
    highlighting fold every word of every document (measured: most of the indexing time)."""
    return fold(word)


def fold_key(text: str | None) -> str:
    """A comparison key: folded, lower-case, punctuation and spacing reduced to single spaces."""
    return _SPACES.sub(" ", re.sub(r"[^\w]+", " ", fold(text).casefold())).strip()


def issuer_level(name: str) -> str:
    """"province" for organs of the province, "commune" for those of a commune or ward."""
    key = fold_key(name)
    return "commune" if key.split(" ")[1:2] in (["xa"], ["phuong"], ["thi"]) else "province"


def slugify(text: str | None) -> str:
    """URL slug from Vietnamese text: "HĐND xã Chiềng Hặc" -> "hdnd-xa-chieng-hac"."""
    return fold_key(text).replace(" ", "-").replace("_", "-")


WORD = re.compile(r"\w+")  # a word, as every backend and the highlighter read it
_NOTATION = re.compile(r"^0*(\d{1,5})/(?:(\d{4})/)?([a-z]{1,4})-([a-z0-9]{1,24})$")
NUMBER_YEAR = re.compile(r"^0*(\d{1,5})/(\d{4})$")
NUMBER_YEAR_TYPE = re.compile(r"^0*(\d{1,5})/(\d{4})/([a-z]{1,4})$")
NOTATION_LIKE = re.compile(r"^\d{1,5}/(?:\d{4}/)?[^\s/]{1,6}-\S{1,24}$")


def has_marks(word: str) -> bool:
    return fold(word) != word


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Lower-case NFC words with their character offsets (for highlighting)."""
    return [(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(text)]


def index_terms(word: str) -> list[str]:
    """The terms a word is indexed under: as written and, when it has marks, folded too.
    Both stand at the same position, so phrases match with or without accents."""
    folded = fold_word(word)
    return [word] if folded == word else [word, folded]


def notation_forms(notation: str, year: int | None = None) -> set[str]:
    """Whole-token forms of a notation: as written, folded, number only, and number/year with
    and without the type code, so that "37/2026" and "37/2026/NQ" find the documents numbered
    37 of 2026 whatever their type (an individual document's notation has no year: ``year``,
    the document's, stands for it).

    "09/2026/NQ-HĐND" -> {"09/2026/nq-hđnd", "9/2026/nq-hdnd", "9/2026", "9/2026/nq"};
    "1182/QĐ-UBND", 2026 -> {"1182/qđ-ubnd", "1182/qd-ubnd", "1182", "1182/2026",
    "1182/2026/qd"}."""
    written = nfc(notation).lower().replace(" ", "")
    if not written:
        return set()
    forms = {written}
    match = _NOTATION.match(fold(written))
    if match:
        seq, own_year, kind, issuer = match.groups()
        seq = str(int(seq))
        forms.add(f"{seq}/{own_year}/{kind}-{issuer}" if own_year else f"{seq}/{kind}-{issuer}")
        if not own_year:
            forms.add(seq)
        number_year = own_year or (str(year) if year else None)
        if number_year:
            forms |= {f"{seq}/{number_year}", f"{seq}/{number_year}/{kind}"}
    return forms


def query_notation_form(token: str) -> str | None:
    """The index form a query token stands for, if it looks like a notation or "37/2026"."""
    token = fold(nfc(token)).lower()
    number_year = NUMBER_YEAR.match(token)
    if number_year:
        return f"{int(number_year.group(1))}/{number_year.group(2)}"
    with_type = NUMBER_YEAR_TYPE.match(token)
    if with_type:
        seq, year, kind = with_type.groups()
        return f"{int(seq)}/{year}/{kind}"
    if NOTATION_LIKE.match(token):
        match = _NOTATION.match(token)
        if match:
            seq, year, kind, issuer = match.groups()
            return (f"{int(seq)}/{year}/{kind}-{issuer}" if year
                    else f"{int(seq)}/{kind}-{issuer}")
    return None
