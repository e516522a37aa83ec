"""Tune the BM25F field weights on the demo relevance set (Whoosh); prints MRR per setting.

The chosen weights live in search_index/backend.py (WEIGHTS); the README records this table."""
from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import search_index.backend as backend_module  # noqa: E402
from search_index.model import SearchQuery  # noqa: E402
from search_index.whoosh_backend import WhooshBackend  # noqa: E402
from tests.support.search import expected_ids, relevance_queries, search_documents  # noqa: E402


def score(backend, documents, queries) -> tuple[float, float]:
    found, reciprocal = 0, 0.0
    for item in queries:
        wanted = expected_ids(documents, item["expect"])
        ids = [h.id for h in backend.search(SearchQuery(text=item["query"], size=10)).hits]
        rank = next((i for i, d in enumerate(ids, 1) if d in wanted), None)
        found += bool(rank and rank <= 3)
        reciprocal += 1 / rank if rank else 0
    return found / len(queries), reciprocal / len(queries)


def main() -> None:
    documents, queries = search_documents(), relevance_queries()
    with tempfile.TemporaryDirectory() as tmp:
        backend = WhooshBackend(Path(tmp))
        backend.index(documents)
        for abstract, meta, body, accent in itertools.product((1.0, 3.0, 6.0), (0.5, 1.5),
                                                              (1.0,), (1.0, 1.5, 3.0)):
            backend_module.WEIGHTS.update(abstract=abstract, meta=meta, body=body)
            import search_index.whoosh_backend as wb
            wb.ACCENT_BONUS = accent
            recall, mrr = score(backend, documents, queries)
            print(f"weights abstract={abstract} meta={meta} body={body} accent={accent}: "
                  f"recall@3 {recall:.3f} MRR {mrr:.3f}")


if __name__ == "__main__":
    main()
