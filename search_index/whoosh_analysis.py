"""Whoosh analyzers. Whoosh pickles them into the index, so they live in this stable,
importable module and their import path must not change (or the index cannot be opened)."""
from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from .analysis import index_terms, notation_forms, word_spans


class VietnameseTokenizer(Tokenizer):
    """Words in lower case; a word with marks is also indexed folded, at the same position
    and over the same characters, so unaccented queries, phrases and highlights all work."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for word, start, end in word_spans(value):
            for term in index_terms(word):
                token.text, token.boost, token.stopped = term, 1.0, False
                if keeporiginal:
                    token.original = word
                if positions:
                    token.pos = position
                if chars:
                    token.startchar, token.endchar = start_char + start, start_char + end
                yield token
            position += 1


YEAR_SEPARATOR = "\x1f"  # the indexed value is "<notation>\x1f<year>"; the stored one the notation


class NotationTokenizer(Tokenizer):
    """A notation as whole tokens: written, folded, number-only and number/year forms."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        notation, _, year = value.partition(YEAR_SEPARATOR)
        for form in sorted(notation_forms(notation, int(year) if year.isdigit() else None)):
            token.text, token.boost, token.stopped = form, 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
