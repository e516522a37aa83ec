"""Synthetic corpora made from the demo records: real abstracts, issuers and types; bodies drawn
from the records' own vocabulary with Zipf-like frequencies (Vietnamese syllables are few and
common, which is what makes posting lists long); and a fixed mixed query set."""
from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from gazette_app.demo.documents import WORDS
from gazette_app.vocabulary import issuer_display_name, status_code
from search_index.analysis import fold, slugify, word_spans
from search_index.model import SearchDocument

RECORDS = Path(__file__).resolve().parent.parent / "gazette_app" / "demo" / \
    "sonla-2026-documents.jsonl"


def records() -> list[dict]:
    return [json.loads(line) for line in RECORDS.open(encoding="utf-8")]


def vocabulary(recs: list[dict]) -> tuple[list[str], list[float]]:
    """Words by frequency in the abstracts (plus legal words), weighted 1/rank (Zipf)."""
    counts = Counter(w for r in recs for w, _, _ in word_spans(r["abstract"]) if w.isalpha())
    counts.update({w: 1 for w in WORDS})
    words = [w for w, _ in counts.most_common()]
    return words, [1 / (rank + 1) for rank in range(len(words))]


PAGES = range(1, 31)
PAGE_WEIGHTS = [1 / pages ** 2 for pages in PAGES]  # most documents short, a few of 30 pages


@dataclass(frozen=True)
class CorpusEntry:
    """One document of the corpus as a records feed would carry it, with its body text."""
    number: int
    record: dict  # the demo record it is made from (abstract, issuer, type, signer, status)
    notation: str
    issued: date
    legal: bool
    body: str


def entries(count: int, words_per_page: int = 300, seed: int = 7) -> Iterator[CorpusEntry]:
    """``count`` documents of 1 to 30 pages (2.5 on average); notations unique per document."""
    rng = random.Random(seed)
    recs = records()
    words, weights = vocabulary(recs)
    start = date(2016, 1, 1)
    for number in range(1, count + 1):
        record = recs[(number - 1) % len(recs)]
        issued = start + timedelta(days=rng.randrange(3650))
        legal = "/20" in record["number"]
        kind = record["number"].split("/")[-1]
        notation = f"{number}/{issued.year}/{kind}" if legal else f"{number}/{kind}"
        pages = rng.choices(PAGES, PAGE_WEIGHTS)[0]
        body = " ".join(rng.choices(words, weights, k=pages * words_per_page))
        yield CorpusEntry(number, record, notation, issued, legal, body)


def documents(count: int, words_per_page: int = 300, seed: int = 7) -> Iterator[SearchDocument]:
    """The corpus as the search backends receive it."""
    for entry in entries(count, words_per_page, seed):
        record = entry.record
        issuer = issuer_display_name(record["issuer"])
        yield SearchDocument(
            id=entry.number, notation=entry.notation, abstract=record["abstract"],
            body=entry.body, issuer=issuer, issuer_code=slugify(issuer),
            doc_type=record["doc_type"], legal=entry.legal, signer=record["signer"] or "",
            field=record["field"] or "", status=status_code(record["status"]) or "in_force",
            issued=entry.issued, year=entry.issued.year)


def queries(count: int, corpus_size: int, seed: int = 11) -> list[dict]:
    """A fixed mix: notation lookups, 1-5 unaccented words, accented words, phrases,
    filtered queries. Each item: {"kind", "text", "filters"}."""
    rng = random.Random(seed)
    recs = records()
    words, weights = vocabulary(recs)
    issuers = sorted({slugify(issuer_display_name(r["issuer"])) for r in recs})
    mix = []
    for index in range(count):
        slot = index % 20
        if slot < 4:
            number = rng.randrange(1, corpus_size + 1)
            record = recs[(number - 1) % len(recs)]
            kind = record["number"].split("/")[-1]
            text = f"{number}/{kind}" if "/20" not in record["number"] else str(number)
            mix.append({"kind": "notation", "text": fold(text).lower(), "filters": {}})
        elif slot < 12:
            picked = rng.choices(words, weights, k=rng.randint(1, 5))
            mix.append({"kind": "unaccented", "text": fold(" ".join(picked)), "filters": {}})
        elif slot < 15:
            picked = rng.choices(words, weights, k=rng.randint(1, 3))
            mix.append({"kind": "accented", "text": " ".join(picked), "filters": {}})
        elif slot < 17:
            spans = word_spans(rng.choice(recs)["abstract"])
            at = rng.randrange(max(1, len(spans) - 3))
            phrase = " ".join(w for w, _, _ in spans[at:at + 3])
            mix.append({"kind": "phrase", "text": f'"{phrase}"', "filters": {}})
        else:
            picked = rng.choices(words, weights, k=rng.randint(1, 2))
            filters = rng.choice([{"issuer": rng.choice(issuers)}, {"year": rng.randint(2016,
                                                                                       2025)},
                                  {"legal": True}])
            mix.append({"kind": "filtered", "text": fold(" ".join(picked)), "filters": filters})
    return mix
