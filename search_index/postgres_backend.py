"""The scale-out search backend: PostgreSQL full-text search, shared by several app servers.

The tsvector is written by Python: every word as written and, when it has marks, folded too,
at the same position (so phrases match either way), weighted by field (abstract A, issuer/type/
signer C, body D). Notation forms sit in an array column with a GIN index. Highlights come from
ts_headline through the text search configuration ``gazette_vi`` (simple + unaccent), so folded
query words mark the accented text.
"""
from __future__ import annotations

import html
import time
from typing import Iterable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from .analysis import fold, has_marks, index_terms, notation_forms, word_spans
from .backend import SearchBackend
from .model import FACETS, Hit, SearchDocument, SearchQuery, SearchResult
from .query import ParsedQuery

TABLE = "search_documents"
MAX_POSITION = 16383
START, STOP = "\x02", "\x03"  # headline markers, replaced by <mark> after escaping
VOCABULARY_TTL = 60.0

SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        id integer PRIMARY KEY, notation text NOT NULL, notation_forms text[] NOT NULL,
        abstract text NOT NULL, body text NOT NULL, issuer text NOT NULL,
        issuer_code text NOT NULL, doc_type text NOT NULL, legal boolean NOT NULL,
        status text NOT NULL, field text NOT NULL, year integer NOT NULL, issued date NOT NULL,
        issues integer[] NOT NULL, page integer, tsv tsvector NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING GIN (tsv)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_notation ON {TABLE} USING GIN (notation_forms)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_issued ON {TABLE} (issued DESC, id)",
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


