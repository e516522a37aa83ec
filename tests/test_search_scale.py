"""Search at national scale (issue 20): counts stop at a cap, facets count a bounded sample,
and the caller is told ("more than 10,000"), on every backend that applies the cap."""
from __future__ import annotations

import importlib

import pytest

from gazette_app.services.records import import_records
from search_index.model import SearchQuery
from tests.support.paths import DEMO_RECORDS
from tests.support.search import make_backend, search_documents

CAPPED = ["tantivy", "postgres"]


@pytest.mark.parametrize("kind", CAPPED)
def test_counts_stop_at_the_cap(kind, tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.import_module(f"search_index.{kind}_backend"), "COUNT_CAP", 10)
    with make_backend(kind, tmp_path) as backend:
        backend.index(search_documents())
        every = backend.search(SearchQuery(size=5))  # all 367 documents, by date
        assert (every.total, every.total_relation, every.total_is_capped) == (10, "gte", True)
        assert len(every.hits) == 5 and every.pages == 2
        assert [h.issued for h in every.hits] == sorted((h.issued for h in every.hits),
                                                        reverse=True)
        assert 10 <= sum(n for _, n in every.facets["issuer"]) <= 11  # the sample only
        ranked = backend.search(SearchQuery(text="quy hoạch chung", size=5))  # 22 match
        assert ranked.total_relation == "gte" and ranked.total == 10
        assert all("quy hoạch chung" in h.abstract.lower() for h in ranked.hits[:3])
        one = backend.search(SearchQuery(text="1182/QĐ-UBND"))
        assert (one.total, one.total_relation) == (1, "eq")
        assert one.hits[0].notation == "1182/QĐ-UBND"
        few = backend.search(SearchQuery(text="hồ chứa", size=50))
        assert few.total_relation == "eq" and few.total == len(few.hits) <= 10


def test_the_page_and_the_api_say_more_than(app, client, monkeypatch):
    """Above the cap the API answers total_relation "gte" and the page "Hơn 10 văn bản"."""
    monkeypatch.setattr(importlib.import_module("search_index.tantivy_backend"), "COUNT_CAP",
                        10)
    app.config["SHOW_UNPUBLISHED"] = True
    with app.app_context(), DEMO_RECORDS.open(encoding="utf-8") as handle:
        import_records(handle)
    data = client.get("/api/v1/search?q=quy+hoach").get_json()
    assert (data["total"], data["total_relation"]) == (10, "gte")
    page = client.get("/tim-kiem?q=quy+hoach").get_data(as_text=True)
    assert "Hơn 10 văn bản" in page
    one = client.get("/api/v1/search?q=1182/QĐ-UBND").get_json()
    assert (one["total"], one["total_relation"]) == (1, "eq")
    assert "1 văn bản" in client.get("/tim-kiem?q=1182/QĐ-UBND").get_data(as_text=True)
