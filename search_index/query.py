"""Reading what citizens type. Never fails: whatever cannot be read is searched as words.

"37/2026/qd-ubnd" and "37/2026" become notation forms; text in double quotes a phrase; the
operators AND, OR, NOT are not operators here (citizens type them as words, or by mistake).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis import fold, nfc, query_notation_form, word_spans

MAX_QUERY_CHARS = 500
MAX_WORDS = 24
_OPERATORS = {"and", "or", "not"}
# Notations printed with a space before the organ ("05/QĐ-TT HĐND": the standing committee of
# the HĐND) are indexed without it: the query's two tokens are read as one.
ORGAN_WORDS = {"hdnd", "ubnd"}


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)  # lower case, accents as typed
    phrases: list[list[str]] = field(default_factory=list)
    notations: list[str] = field(default_factory=list)  # index forms
    numbers: list[str] = field(default_factory=list)  # bare numbers: a word or a notation

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.notations)


def parse_query(text: str | None) -> ParsedQuery:
    text = nfc(text)[:MAX_QUERY_CHARS]
    parsed = ParsedQuery()
    for phrase in re.findall(r'"([^"]*)"', text):
        words = [w for w, _, _ in word_spans(phrase)]
        if len(words) > 1:
            parsed.phrases.append(words)
        else:
            parsed.words.extend(words)
    text = re.sub(r'"[^"]*"', " ", text).replace('"', " ")
    tokens, at = text.split(), 0
    while at < len(tokens):
        token, at = tokens[at], at + 1
        form = query_notation_form(token.strip(".,;:()[]{}"))
        if form and at < len(tokens) and fold(tokens[at]).lower() in ORGAN_WORDS:
            joined = query_notation_form(token + tokens[at].strip(".,;:()[]{}"))
            if joined:  # "05/QĐ-TT HĐND"
                form, at = joined, at + 1
        if form:
            parsed.notations.append(form)
            continue
        for word, _, _ in word_spans(token):
            if word in _OPERATORS and token.isupper():
                continue
            # "²".isdigit() is true but int() refuses it: notations use ASCII digits only.
            if word.isascii() and word.isdigit() and len(word) <= 5:
                parsed.numbers.append(str(int(word)))
            parsed.words.append(word)
    if parsed.notations:  # "Số: 37/2026/QĐ-UBND" as copied from a document
        parsed.words = [w for w in parsed.words if fold(w) != "so"]
    parsed.words = list(dict.fromkeys(parsed.words))[:MAX_WORDS]
    parsed.phrases = parsed.phrases[:4]
    parsed.notations = list(dict.fromkeys(parsed.notations))[:4]
    return parsed


def folded_words(parsed: ParsedQuery) -> list[str]:
    return [fold(w) for w in parsed.words]