def tsvector_literal(document: SearchDocument) -> str:
    """``'hoạch':2A 'hoach':2A ...``: accented and folded terms share their position."""
    positions: dict[str, list[str]] = {}
    position = 1
    meta = " ".join([document.issuer, document.doc_type, document.signer, document.field])
    for value, weight in ((document.abstract, "A"), (meta, "C"), (document.body, "D")):
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
        rows = [{
            "id": d.id, "notation": d.notation, "forms": sorted(notation_forms(d.notation)),
            "abstract": d.abstract, "body": d.body, "issuer": d.issuer,
            "issuer_code": d.issuer_code, "doc_type": d.doc_type, "legal": d.legal,
            "status": d.status, "field": d.field or "", "year": d.year, "issued": d.issued,
            "issues": list(d.issue_numbers), "page": d.page, "tsv": tsvector_literal(d),
        } for d in documents]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(text(f"""
                    INSERT INTO {TABLE} (id, notation, notation_forms, abstract, body, issuer,
                        issuer_code, doc_type, legal, status, field, year, issued, issues, page,
                        tsv)
                    VALUES (:id, :notation, :forms, :abstract, :body, :issuer, :issuer_code,
                        :doc_type, :legal, :status, :field, :year, :issued, :issues, :page,
                        CAST(:tsv AS tsvector))
                    ON CONFLICT (id) DO UPDATE SET notation = EXCLUDED.notation,
                        notation_forms = EXCLUDED.notation_forms, abstract = EXCLUDED.abstract,
                        body = EXCLUDED.body, issuer = EXCLUDED.issuer,
                        issuer_code = EXCLUDED.issuer_code, doc_type = EXCLUDED.doc_type,
                        legal = EXCLUDED.legal, status = EXCLUDED.status,
                        field = EXCLUDED.field, year = EXCLUDED.year, issued = EXCLUDED.issued,
                        issues = EXCLUDED.issues, page = EXCLUDED.page, tsv = EXCLUDED.tsv"""),
                    rows)
        self._vocabulary = None
        return len(rows)

    def delete(self, ids: Iterable[int]) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {TABLE} WHERE id = ANY(:ids)"), {"ids": list(ids)})
        self._vocabulary = None

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {TABLE}"))
        self._vocabulary = None

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()

    def vocabulary(self) -> set[str]:
        now = time.monotonic()
        if self._vocabulary is None or now - self._vocabulary[0] > VOCABULARY_TTL:
            with self.engine.connect() as conn:
                words = conn.execute(text(
                    f"SELECT word FROM ts_stat('SELECT tsv FROM {TABLE}', 'a')")).scalars()
                self._vocabulary = (now, {w for w in words if not has_marks(w)
                                          and w.isalpha() and len(w) > 1})
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
            number_match = " OR notation_forms && CAST(:numbers AS text[])" if parsed.numbers else ""
            conditions.append(f"(tsv @@ to_tsquery('simple', :q){number_match})")
            params["numbers"] = parsed.numbers
        where = " AND ".join(conditions + filters) or "TRUE"
        rank_query = "to_tsquery('simple', :rank_q)"
        rank_parts = clauses + [f"({c})" for c in notation_cited]
        params["rank_q"] = " | ".join(rank_parts) if rank_parts else ""
        if query.sort == "date" or parsed.empty:
            order = "issued DESC, id"
            score = "0.0"
        else:
            score = (f"(CASE WHEN notation_forms && CAST(:forms AS text[]) THEN 100 ELSE 0 END"
                     f" + ts_rank_cd('{{0.1, 0.3, 0.5, 1.0}}', tsv, {rank_query}))"
                     if params["rank_q"] else
                     "(CASE WHEN notation_forms && CAST(:forms AS text[]) THEN 100 ELSE 0 END)")
            order = "score DESC, issued DESC, id"
        params.update(limit=query.size, offset=(query.page - 1) * query.size)
        highlight_words = [fold(w) for w in parsed.words] + \
            [fold(w) for p in parsed.phrases for w in p]
        params["hl"] = " | ".join(_lexeme(w) for w in highlight_words) if highlight_words else ""
        headline = ("ts_headline('gazette_vi', {col}, to_tsquery('simple', :hl), "
                    f"'StartSel={START}, StopSel={STOP}, {{options}}')")
        abstract_hl = headline.format(col="abstract", options="HighlightAll=true") \
            if params["hl"] else "''"
        body_hl = headline.format(col="body", options="MaxFragments=2, MaxWords=35, MinWords=12,"
                                  " FragmentDelimiter=\" … \"") if params["hl"] else "''"
        with self.engine.connect() as conn:
            total = conn.execute(text(f"SELECT count(*) FROM {TABLE} WHERE {where}"),
                                 params).scalar_one()
            rows = conn.execute(text(f"""
                SELECT id, notation, issuer, issuer_code, doc_type, issued, abstract, status,
                       legal, {score} AS score, {abstract_hl} AS abstract_hl,
                       {body_hl} AS body_hl
                FROM {TABLE} WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset"""),
                params).mappings().all()
            facets = {name: [(str(value), count) for value, count in conn.execute(text(
                f"SELECT {name}, count(*) AS n FROM {TABLE} WHERE {where} GROUP BY {name} "
                f"ORDER BY n DESC, {name}"), params).all() if value not in (None, "")]
                for name in FACETS}
        hits = [_hit(row, bool(params["hl"])) for row in rows]
        return SearchResult(total=total, hits=hits, facets=facets, page=query.page,
                            size=query.size)

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


def _marked(value: str) -> str:
    return html.escape(value).replace(START, "<mark>").replace(STOP, "</mark>")


def _hit(row, highlighted: bool) -> Hit:
    highlights = {}
    if highlighted and START in (row["abstract_hl"] or ""):
        highlights["abstract"] = _marked(row["abstract_hl"])
    if highlighted and START in (row["body_hl"] or ""):
        highlights["body"] = _marked(row["body_hl"])
    return Hit(id=row["id"], score=float(row["score"]), notation=row["notation"],
               issuer=row["issuer"], issuer_code=row["issuer_code"], doc_type=row["doc_type"],
               issued=row["issued"], abstract=row["abstract"], status=row["status"],
               legal=row["legal"], highlights=highlights)
