"""Highlighting in Python, from the original text: every word whose written or folded form was
searched is wrapped in <mark>; everything else is HTML-escaped. Used by the backends whose
engine does not highlight our own analysis (tantivy indexes pre-tokenized text)."""
from __future__ import annotations

from html import escape

from .analysis import WORD, fold, fold_word, word_spans
from .query import ParsedQuery

BODY_FRAGMENT_CHARS = 240
BODY_FRAGMENTS = 2


def _matches(text: str, terms: set[str], enough: int | None = None) -> list[tuple[int, int]]:
    """Spans of matching words; with ``enough``, stop after that many (long bodies)."""
    spans = []
    for match in WORD.finditer(text):
        word = match.group().lower()
        if word in terms or fold_word(word) in terms:
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
    fragments, covered_to = [], -1
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
