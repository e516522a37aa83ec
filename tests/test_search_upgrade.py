"""An upgrade that changes the tantivy index's schema: the old index is set aside (kept) and
rebuilt from the database, and searches find nothing meanwhile instead of failing."""
from __future__ import annotations

from pathlib import Path

from gazette_app.recovery import recover
from gazette_app.search import get_backend, reindex_marker
from search_index.model import SearchQuery
from search_index.tantivy_backend import SCHEMA_VERSION
from tests.support.records import load_public_demo_records


def test_an_index_of_an_older_schema_is_set_aside_and_rebuilt(app):
    load_public_demo_records(app)
    with app.app_context():
        app.extensions.pop("gazette_search", None)
        folder = Path(app.instance_path) / "search-tantivy"
        folder.mkdir(exist_ok=True)
        (folder / "schema-version").write_text(str(int(SCHEMA_VERSION) - 1))
        backend = get_backend()  # no exception
        assert backend.search(SearchQuery(text="quyết định")).total == 0
        assert reindex_marker().exists()
        aside = [p for p in folder.parent.iterdir() if p.name.startswith("search-tantivy.old-")]
        assert len(aside) == 1 and (aside[0] / "schema-version").exists()
        recover(find_orphans=False)  # what a worker's start does
        assert not reindex_marker().exists()
        assert get_backend().search(SearchQuery(text="quyết định")).total > 0
