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

At 100,000 documents that still left p95 at 0.8 s; what is bounded now (issue 20): one pass
over at most COUNT_CAP + 1 matches gives the total ("more than 10,000" above it) and the
facets; the page is ranked among the first RANK_SAMPLE matches whose head has a word asked
for (and the newest matches, which score 0 when the head has none); phrases are checked in
the bodies of at most PHRASE_BODY_CANDIDATES documents; and the planner is kept from reading
every TOASTed tsvector by a sequential scan.
"""
from __future__ import annotations

import time
from collections.abc import Iterable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from .analysis import fold, has_marks, index_terms, notation_forms, word_spans
from .backend import SearchBackend
from .highlight import highlight_fragments, highlight_terms, highlight_whole
from .model import COUNT_CAP, FACETS, Hit, SearchDocument, SearchQuery, SearchResult
from .query import ParsedQuery

TABLE = "search_documents"
MAX_POSITION = 16383
STORED_BODY_CHARS = 20_000  # the part of a body snippets are taken from
VOCABULARY_TTL = 60.0

# Ranked top-k without ranking every match: the page is ranked among the first RANK_SAMPLE
# matches whose head (abstract, issuer/type/signer: all that scores) has a word asked for,
# found by a GIN index on tsv_head. The RUM extension's ordered index scan (ORDER BY
# tsv_head <=> query) was tried: 95-130 ms for one common word at 100,000 documents, as it
# ranks every head match inside the index, more than this whole design takes.
HEAD_INDEX = f"CREATE INDEX IF NOT EXISTS {TABLE}_head ON {TABLE} USING GIN (tsv_head)"
RANK_SAMPLE = 2000
NOTATION_CANDIDATES = 200  # documents bearing a notation or number asked for, at most
PHRASE_BODY_CANDIDATES = 300  # documents whose body a phrase is checked in, per search
Facets = dict[str, list[tuple[str, int]]]
MAX_COORDINATION = 8  # words whose presence in the head is counted in the score
RANKED = "page.score DESC, page.issued DESC, page.id"

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
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS gazette text NOT NULL DEFAULT ''",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING GIN (tsv)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_notation ON {TABLE} USING GIN (notation_forms)",
    HEAD_INDEX,
    f"CREATE INDEX IF NOT EXISTS {TABLE}_issued ON {TABLE} (issued DESC, id)",
    # Filters combine with the word matches in a BitmapAnd: without them one issuer's matches
    # of a common word were found by reading every document having the word.
    *(f"CREATE INDEX IF NOT EXISTS {TABLE}_{column} ON {TABLE} ({column})"
      for column in ("issuer_code", "doc_type", "status", "year", "legal", "gazette")),
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


RANK_QUERY = "to_tsquery('simple', :rank_q)"
BONUS = "CASE WHEN notation_forms && CAST(:forms AS text[]) THEN 100 ELSE 0 END"


def _score(params: dict) -> str:
    """The notation bonus and the head's cover density (abstract A, issuer/type/signer C)."""
    if not params["rank_q"]:
        return f"({BONUS})"
    # How many of the words asked for the head has, beside its cover density: a document
    # whose title has every word (one of them misspelt by the citizen, then corrected) before
    # one that repeats a common word of them.
    having = " + ".join(f"(tsv_head @@ to_tsquery('simple', :clause_{i}))::int"
                        for i in range(len(params.get("clauses", []))))
    words = f" + 0.1 * ({having})" if having else ""
    return f"({BONUS} + ts_rank_cd('{{0.1, 0.3, 0.5, 1.0}}', tsv_head, {RANK_QUERY}){words})"


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
            "head": tsvector_literal(d, with_body=False), "gazette": d.gazette,
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
                        tsv, tsv_head, gazette)
                    VALUES (:id, :notation, :forms, :abstract, :body, :issuer, :issuer_code,
                        :doc_type, :legal, :status, :field, :year, :issued, :issues, :page,
                        CAST(:tsv AS tsvector), CAST(:head AS tsvector), :gazette)
                    ON CONFLICT (id) DO UPDATE SET notation = EXCLUDED.notation,
                        notation_forms = EXCLUDED.notation_forms, abstract = EXCLUDED.abstract,
                        body = EXCLUDED.body, issuer = EXCLUDED.issuer,
                        issuer_code = EXCLUDED.issuer_code, doc_type = EXCLUDED.doc_type,
                        legal = EXCLUDED.legal, status = EXCLUDED.status,
                        field = EXCLUDED.field, year = EXCLUDED.year, issued = EXCLUDED.issued,
                        issues = EXCLUDED.issues, page = EXCLUDED.page, tsv = EXCLUDED.tsv,
                        tsv_head = EXCLUDED.tsv_head, gazette = EXCLUDED.gazette"""),
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
        rank_parts = clauses + [f"({c})" for c in notation_cited]
        params["clauses"] = clauses[:MAX_COORDINATION]
        params.update({f"clause_{i}": c for i, c in enumerate(params["clauses"])})
        params["rank_q"] = " | ".join(rank_parts) if rank_parts else ""
        want = query.page * query.size
        params.update(limit=query.size, offset=(query.page - 1) * query.size, want=want,
                      cap=COUNT_CAP)
        by_date = query.sort == "date" or parsed.empty
        with self.engine.connect() as conn:
            # The planner does not count the cost of reading a TOASTed tsvector: with a filter
            # it chose to scan the table, reading every body's (measured: 1.5 s at 100k
            # for one issuer's matches of one word); and JIT compiling costly plans adds more
            # than the queries take.
            conn.execute(text("SET LOCAL enable_seqscan = off; SET LOCAL jit = off"))
            unchecked = False
            if parsed.phrases and not relaxed:
                where, unchecked = self._phrase_matches(conn, parsed, where, params)
            total, facets, ids = self._sample(conn, where, params)
            dense = total > COUNT_CAP
            if dense and by_date:  # the newest of every match, along the date index
                ids = list(conn.execute(text(
                    f"SELECT id FROM {TABLE} WHERE {where} ORDER BY issued DESC, id "
                    "LIMIT :want"), params).scalars())
            elif not by_date:
                ids += self._ranked_candidates(conn, where, params, dense)
            params["ids"] = sorted(set(ids))
            order = "issued DESC, id" if by_date else "score DESC, issued DESC, id"
            rows = self._page(conn, f"SELECT id FROM {TABLE} WHERE id = ANY(:ids) "
                              f"ORDER BY {order} LIMIT :limit OFFSET :offset",
                              "0.0" if by_date else _score(params), params,
                              "page.issued DESC, page.id" if by_date else RANKED) if ids else []
        terms = highlight_terms(parsed)
        hits = [_hit(row, terms) for row in rows]
        return SearchResult(total=min(total, COUNT_CAP), hits=hits, facets=facets,
                            page=query.page, size=query.size,
                            total_relation="gte" if dense or unchecked else "eq")

    @staticmethod
    def _ranked_candidates(conn, where: str, params: dict, dense: bool) -> list[int]:
        """Besides the newest matches of the sample: the first RANK_SAMPLE matches whose head
        has a word asked for (only those score above 0) and, when the sample may have missed
        it, the document bearing the notation or number asked for."""
        ids = []
        if params["rank_q"]:
            ids += conn.execute(text(
                f"SELECT id FROM {TABLE} WHERE tsv_head @@ {RANK_QUERY} AND {where} "
                f"LIMIT {RANK_SAMPLE}"), params).scalars()
        if dense and params["forms"]:
            ids += conn.execute(text(
                f"SELECT id FROM {TABLE} WHERE notation_forms && CAST(:forms AS text[]) "
                f"AND {where} LIMIT {NOTATION_CANDIDATES}"), params).scalars()
        return ids

    @staticmethod
    def _page(conn, page: str, score: str, params: dict, order: str) -> list:
        """The page is chosen first on narrow columns; the wide ones (abstract, the body's
        head) are read for its rows only: PostgreSQL computes a select list before the sort,
        which read every matching body (measured: 1.8 s for a 100k-row match)."""
        page = page.replace("SELECT id FROM", f"SELECT id, {score} AS score, issued FROM", 1)
        return list(conn.execute(text(f"""
            WITH page AS ({page})
            SELECT d.id, d.notation, d.issuer, d.issuer_code, d.doc_type, d.issued,
                   d.abstract, d.status, d.legal, page.score,
                   left(d.body, {STORED_BODY_CHARS}) AS body_head
            FROM page JOIN {TABLE} d ON d.id = page.id
            ORDER BY {order}"""), params).mappings().all())

    @staticmethod
    def _sample(conn, where: str, params: dict) -> tuple[int, Facets, list[int]]:
        """One pass over at most COUNT_CAP + 1 matches: the total, every facet's counts, and
        the ids of the newest ``want`` of them. With more matches than the cap the total is
        "more than COUNT_CAP" and the facets count the sample: counting and faceting every
        match of common syllables was most of the 0.8 s p95 at 100,000 documents."""
        names = ", ".join(FACETS)
        groups = ", ".join(f"({name})" for name in FACETS)
        rows = conn.execute(text(f"""
            WITH m AS MATERIALIZED (
                SELECT id, issued, {names} FROM {TABLE} WHERE {where}
                LIMIT :cap + 1)
            (SELECT {names}, GROUPING({names}) AS g, count(*) AS n, NULL::integer AS id
             FROM m GROUP BY GROUPING SETS ({groups}, ()))
            UNION ALL
            (SELECT {', '.join(f'NULL AS {name}' for name in FACETS)}, -1, 0, id
             FROM (SELECT id FROM m ORDER BY issued DESC, id LIMIT :want) newest)"""),
            params).all()
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
        total, everything, ids = 0, (1 << len(FACETS)) - 1, []
        for row in rows:
            if row.g == -1:
                ids.append(row.id)
            elif row.g == everything:
                total = row.n
            else:
                for index, name in enumerate(FACETS):  # GROUPING bit 0 = grouped by it
                    if not row.g >> (len(FACETS) - 1 - index) & 1:
                        value = getattr(row, name)
                        if value not in (None, ""):
                            facets[name].append((str(value), row.n))
        for name in FACETS:
            facets[name].sort(key=lambda kv: (-kv[1], kv[0]))
        return total, facets, ids

    @staticmethod
    def _phrase_matches(conn, parsed: ParsedQuery, where: str, params: dict
                        ) -> tuple[str, bool]:
        """Phrases checked on candidates only. A phrase needs the words' positions: GIN finds
        the documents having the words, then PostgreSQL reads each one's whole tsvector (a
        TOASTed body) to check the order: 3 s at 100k for three common words. So: the heads
        having the phrase (positions read from the GIN index on tsv_head: a small, inline tsvector),
        and the phrase checked in the bodies of the first PHRASE_BODY_CANDIDATES documents
        having every word. Returns the condition naming them, and whether documents having
        every word were left unchecked (the total is then "at least")."""
        loose = [_word_query(w, []) for w in parsed.words]
        loose += [" & ".join(_word_query(w, []) for w in p) for p in parsed.phrases]
        params["q_loose"] = " & ".join(loose)
        params["q_phrase"] = " & ".join(_phrase_query(p) for p in parsed.phrases)
        params["phrase_cap"] = PHRASE_BODY_CANDIDATES
        having_words = where.replace("to_tsquery('simple', :q)",
                                     "to_tsquery('simple', :q_loose)")
        phrase = "to_tsquery('simple', :q_phrase)"
        ids = set(conn.execute(text(
            f"SELECT id FROM {TABLE} WHERE tsv_head @@ {phrase} AND {having_words} "
            f"LIMIT :cap + 1"), params).scalars())
        checked = conn.execute(text(
            f"SELECT id, tsv @@ {phrase} AS found FROM (SELECT id, tsv FROM {TABLE} "
            f"WHERE {having_words} LIMIT :phrase_cap) c"), params).all()
        ids.update(row.id for row in checked if row.found)
        params["phrase_ids"] = sorted(ids)
        return "id = ANY(:phrase_ids)", len(checked) >= PHRASE_BODY_CANDIDATES

    @staticmethod
    def _filters(query: SearchQuery, params: dict) -> list[str]:
        filters = []
        for name, column in (("issuer", "issuer_code"), ("doc_type", "doc_type"),
                             ("status", "status"), ("field", "field"), ("gazette", "gazette")):
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
