"""The interface every search backend implements, and what they share."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import replace

from .analysis import fold, issuer_level
from .model import MAX_PAGE_SIZE, MAX_RESULTS, Hit, SearchDocument, SearchQuery, SearchResult
from .query import ParsedQuery, parse_query

# Relative weights of fields (BM25F), tuned on the demo relevance set (tests/test_search_*):
# an exact notation outranks everything, the abstract outranks the issuer/type/signer line,
# which outranks the body.
WEIGHTS = {"notation": 20.0, "abstract": 3.0, "meta": 1.5, "body": 1.0}
ACCENT_BONUS = 1.5  # a word typed with its accents scores more where written the same way


class SearchBackend(ABC):
    """Index documents, delete them, search with filters, facets, sort, pages, highlights."""

    @abstractmethod
    def index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents; returns how many."""

    @abstractmethod
    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents (unknown ids are ignored)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (before a rebuild)."""

    @abstractmethod
    def _search(self, parsed: ParsedQuery, query: SearchQuery, relaxed: bool) -> SearchResult:
        """Run a parsed query (``relaxed``: any word instead of every word)."""

    @abstractmethod
    def vocabulary(self) -> set[str]:
        """Folded words of abstracts, for spelling suggestions."""

    @abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        self.clear()
        return self.index(documents)

    def search(self, query: SearchQuery) -> SearchResult:
        query = clamp(query)
        parsed = parse_query(query.text)
        result = self._search(parsed, query, relaxed=False)
        suggestion: str | None = None
        if result.total == 0 and len(parsed.words) + len(parsed.notations) > 1:
            # Any word instead of every word, the closest known spellings of unknown words
            # among them: "hoach chung chineg" ranks the "Chiềng" documents first.
            suggestion = self.suggest(parsed) if parsed.words else None
            wider = replace(parsed, words=list(dict.fromkeys(
                parsed.words + (suggestion.split() if suggestion else []))))
            result = self._search(wider, query, relaxed=True)
            result.relaxed = result.total > 0
        if parsed.words and (result.total < 3 or result.relaxed):
            result.suggestion = suggestion or self.suggest(parsed)
        if query.sort == "relevance" and not parsed.empty:
            result.hits = province_first(result.hits)
        return result

    def suggest(self, parsed: ParsedQuery) -> str | None:
        """Replace words the index does not know by the closest ones it does."""
        if all(word.isdigit() for word in parsed.words):
            return None  # numbers are not spelt wrong
        vocabulary = self.vocabulary()
        changed, words = False, []
        for word in parsed.words:
            folded = fold(word)
            if folded in vocabulary or word.isdigit():
                words.append(word)
                continue
            close = closest_word(folded, vocabulary)
            words.append(close or word)
            changed = changed or bool(close)
        return " ".join(words) if changed else None


TIE = 0.02  # scores this close (relative) are a tie: the same notation, the same words


def province_first(hits: list[Hit]) -> list[Hit]:
    """Among hits that score alike, the province's organs before the communes': "21/NQ-HĐND"
    is first the resolution of the provincial HĐND, then those of communes using the same
    notation. Stable otherwise: a better score always stays ahead."""
    ordered: list[Hit] = []
    group: list[Hit] = []
    for hit in hits:
        if group and abs(hit.score - group[0].score) > TIE * max(abs(group[0].score), 1e-9):
            ordered += sorted(group, key=lambda h: issuer_level(h.issuer) != "province")
            group = []
        group.append(hit)
    return ordered + sorted(group, key=lambda h: issuer_level(h.issuer) != "province")


def edit_distance(a: str, b: str) -> int:
    """Damerau (optimal string alignment) distance: a swap of two letters costs one, as
    typists' "sna" for "san"."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest_word(word: str, vocabulary: set[str]) -> str | None:
    """The nearest known word (at most 1 edit for short words, 2 for longer ones); ties go to
    the same length, then alphabetical order so that the answer is stable."""
    limit = 1 if len(word) <= 4 else 2
    best = None
    for candidate in vocabulary:
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = edit_distance(word, candidate)
        if distance <= limit:
            key = (distance, abs(len(candidate) - len(word)), candidate)
            best = key if best is None or key < best else best
    return best[2] if best else None


def clamp(query: SearchQuery) -> SearchQuery:
    """Stated caps: at most MAX_PAGE_SIZE a page and MAX_RESULTS reachable results."""
    size = max(1, min(query.size, MAX_PAGE_SIZE))
    last_page = max(1, MAX_RESULTS // size)
    return replace(query, size=size, page=max(1, min(query.page, last_page)),
                   sort=query.sort if query.sort in ("relevance", "date") else "relevance")
