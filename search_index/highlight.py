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
# Every letter that folds to a, b, c, ...: "dat" is searched as [dDđĐ][aAàÀáÁ...][tT], so
# the original text is scanned once by the regular expression engine, offsets unchanged.
_LETTERS = [chr(c) for c in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250),
                             *range(0x1E00, 0x1F00))]
_VARIANTS: dict[str, set[str]] = {}
for _letter in _LETTERS:
    _VARIANTS.setdefault(fold(_letter).lower(), set()).add(_letter)
LETTER_CLASS = {base: "[" + "".join(sorted(letters)) + "]" for base, letters in _VARIANTS.items()
                if len(base) == 1}


@lru_cache(maxsize=1024)
def _pattern(terms: frozenset[str]) -> re.Pattern | None:
    """One regular expression for all searched words: whole words whose folded, lower-case
    form is a searched word's."""
    folded = {fold(term).lower() for term in terms if term}
    if not folded:
        return None
    choices = "|".join("".join(LETTER_CLASS.get(ch, re.escape(ch)) for ch in term)
                       for term in sorted(folded, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{choices})(?!\w)")


def _matches(text: str, terms: set[str], enough: int | None = None) -> list[tuple[int, int]]:
    """Spans of the words whose folded form was searched; with ``enough``, stop after that
    many (long bodies). The scan runs in the regular expression engine: a word-by-word loop
    in Python was most of the time of a search over 100,000 documents (bench/)."""
    pattern = _pattern(frozenset(terms))
    if pattern is None:
        return []
    spans = []
    for match in pattern.finditer(text):
        spans.append(match.span())
        if enough is not None and len(spans) >= enough:
            break
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
    spans = _matches(text, terms, enough=40)
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
