"""The embedded search backend: Whoosh (whoosh-reloaded) files in the instance folder."""
from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path

from whoosh import highlight, index, sorting
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.query import And, DateRange, Every, Or, Phrase, Term
from whoosh.writing import CLEAR

from .analysis import fold, has_marks, word_spans
from .backend import ACCENT_BONUS, WEIGHTS, SearchBackend
from .model import FACETS, Hit, SearchDocument, SearchQuery, SearchResult
from .query import ParsedQuery
from .whoosh_analysis import YEAR_SEPARATOR, NotationTokenizer, VietnameseTokenizer

TEXT_FIELDS = ("abstract", "meta", "body")
STORED_BODY_CHARS = 20_000  # enough for snippets; the whole body is still searchable


def make_schema() -> Schema:
    words = VietnameseTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        notation=TEXT(analyzer=NotationTokenizer(), stored=True, phrase=False),
        abstract=TEXT(analyzer=words, stored=True, phrase=True),
        meta=TEXT(analyzer=words, phrase=False),
        body=TEXT(analyzer=words, phrase=True),
        body_stored=ID(stored=True),
        issuer=ID(stored=True, sortable=True),
        issuer_code=ID(stored=True),
        doc_type=ID(stored=True, sortable=True),
        legal=ID(stored=True),
        status=ID(stored=True, sortable=True),
        field=ID(stored=True),
        year=ID(stored=True, sortable=True),
        issued=DATETIME(stored=True, sortable=True),
        issues=KEYWORD(stored=True),
        page=NUMERIC(int, stored=True),
        gazette=ID(stored=True),
    )


class MarkFormatter(highlight.HtmlFormatter):
    """Matched words in <mark>, everything else escaped."""

    def format_token(self, text, token, replace=False):
        return f"<mark>{highlight.htmlescape(highlight.get_text(text, token, replace))}</mark>"


