"""Highlighting in Python, from the original text: every word whose written or folded form was
searched is wrapped in <mark>; everything else is HTML-escaped. Used by the backends whose
engine does not highlight our own analysis (tantivy indexes pre-tokenized text)."""
from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from .analysis import fold, word_spans
from .query import ParsedQuery

BODY_FRAGMENT_CHARS = 240
BODY_FRAGMENTS = 2
_LETTERS = [chr(c) for c in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250),
                             *range(0x1E00, 0x1F00))]
# Each letter to its folded lower-case letter, one character for one, so that offsets in the
# folded copy are offsets in the original text: the scan runs over plain folded words.
_FOLD = str.maketrans({letter: folded for letter in _LETTERS
                       if len(folded := fold(letter).lower()) == 1 and folded != letter})
FIRST_SCAN_CHARS = 5000  # a long body is folded from its start first: enough matches are there


@lru_cache(maxsize=1024)
def _pattern(terms: frozenset[str]) -> re.Pattern | None:
    """One regular expression for all searched words: whole words whose folded, lower-case
    form is a searched word's, to be run over the folded text."""
    folded = {fold(term).lower() for term in terms if term}
    if not folded:
        return None
    choices = "|".join(re.escape(term) for term in sorted(folded, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{choices})(?!\w)")


def _matches(text: str, terms: set[str], enough: int | None = None) -> list[tuple[int, int]]:
    """Spans of the words whose folded form was searched; with ``enough``, stop after that
    many (long bodies). The scan runs in the regular expression engine over a folded copy
    (str.translate): a word-by-word loop in Python, then letter classes of every accented
    form, were most of the time of a search over 100,000 documents (bench/)."""
    pattern = _pattern(frozenset(terms))
    if pattern is None:
        return []
    cut = text.rfind(" ", 0, FIRST_SCAN_CHARS) if enough and len(text) > FIRST_SCAN_CHARS \
        else -1
    parts = [(text[:cut], 0), (text, cut)] if cut > 0 else [(text, 0)]
    spans: list[tuple[int, int]] = []
    for part, start in parts:
        for match in pattern.finditer(part.translate(_FOLD), start):
            spans.append(match.span())
            if enough is not None and len(spans) >= enough:
                return spans
    return spans


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def highlight_whole(text: str, terms: set[str]) -> str:
    """The whole text (an abstract) with its matches marked; "" when nothing matches."""
    spans = _matches(text, terms)
    return mark(text, spans) if spans else ""


def highlight_fragments(text: str, terms: set[str]) -> str:
    """Up to two passages of a long text (a body) around its first matches, joined by " … "."""
    spans = _matches(text, terms, enough=12)
    fragments: list[str] = []
    covered_to = -1
    for start, _ in spans:
        if start < covered_to or len(fragments) == BODY_FRAGMENTS:
            continue
        begin = max(0, start - BODY_FRAGMENT_CHARS // 4)
        begin = text.rfind(" ", 0, begin) + 1 if begin else 0
        finish = min(len(text), begin + BODY_FRAGMENT_CHARS)
        finish = text.find(" ", finish) if text.find(" ", finish) != -1 else len(text)
        inside = [(s - begin, e - begin) for s, e in spans if begin <= s and e <= finish]
        fragments.append(mark(text[begin:finish], inside))
        covered_to = finish
    return " … ".join(fragments)


def highlight_terms(parsed: ParsedQuery) -> set[str]:
    """Words to mark: each query word as typed and folded, phrase words, notation parts."""
    terms = set(parsed.words) | {fold(w) for w in parsed.words}
    for words in parsed.phrases:
        terms.update(words + [fold(w) for w in words])
    for form in parsed.notations:
        terms.update(w for w, _, _ in word_spans(form))
    return terms
