"""The embedded default search backend: tantivy (Rust, through tantivy-py) files in the
instance folder.

Each text is indexed twice by tantivy's own analyzers (Rust, so indexing is not bound by
Python): as written (lower case) and folded (lower case, marks removed, đ -> d), in two fields,
so unaccented queries, accented ranking and phrases work as in the other backends. A test
checks that the folded analyzer gives exactly ``search_index.analysis.fold`` on the Vietnamese
alphabet; query words go through the same analyzers, so query and index always agree.
Notations are given as pre-tokenized whole forms. Queries are built from term, phrase and
boolean queries (never a query string: nothing a citizen types is syntax).
Chosen after measuring (README, make bench): at 100,000 documents Whoosh answered in 690 ms
(p50) where tantivy answers in milliseconds, with the same facets, counts and highlights.
"""
from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import cast

import tantivy
from tantivy import Occur, Query

from .analysis import has_marks, notation_forms
from .backend import ACCENT_BONUS, WEIGHTS, SearchBackend
from .highlight import highlight_fragments, highlight_terms, highlight_whole
from .model import COUNT_CAP, FACETS, Hit, SearchDocument, SearchQuery, SearchResult
from .query import ParsedQuery

TEXT_FIELDS = ("abstract", "meta", "body")
WRITTEN, FOLDED = "vi_written", "vi_folded"  # analyzer names registered on the index
KEYWORDS = ("issuer", "issuer_code", "doc_type", "status", "field", "legal", "year", "issues",
            "gazette")
STORED_BODY_CHARS = 20_000  # enough for snippets; the whole body is still searchable
# Indexing threads: tantivy splits the documents of one commit between them; with two cores
# two threads index 1.7x faster than one (bench/bench_search.py). Heap is per writer, shared.
WRITER_THREADS = max(1, min(4, os.cpu_count() or 1))
WRITER_HEAP = 64_000_000 * WRITER_THREADS
NO_POSITIONS = ("meta",)  # the issuer/type/signer line: words, no phrases (a smaller index)
SCHEMA_VERSION = "3"  # bump when the schema changes: the index is rebuilt by `reindex`


def make_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("notation", stored=True, tokenizer_name="raw", index_option="freq")
    for name in TEXT_FIELDS:
        positions = "freq" if name in NO_POSITIONS else "position"
        builder.add_text_field(name, stored=name == "abstract", tokenizer_name=WRITTEN,
                               index_option=positions)
        builder.add_text_field(f"{name}_f", tokenizer_name=FOLDED, index_option=positions)
    builder.add_bytes_field("body_stored", stored=True)
    for name in KEYWORDS:
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw",
                               index_option="basic")
    builder.add_integer_field("day", stored=True, indexed=True, fast=True)  # date.toordinal()
    builder.add_unsigned_field("date_order", fast=True)  # newest first, then lowest id
    builder.add_integer_field("page", stored=True)
    return builder.build()


def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """Words as ``search_index.analysis.WORD`` reads them, lower case; folded for FOLDED."""
    def words():
        return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(r"\w+")) \
            .filter(tantivy.Filter.lowercase())
    return {WRITTEN: words().build(), FOLDED: words().filter(tantivy.Filter.ascii_fold()).build()}


def _notation(text: str, year: int) -> tantivy.PreTokenizedString:
    return tantivy.PreTokenizedString(text, [tantivy.Token(form, 0, 0, len(text))
                                             for form in sorted(notation_forms(text, year))])


def _date_order(document: SearchDocument) -> int:
    return document.issued.toordinal() << 32 | (0xFFFFFFFF - document.id)


class OlderSchema(RuntimeError):
    """The index folder was written with another schema: it must be rebuilt from the source."""


