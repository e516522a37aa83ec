"""The scale-out search backend: PostgreSQL full-text search, shared by several app servers.

The tsvector is written by Python: every word as written and, when it has marks, folded too,
at the same position (so phrases match either way), weighted by field (abstract A, issuer/type/
signer C, body D). Notation forms sit in an array column with a GIN index.

Measured at 100,000 documents, what made queries slow was reading every matching row's whole
tsvector (bodies are long, so TOASTed) to rank it, ts_headline over whole bodies, and six scans
of the matches (count, page, four facets). So: ranking reads ``tsv_head`` (abstract and
issuer/type/signer only; the body still decides which documents match), count and facets come
from one GROUPING SETS pass over the matches, and highlights are made in Python from the
abstract and the body's first characters (search_index.highlight, as the tantivy backend).
"""
from __future__ import annotations

import time
from collections.abc import Iterable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from .analysis import fold, has_marks, index_terms, notation_forms, word_spans
from .backend import SearchBackend
from .highlight import highlight_fragments, highlight_terms, highlight_whole
from .model import FACETS, Hit, SearchDocument, SearchQuery, SearchResult
from .query import ParsedQuery

TABLE = "search_documents"
MAX_POSITION = 16383
STORED_BODY_CHARS = 20_000  # the part of a body snippets are taken from
VOCABULARY_TTL = 60.0

SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        id integer PRIMARY KEY, notation text NOT NULL, notation_forms text[] NOT NULL,
        abstract text NOT NULL, body text NOT NULL, issuer text NOT NULL,
        issuer_code text NOT NULL, doc_type text NOT NULL, legal boolean NOT NULL,
        status text NOT NULL, field text NOT NULL, year integer NOT NULL, issued date NOT NULL,
        issues integer[] NOT NULL, page integer, tsv tsvector NOT NULL)""",
    # Added after the first release: rows indexed before have an empty one until `reindex`.
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS tsv_head tsvector NOT NULL DEFAULT ''",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING GIN (tsv)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_notation ON {TABLE} USING GIN (notation_forms)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_issued ON {TABLE} (issued DESC, id)",
    # Folded words of abstracts, for "did you mean": kept as documents are indexed (ts_stat
    # over every document took 1.7 s at 100,000). Words of deleted documents may stay.
    f"CREATE TABLE IF NOT EXISTS {TABLE}_vocabulary (word text PRIMARY KEY)",
]
CONFIGURATION = """DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'gazette_vi') THEN
    CREATE TEXT SEARCH CONFIGURATION gazette_vi (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION gazette_vi ALTER MAPPING FOR asciiword, word, numword,
      asciihword, hword, numhword, hword_part, hword_asciipart, hword_numpart
      WITH unaccent, simple;
  END IF;
END $$"""


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(document: SearchDocument, with_body: bool = True) -> str:
    """``'hoạch':2A 'hoach':2A ...``: accented and folded terms share their position."""
    positions: dict[str, list[str]] = {}
    position = 1
    meta = " ".join([document.issuer, document.doc_type, document.signer, document.field])
    fields = [(document.abstract, "A"), (meta, "C")] + \
        ([(document.body, "D")] if with_body else [])
    for value, weight in fields:
        for word, _, _ in word_spans(value):
            if position > MAX_POSITION:
                break
            for term in index_terms(word):
                positions.setdefault(term, []).append(f"{position}{weight}")
            position += 1
        position += 8  # fields never form a phrase together
    return " ".join(f"{_lexeme(t)}:{','.join(p[:256])}" for t, p in positions.items())


def _word_query(word: str, numbers: list[str]) -> str:
    forms = [word, fold(word)] if has_marks(word) else [word]
    return "(" + " | ".join(_lexeme(f) for f in forms) + ")"


def _phrase_query(words: list[str]) -> str:
    folded = " <-> ".join(_lexeme(fold(w)) for w in words)
    if any(has_marks(w) for w in words):
        return f"(({' <-> '.join(_lexeme(w) for w in words)}) | ({folded}))"
    return f"({folded})"


class PostgresBackend(SearchBackend):
    def __init__(self, url: str | Engine):
        self.engine = create_engine(url, pool_pre_ping=True) if isinstance(url, str) else url
        with self.engine.begin() as conn:
            for statement in SCHEMA:
                conn.execute(text(statement))
            conn.execute(text(CONFIGURATION))
        self._vocabulary: tuple[float, set[str]] | None = None

    def index(self, documents: Iterable[SearchDocument]) -> int:
        documents = list(documents)
        rows = [{
            "id": d.id, "notation": d.notation, "forms": sorted(notation_forms(d.notation, d.year)),
            "abstract": d.abstract, "body": d.body, "issuer": d.issuer,
            "issuer_code": d.issuer_code, "doc_type": d.doc_type, "legal": d.legal,
            "status": d.status, "field": d.field or "", "year": d.year, "issued": d.issued,
            "issues": list(d.issue_numbers), "page": d.page, "tsv": tsvector_literal(d),
            "head": tsvector_literal(d, with_body=False),
        } for d in documents]
        words = sorted({fold(w) for d in documents for w, _, _ in word_spans(d.abstract)
                        if w.isalpha() and len(w) > 1})
        if rows:
            with self.engine.begin() as conn:
                conn.execute(text(f"INSERT INTO {TABLE}_vocabulary (word) SELECT unnest("
                                  "CAST(:words AS text[])) ON CONFLICT DO NOTHING"),
                             {"words": words})
                conn.execute(text(f"""
                    INSERT INTO {TABLE} (id, notation, notation_forms, abstract, body, issuer,
                        issuer_code, doc_type, legal, status, field, year, issued, issues, page,
                        tsv, tsv_head)
                    VALUES (:id, :notation, :forms, :abstract, :body, :issuer, :issuer_code,
                        :doc_type, :legal, :status, :field, :year, :issued, :issues, :page,
                        CAST(:tsv AS tsvector), CAST(:head AS tsvector))
                    ON CONFLICT (id) DO UPDATE SET notation = EXCLUDED.notation,
                        notation_forms = EXCLUDED.notation_forms, abstract = EXCLUDED.abstract,
                        body = EXCLUDED.body, issuer = EXCLUDED.issuer,
                        issuer_code = EXCLUDED.issuer_code, doc_type = EXCLUDED.doc_type,
                        legal = EXCLUDED.legal, status = EXCLUDED.status,
                        field = EXCLUDED.field, year = EXCLUDED.year, issued = EXCLUDED.issued,
                        issues = EXCLUDED.issues, page = EXCLUDED.page, tsv = EXCLUDED.tsv,
                        tsv_head = EXCLUDED.tsv_head"""),
                    rows)
        self._vocabulary = None
        return len(rows)

    def delete(self, ids: Iterable[int]) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {TABLE} WHERE id = ANY(:ids)"), {"ids": list(ids)})
        self._vocabulary = None

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {TABLE}, {TABLE}_vocabulary"))
        self._vocabulary = None

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()

    def vocabulary(self) -> set[str]:
        now = time.monotonic()
        if self._vocabulary is None or now - self._vocabulary[0] > VOCABULARY_TTL:
            with self.engine.connect() as conn:
                words: Iterable[str] = conn.execute(
                    text(f"SELECT word FROM {TABLE}_vocabulary")).scalars()
                self._vocabulary = (now, set(words))
        return self._vocabulary[1]

    def _search(self, parsed: ParsedQuery, query: SearchQuery, relaxed: bool) -> SearchResult:
        params: dict = {"forms": parsed.notations + parsed.numbers}
        clauses = [_word_query(w, parsed.numbers) for w in parsed.words]
        clauses += [_phrase_query(p) for p in parsed.phrases]
        notation_cited = [" <-> ".join(_lexeme(w) for w, _, _ in word_spans(f))
                          for f in parsed.notations]
        joiner = " | " if relaxed else " & "
        conditions, filters = [], self._filters(query, params)
        tsquery = joiner.join(clauses) if clauses else ""
        if parsed.notations:
            # The document bearing the notation, or documents citing it (a phrase of its parts).
            cited = " | ".join(f"({c})" for c in notation_cited)
            bearing = "notation_forms && CAST(:notations AS text[])"
            params["notations"] = parsed.notations
            if tsquery:
                params["q"] = tsquery
                combine = "OR" if relaxed else "AND"
                conditions.append(f"(({bearing} OR tsv @@ to_tsquery('simple', :cited)) "
                                  f"{combine} tsv @@ to_tsquery('simple', :q))")
            else:
                conditions.append(f"({bearing} OR tsv @@ to_tsquery('simple', :cited))")
            params["cited"] = cited
        elif tsquery:
            params["q"] = tsquery
            number_match = (" OR notation_forms && CAST(:numbers AS text[])"
                            if parsed.numbers else "")
            conditions.append(f"(tsv @@ to_tsquery('simple', :q){number_match})")
            params["numbers"] = parsed.numbers
        where = " AND ".join(conditions + filters) or "TRUE"
        rank_query = "to_tsquery('simple', :rank_q)"
        rank_parts = clauses + [f"({c})" for c in notation_cited]
        params["rank_q"] = " | ".join(rank_parts) if rank_parts else ""
        if query.sort == "date" or parsed.empty:
            order, score = "issued DESC, id", "0.0"
            outer = "page.issued DESC, page.id"
        else:
            outer = "page.score DESC, page.issued DESC, page.id"
            bonus = "CASE WHEN notation_forms && CAST(:forms AS text[]) THEN 100 ELSE 0 END"
            score = (f"({bonus} + ts_rank_cd('{{0.1, 0.3, 0.5, 1.0}}', tsv_head, {rank_query}))"
                     if params["rank_q"] else f"({bonus})")
            order = "score DESC, issued DESC, id"
        params.update(limit=query.size, offset=(query.page - 1) * query.size)
        with self.engine.connect() as conn:
            # The page is chosen first on narrow columns; the wide ones (abstract, the body's
            # head) are read for its rows only: PostgreSQL computes a select list before the
            # sort, which read every matching body (measured: 1.8 s for a 100k-row match).
            rows = conn.execute(text(f"""
                WITH page AS (
                    SELECT id, {score} AS score, issued FROM {TABLE} WHERE {where}
                    ORDER BY {order} LIMIT :limit OFFSET :offset)
                SELECT d.id, d.notation, d.issuer, d.issuer_code, d.doc_type, d.issued,
                       d.abstract, d.status, d.legal, page.score,
                       left(d.body, {STORED_BODY_CHARS}) AS body_head
                FROM page JOIN {TABLE} d ON d.id = page.id
                ORDER BY {outer}"""), params).mappings().all()
            total, facets = self._count_and_facets(conn, where, params)
        terms = highlight_terms(parsed)
        hits = [_hit(row, terms) for row in rows]
        return SearchResult(total=total, hits=hits, facets=facets, page=query.page,
                            size=query.size)

    @staticmethod
    def _count_and_facets(conn, where: str, params: dict):
        """The total and every facet's counts in one pass over the matches."""
        groups = ", ".join(f"({name})" for name in FACETS)
        rows = conn.execute(text(
            f"SELECT {', '.join(FACETS)}, GROUPING({', '.join(FACETS)}) AS g, count(*) AS n "
            f"FROM {TABLE} WHERE {where} GROUP BY GROUPING SETS ({groups}, ())"),
            params).all()
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
        total, everything = 0, (1 << len(FACETS)) - 1
        for row in rows:
            if row.g == everything:
                total = row.n
                continue
            for index, name in enumerate(FACETS):  # GROUPING bit 0 = grouped by this column
                if not row.g >> (len(FACETS) - 1 - index) & 1:
                    value = getattr(row, name)
                    if value not in (None, ""):
                        facets[name].append((str(value), row.n))
        for name in FACETS:
            facets[name].sort(key=lambda kv: (-kv[1], kv[0]))
        return total, facets

    @staticmethod
    def _filters(query: SearchQuery, params: dict) -> list[str]:
        filters = []
        for name, column in (("issuer", "issuer_code"), ("doc_type", "doc_type"),
                             ("status", "status"), ("field", "field")):
            value = getattr(query, name)
            if value:
                params[f"f_{name}"] = value
                filters.append(f"{column} = :f_{name}")
        if query.legal is not None:
            params["f_legal"] = query.legal
            filters.append("legal = :f_legal")
        if query.year is not None:
            params["f_year"] = query.year
            filters.append("year = :f_year")
        if query.issue is not None:
            params["f_issue"] = query.issue
            filters.append(":f_issue = ANY(issues)")
        if query.date_from:
            params["f_from"] = query.date_from
            filters.append("issued >= :f_from")
        if query.date_to:
            params["f_to"] = query.date_to
            filters.append("issued <= :f_to")
        return filters


def _hit(row, terms: set[str]) -> Hit:
    highlights = {}
    abstract = highlight_whole(row["abstract"], terms) if terms else ""
    if abstract:
        highlights["abstract"] = abstract
    body = highlight_fragments(row["body_head"], terms) if terms and row["body_head"] else ""
    if body:
        highlights["body"] = body
    return Hit(id=row["id"], score=float(row["score"]), notation=row["notation"],
               issuer=row["issuer"], issuer_code=row["issuer_code"], doc_type=row["doc_type"],
               issued=row["issued"], abstract=row["abstract"], status=row["status"],
               legal=row["legal"], highlights=highlights)
