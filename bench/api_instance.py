"""Large instances for the search API bench: the bench corpus (bench/corpus.py) registered
through the app's own code: each document read by the records feed's schema, built by
``services.records.build_document``, given its body text as the receiving job gives it, and
committed in batches, so the session's search outbox is drained into the configured backend
after each commit exactly as when documents arrive. The duplicate check of a feed import is
left out: the corpus reuses the demo's abstracts, which it would flag.

The documents stay registered (received), not published in an issue: composing 100,000
documents into issues is not what is measured. The instance runs with
GAZETTE_SHOW_UNPUBLISHED=true, the province setting under which registered documents are
public and indexed.

Run inside an instance's environment (GAZETTE_INSTANCE, DATABASE_URL, GAZETTE_SEARCH_BACKEND,
after ``flask db upgrade``): ``python bench/api_instance.py 100000``. bench/bench_api.py builds
and caches them under bench/.cache/ (``version`` says when a cache is stale)."""
from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import cast

from marshmallow import ValidationError
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import RECORDS, CorpusEntry, entries  # noqa: E402
from gazette_app import create_app  # noqa: E402
from gazette_app.extensions import db  # noqa: E402
from gazette_app.models import Document, Issuer  # noqa: E402
from gazette_app.schemas.records import ImportRecordSchema, first_error  # noqa: E402
from gazette_app.services.records import build_document, get_or_create_issuer  # noqa: E402
from search_index import postgres_backend, tantivy_backend  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
BUILD_BATCH = 2000  # = gazette_app.search_documents.BATCH: one index commit per batch
BUILD_VERSION = "1"  # bump when the way instances are built changes


def version(size: int, backend: str) -> str:
    """What a cached instance depends on: the corpus and its records, this builder, the
    database migrations and the search backends' schemas."""
    digest = hashlib.sha256(f"{BUILD_VERSION} {size} {backend}".encode())
    for path in (ROOT / "bench" / "corpus.py", RECORDS):
        digest.update(path.read_bytes())
    digest.update(" ".join(sorted(p.name for p in (ROOT / "migrations" / "versions")
                                  .glob("*.py"))).encode())
    digest.update(tantivy_backend.SCHEMA_VERSION.encode())
    digest.update("\n".join(postgres_backend.SCHEMA + [postgres_backend.CONFIGURATION]).encode())
    return digest.hexdigest()


def feed_line(entry: CorpusEntry) -> dict:
    """The corpus entry as a line of the records feed: its own notation and dates."""
    return {**entry.record, "number": entry.notation, "issued": entry.issued.isoformat(),
            "effective": entry.issued.isoformat(), "expires": None, "files": [],
            "source_url": None}


def register(size: int) -> None:
    """Register the corpus's documents in the instance, from where an earlier build that was
    cut short stopped (the numbers of the notations say how far it came). A line the feed's
    schema refuses is refused here too, as an import would report it: the notation check
    allows numbers of at most five digits, so "100000/QĐ-UBND" of a 100k corpus is left out."""
    app = create_app()
    schema = ImportRecordSchema()
    with app.app_context():
        done = db.session.scalar(select(func.max(Document.seq))) or 0
        issuers: dict[str, Issuer] = {}
        start, added = time.perf_counter(), 0
        for entry in entries(size):
            if entry.number <= done:
                continue
            try:
                values = schema.load(feed_line(entry))
            except ValidationError as error:
                print(f"# refused {entry.notation}: {first_error(cast(dict, error.messages))}",
                      file=sys.stderr)
                continue
            if values["issuer"] not in issuers:
                issuers[values["issuer"]] = get_or_create_issuer(values["issuer"])
            document = build_document(values, issuers[values["issuer"]])
            document.body_text = entry.body
            db.session.add(document)
            added += 1
            if added % BUILD_BATCH == 0:
                commit(added, start)
        commit(added, start)


def commit(added: int, start: float) -> None:
    db.session.commit()  # the outbox is drained into the index here
    print(f"# {added} documents registered and indexed "
          f"({added / (time.perf_counter() - start):.0f}/s)", file=sys.stderr, flush=True)


if __name__ == "__main__":
    register(int(sys.argv[1]))