class TantivyBackend(SearchBackend):
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema = make_schema()
        version = self.directory / "schema-version"
        if version.exists() and version.read_text().strip() != SCHEMA_VERSION:
            raise OlderSchema(f"search index in {self.directory} has schema "
                              f"{version.read_text().strip()}, not {SCHEMA_VERSION}")
        self.ix = tantivy.Index(self.schema, path=str(self.directory))
        self.analyzers = analyzers()
        for name, analyzer in self.analyzers.items():  # not stored in the index: every open
            self.ix.register_tokenizer(name, analyzer)
        if not version.exists():  # atomically: other processes open the index meanwhile
            tmp = version.with_name(f"schema-version.{os.getpid()}.{threading.get_ident()}")
            tmp.write_text(SCHEMA_VERSION)
            os.replace(tmp, version)
        self._lock = threading.Lock()
        self._seen = self._generation()
        self._vocabulary: tuple[float, set[str]] | None = None
        self._ids: tuple[float, tuple[int, int]] | None = None

    # -- freshness: another process may have committed; reload when meta.json changed
    def _generation(self) -> float:
        try:
            return (self.directory / "meta.json").stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def _searcher(self) -> tantivy.Searcher:
        generation = self._generation()
        if generation != self._seen:
            self.ix.reload()
            self._seen = generation
        return self.ix.searcher()

    # -- writing: one writer at a time, across threads and processes; others wait their turn
    @contextmanager
    def _writer(self):
        with self._lock, open(self.directory / "writer.flock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                writer = self.ix.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
                try:
                    yield writer
                    writer.commit()
                    writer.wait_merging_threads()
                except BaseException:
                    writer.rollback()
                    raise
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        self.ix.reload()
        self._seen = self._generation()

    def index(self, documents: Iterable[SearchDocument]) -> int:
        count = 0
        with self._writer() as writer:
            for document in documents:
                writer.delete_documents_by_query(self._id(document.id))
                writer.add_document(_document(document))
                count += 1
        return count

    def delete(self, ids: Iterable[int]) -> None:
        with self._writer() as writer:
            for doc_id in ids:
                writer.delete_documents_by_query(self._id(int(doc_id)))

    def _id(self, doc_id: int):
        return Query.term_query(self.schema, "id", doc_id)

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    def count(self) -> int:
        return self._searcher().num_docs

    def vocabulary(self) -> set[str]:
        generation = self._generation()
        if self._vocabulary is None or self._vocabulary[0] != generation:
            terms = self._searcher().terms_with_prefix("abstract_f", "")
            self._vocabulary = (generation, {t for t, _ in terms if t.isalpha() and len(t) > 1})
        return self._vocabulary[1]

    # -- searching
    def _search(self, parsed: ParsedQuery, query: SearchQuery, relaxed: bool) -> SearchResult:
        searcher = self._searcher()
        clauses = self._clauses(parsed)
        occur = Occur.Should if relaxed else Occur.Must
        parts = [(occur, clause) for clause in clauses]
        parts += [(Occur.Must, Query.const_score_query(f, 0.0)) for f in self._filters(query)]
        if not clauses:
            parts.append((Occur.Must, Query.all_query()))
        whole = Query.boolean_query(parts)
        offset = (query.page - 1) * query.size
        by_date = parsed.empty or query.sort == "date"
        found = searcher.search(whole, limit=query.size, offset=offset, count=True,
                                order_by_field="date_order" if by_date else None)
        terms = highlight_terms(parsed)
        hits = [_hit(searcher.doc(address), 0.0 if by_date else float(score), terms)
                for score, address in found.hits]
        # count=True above: tantivy's stub leaves SearchResult.count out
        total = found.count  # type: ignore[attr-defined]
        capped = total > COUNT_CAP
        sample = self._sample(searcher, whole, total) if capped else whole
        return SearchResult(total=min(total, COUNT_CAP), hits=hits,
                            facets=self._facets(searcher, sample), page=query.page,
                            size=query.size, total_relation="gte" if capped else "eq")

    def _sample(self, searcher, whole, total: int):
        """Above COUNT_CAP matches, facets count about COUNT_CAP of them: those among the
        most recently added documents (the highest ids), a slice of the id range as wide as
        COUNT_CAP is a part of the matches. Aggregating every match of common syllables was
        most of the 300 ms p95 measured at 1,000,000 documents."""
        low, high = self._id_range(searcher)
        start = max(low, high - (high - low + 1) * COUNT_CAP // total)
        return Query.boolean_query([
            (Occur.Must, whole),
            (Occur.Must, Query.range_query(self.schema, "id", tantivy.FieldType.Unsigned,
                                           start, high))])

    def _id_range(self, searcher) -> tuple[int, int]:
        generation = self._seen
        if self._ids is None or self._ids[0] != generation:
            answer = searcher.aggregate(Query.all_query(), {
                "low": {"min": {"field": "id"}}, "high": {"max": {"field": "id"}}})
            self._ids = (generation, (int(answer["low"]["value"] or 0),
                                      int(answer["high"]["value"] or 0)))
        return self._ids[1]

    def _facets(self, searcher, whole) -> dict[str, list[tuple[str, int]]]:
        spec = {name: {"terms": {"field": name, "size": 1000}} for name in FACETS}
        answer = searcher.aggregate(whole, spec)
        return {name: sorted(((b["key"], b["doc_count"]) for b in answer[name]["buckets"]
                              if b["key"] not in (None, "")), key=lambda kv: (-kv[1], kv[0]))
                for name in FACETS}

    def _match(self, field: str, analyzer: str, text: str, boost: float):
        """``text`` as the field's analyzer reads it: a term, or a phrase when it splits."""
        tokens = self.analyzers[analyzer].analyze(text)
        if not tokens:
            return None
        if len(tokens) == 1:
            query = Query.term_query(self.schema, field, tokens[0])
        elif field.split("_")[0] in NO_POSITIONS:  # a word the analyzer splits ("¼", "𣓵"):
            query = Query.boolean_query([(Occur.Must, Query.term_query(self.schema, field, t))
                                         for t in tokens])  # all its parts, in any order
        else:
            query = Query.phrase_query(self.schema, field,
                                       cast("list[str | tuple[int, str]]", tokens))
        return Query.boost_query(query, boost)

    @staticmethod
    def _any(options: list):
        options = [q for q in options if q is not None]
        return Query.boolean_query([(Occur.Should, q) for q in options]) if options else None

    def _word(self, word: str, numbers: list[str]):
        options = [self._match(f"{f}_f", FOLDED, word, WEIGHTS[f]) for f in TEXT_FIELDS]
        if has_marks(word):
            options += [self._match(f, WRITTEN, word, WEIGHTS[f] * ACCENT_BONUS)
                        for f in TEXT_FIELDS]
        if word in numbers:
            options.append(Query.boost_query(Query.term_query(self.schema, "notation", word),
                                             WEIGHTS["notation"]))
        return self._any(options)

    def _phrase(self, words: list[str]):
        text = " ".join(words)
        options = [self._match(f"{f}_f", FOLDED, text, WEIGHTS[f]) for f in ("abstract", "body")]
        if any(has_marks(w) for w in words):
            options += [self._match(f, WRITTEN, text, WEIGHTS[f] * ACCENT_BONUS)
                        for f in ("abstract", "body")]
        return self._any(options)

    def _notation_clause(self, form: str):
        """The document that bears the notation first; documents that cite it after."""
        options = [Query.boost_query(Query.term_query(self.schema, "notation", form),
                                     WEIGHTS["notation"] * 10)]
        options += [self._match(f"{f}_f", FOLDED, form, WEIGHTS[f]) for f in ("abstract", "body")]
        return self._any(options)

    def _clauses(self, parsed: ParsedQuery) -> list:
        clauses = ([self._notation_clause(f) for f in parsed.notations]
                   + [self._word(w, parsed.numbers) for w in parsed.words]
                   + [self._phrase(p) for p in parsed.phrases])
        return [c for c in clauses if c is not None]  # "😀" has no word to look for

    def _filters(self, query: SearchQuery) -> list:
        filters = []
        for name in ("issuer_code", "doc_type", "status", "field", "gazette"):
            value = getattr(query, "issuer" if name == "issuer_code" else name)
            if value:
                filters.append(Query.term_query(self.schema, name, value))
        if query.legal is not None:
            filters.append(Query.term_query(self.schema, "legal", "1" if query.legal else "0"))
        if query.year is not None:
            filters.append(Query.term_query(self.schema, "year", str(query.year)))
        if query.issue is not None:
            filters.append(Query.term_query(self.schema, "issues", str(query.issue)))
        if query.date_from or query.date_to:
            filters.append(Query.range_query(
                self.schema, "day", tantivy.FieldType.Integer,
                query.date_from.toordinal() if query.date_from else None,
                query.date_to.toordinal() if query.date_to else None))
        return filters


def _document(document: SearchDocument) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_unsigned("id", document.id)
    doc.add_pre_tokenized_text("notation", _notation(document.notation, document.year))
    meta = " ".join([document.issuer, document.doc_type, document.signer, document.field])
    for name, text in (("abstract", document.abstract), ("meta", meta), ("body", document.body)):
        if text:
            doc.add_text(name, text)
            doc.add_text(f"{name}_f", text)
    if document.body:
        doc.add_bytes("body_stored", document.body[:STORED_BODY_CHARS].encode("utf-8"))
    values = {"issuer": document.issuer, "issuer_code": document.issuer_code,
              "doc_type": document.doc_type, "status": document.status,
              "field": document.field or "", "legal": "1" if document.legal else "0",
              "year": str(document.year), "gazette": document.gazette}
    for name, value in values.items():
        doc.add_text(name, value)
    for number in document.issue_numbers:
        doc.add_text("issues", str(number))
    doc.add_integer("day", document.issued.toordinal())
    doc.add_unsigned("date_order", _date_order(document))
    if document.page is not None:
        doc.add_integer("page", document.page)
    return doc


def _hit(doc: tantivy.Document, score: float, terms: set[str]) -> Hit:
    stored = doc.to_dict()
    first = {name: values[0] for name, values in stored.items() if values}
    highlights = {}
    abstract = highlight_whole(first["abstract"], terms) if terms else ""
    if abstract:
        highlights["abstract"] = abstract
    body = first.get("body_stored", b"").decode("utf-8") if terms else ""
    snippet = highlight_fragments(body, terms) if body else ""
    if snippet:
        highlights["body"] = snippet
    return Hit(id=int(first["id"]), score=score, notation=first["notation"],
               issuer=first["issuer"], issuer_code=first["issuer_code"],
               doc_type=first["doc_type"], issued=date.fromordinal(first["day"]),
               abstract=first["abstract"], status=first["status"], legal=first["legal"] == "1",
               highlights=highlights)