class WhooshBackend(SearchBackend):
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        if index.exists_in(str(self.directory)):
            self.ix = index.open_dir(str(self.directory))
            if "gazette" not in self.ix.schema:  # an index made before gazette titles
                writer = self.ix.writer()
                writer.add_field("gazette", ID(stored=True))
                writer.commit()
        else:
            self.ix = index.create_in(str(self.directory), make_schema())
        self._local = threading.local()
        self._vocabulary: tuple[int, set[str]] | None = None

    # -- writing: one writer at a time, across threads and processes; others wait their turn
    @contextmanager
    def _writer(self):
        with open(self.directory / "writer.flock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                writer = self.ix.writer()
                try:
                    yield writer
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def index(self, documents: Iterable[SearchDocument]) -> int:
        count = 0
        with self._writer() as writer:
            for document in documents:
                writer.update_document(**_fields(document))
                count += 1
        return count

    def delete(self, ids: Iterable[int]) -> None:
        with self._writer() as writer:
            for doc_id in ids:
                writer.delete_by_term("id", str(doc_id))

    def clear(self) -> None:
        with self._writer() as writer:
            writer.mergetype = CLEAR

    def count(self) -> int:
        return self._searcher().doc_count()

    def _searcher(self):
        """One searcher per thread, reused until a commit makes a new index generation
        (Searcher.refresh() was seen to keep a stale view after a delete-only commit)."""
        generation = self.ix.latest_generation()
        current = getattr(self._local, "searcher", None)
        if current is None or current[0] != generation:
            if current is not None:
                current[1].close()
            current = (generation, self.ix.searcher())
            self._local.searcher = current
        return current[1]

    def vocabulary(self) -> set[str]:
        searcher = self._searcher()
        generation = self.ix.latest_generation()
        if self._vocabulary is None or self._vocabulary[0] != generation:
            words = {t.decode("utf-8") for t in searcher.lexicon("abstract")}
            self._vocabulary = (generation, {w for w in words if not has_marks(w)
                                             and w.isalpha() and len(w) > 1})
        return self._vocabulary[1]

    # -- searching
    def _search(self, parsed: ParsedQuery, query: SearchQuery, relaxed: bool) -> SearchResult:
        searcher = self._searcher()
        clauses = _clauses(parsed)
        if not clauses:
            whoosh_query = Every()
        elif relaxed:
            whoosh_query = Or(clauses)
        else:
            whoosh_query = And(clauses)
        filters = _filters(query)
        sort = parsed.empty or query.sort == "date"
        facets = sorting.Facets()
        for name in FACETS:
            facets.add_field(name)
        results = searcher.search_page(
            whoosh_query, query.page, pagelen=query.size,
            filter=And(filters) if filters else None, groupedby=facets,
            maptype=sorting.Count,
            sortedby=[sorting.FieldFacet("issued", reverse=True),
                      sorting.FieldFacet("id")] if sort else None)
        terms = {text.decode("utf-8") if isinstance(text, bytes) else text
                 for _, text in whoosh_query.all_terms()} if clauses else set()
        for words in parsed.phrases:  # phrase terms are not listed by all_terms()
            terms.update(words + [fold(w) for w in words])
        past_end = (query.page - 1) * query.size >= results.total  # Whoosh would clamp
        hits = [] if past_end else [_hit(hit, terms) for hit in results]
        facet_counts = {name: sorted(((str(k), v) for k, v in
                                      results.results.groups(name).items() if k not in (None, "")),
                                     key=lambda kv: (-kv[1], kv[0]))
                        for name in FACETS}
        return SearchResult(total=results.total, hits=hits, facets=facet_counts,
                            page=query.page, size=query.size)


def _fields(document: SearchDocument) -> dict:
    meta = " ".join([document.issuer, document.doc_type, document.signer, document.field])
    return {
        "id": str(document.id), "abstract": document.abstract,
        "notation": f"{document.notation}{YEAR_SEPARATOR}{document.year}",
        "_stored_notation": document.notation,
        "meta": meta, "body": document.body, "body_stored": document.body[:STORED_BODY_CHARS],
        "issuer": document.issuer, "issuer_code": document.issuer_code,
        "doc_type": document.doc_type, "legal": "1" if document.legal else "0",
        "status": document.status, "field": document.field or "",
        "year": str(document.year),
        "issued": datetime.combine(document.issued, time()),
        "issues": " ".join(str(n) for n in document.issue_numbers) if document.issue_numbers
        else None,
        "page": document.page,
        "gazette": document.gazette or None,
    }


def _word_clause(word: str, numbers: list[str]):
    forms = [(word, ACCENT_BONUS), (fold(word), 1.0)] if has_marks(word) else [(word, 1.0)]
    terms = [Term(field, form, boost=WEIGHTS[field] * bonus)
             for field in TEXT_FIELDS for form, bonus in forms]
    if word in numbers:
        terms.append(Term("notation", word, boost=WEIGHTS["notation"]))
    return Or(terms)


def _phrase_clause(words: list[str]):
    folded = [fold(w) for w in words]
    phrases = [Phrase(field, folded, boost=WEIGHTS[field]) for field in ("abstract", "body")]
    if any(has_marks(w) for w in words):
        phrases += [Phrase(field, words, boost=WEIGHTS[field] * ACCENT_BONUS)
                    for field in ("abstract", "body")]
    return Or(phrases)


def _notation_clause(form: str):
    """The document that bears the notation first; documents that cite it after."""
    tokens = [w for w, _, _ in word_spans(form)]
    cited = [Phrase(field, tokens, boost=WEIGHTS[field]) for field in ("abstract", "body")]
    return Or([Term("notation", form, boost=WEIGHTS["notation"] * 10), *cited])


def _clauses(parsed: ParsedQuery) -> list:
    return ([_notation_clause(f) for f in parsed.notations]
            + [_word_clause(w, parsed.numbers) for w in parsed.words]
            + [_phrase_clause(p) for p in parsed.phrases])


def _filters(query: SearchQuery) -> list:
    filters = []
    for name in ("issuer_code", "doc_type", "status", "field", "gazette"):
        value = getattr(query, "issuer" if name == "issuer_code" else name)
        if value:
            filters.append(Term(name, value))
    if query.legal is not None:
        filters.append(Term("legal", "1" if query.legal else "0"))
    if query.year is not None and query.issue is None:
        filters.append(Term("year", str(query.year)))
    if query.issue is not None:
        filters.append(Term("issues", str(query.issue)))
        if query.year is not None:
            filters.append(Term("year", str(query.year)))
    if query.date_from or query.date_to:
        start = datetime.combine(query.date_from, time()) if query.date_from else None
        end = datetime.combine(query.date_to, time.max) if query.date_to else None
        filters.append(DateRange("issued", start, end))
    return filters


_ABSTRACT_FRAGMENTER = highlight.WholeFragmenter(charlimit=None)
_BODY_FRAGMENTER = highlight.ContextFragmenter(maxchars=240, surround=60)
_FORMATTER = MarkFormatter(between=" … ")


def _hit(hit, terms: set[str]) -> Hit:
    stored = hit.fields()
    analyzer = VietnameseTokenizer()
    highlights = {}
    abstract = highlight.highlight(stored["abstract"], terms, analyzer, _ABSTRACT_FRAGMENTER,
                                   _FORMATTER, top=1)
    if abstract:
        highlights["abstract"] = abstract
    body = highlight.highlight(stored.get("body_stored", ""), terms, analyzer, _BODY_FRAGMENTER,
                               _FORMATTER, top=2) if terms else ""
    if body:
        highlights["body"] = body
    score = hit.score if isinstance(hit.score, (int, float)) else 0.0  # a sort key when sorted
    return Hit(id=int(stored["id"]), score=float(score), notation=stored["notation"],
               issuer=stored["issuer"], issuer_code=stored["issuer_code"],
               doc_type=stored["doc_type"], issued=stored["issued"].date(),
               abstract=stored["abstract"], status=stored["status"],
               legal=stored["legal"] == "1", highlights=highlights)


