"""The several-server mode: each server's own tantivy index following the database's change
log (``gazette_app.search_replica``). Two apps with their own instance folders share one
PostgreSQL database, as two servers do; the two-server test with real gunicorn processes is
in test_scale_out."""
from __future__ import annotations

import json
from datetime import timedelta

import flask_migrate
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gazette_app import create_app
from gazette_app.extensions import db
from gazette_app.models import Document, SearchOutbox
from gazette_app.models.types import utcnow
from gazette_app.recovery import index_expected
from gazette_app.search import get_backend, get_replica, reindex
from gazette_app.search_replica import GAP_WINDOW, MAX_GAPS, FollowState
from search_index.model import SearchQuery
from tests.support.records import load_public_demo_records


def test_a_skipped_number_is_waited_for_until_it_appears_or_grows_old():
    state = FollowState()
    state.note([1, 2, 5], set(), now=100.0, patience=300)
    assert state.high == 5 and set(state.gaps) == {3, 4}
    state.note([6], {3}, now=150.0, patience=300)  # 3 committed late; 4 still open
    assert state.high == 6 and set(state.gaps) == {4}
    state.note([], set(), now=401.0, patience=300)  # 4 was rolled back: given up
    assert state.gaps == {}
    state.note([6 + GAP_WINDOW * 5], set(), now=500.0, patience=300)  # a sequence jump
    assert len(state.gaps) == GAP_WINDOW and max(state.gaps) == state.high - 1


def test_the_numbers_waited_for_are_bounded(tmp_path):
    state = FollowState(high=0)
    for start in range(0, MAX_GAPS * 3, GAP_WINDOW):
        state.note([start + GAP_WINDOW], set(), now=1.0, patience=300)
    assert len(state.gaps) == MAX_GAPS and max(state.gaps) > MAX_GAPS * 2
    state.save(tmp_path / "state.json")
    loaded = FollowState.load(tmp_path / "state.json")
    assert loaded is not None and loaded.high == state.high and loaded.gaps == state.gaps
    (tmp_path / "bad.json").write_text("{")
    assert FollowState.load(tmp_path / "bad.json") is None  # rebuilt, never a crash


def _server(url: str, instance, name: str):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING",
                       "JOB_RUNNER": "manual", "SEARCH_BACKEND": "tantivy-replica",
                       "SHOW_UNPUBLISHED": True}, instance=instance / name)


def _found(app, text: str) -> list[str]:
    with app.app_context():
        get_replica().catch_up(db.engine)
        result = get_backend().search(SearchQuery(text=text))
        return [hit.notation for hit in result.hits]


def _retitle(session: Session, notation: str, abstract: str) -> None:
    document = session.scalars(select(Document).where(Document.notation == notation)).one()
    document.abstract = abstract
    session.flush()  # the change's number is handed out now, visible at commit


@pytest.fixture
def servers(db_url, tmp_path):
    one, other = _server(db_url, tmp_path, "a"), _server(db_url, tmp_path, "b")
    with one.app_context():
        flask_migrate.upgrade()
    load_public_demo_records(one)
    yield one, other
    for app in (one, other):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres_only
def test_each_server_follows_the_change_log_in_commit_order(servers):
    one, other = servers
    with other.app_context():  # a new server builds its index from the database
        assert get_backend().count() == 0
        get_replica().catch_up(db.engine)
        assert get_backend().count() == index_expected()
    with one.app_context():
        assert get_backend().count() == index_expected()
        first, second = Session(db.engine), Session(db.engine)
        _retitle(first, "1218/QĐ-UBND", "Phát triển vùng trồng kiwi")  # the lower number
        _retitle(second, "47/NQ-HĐND", "Phát triển vùng trồng sachi")
        second.commit()  # ...committed after the higher one
    assert _found(other, "sachi") == ["47/NQ-HĐND"]
    assert _found(other, "kiwi") == []
    with other.app_context():
        state = FollowState.load(get_replica().state_path)
        assert state is not None and len(state.gaps) == 1
    with one.app_context():
        first.commit()
        first.close()
        second.close()
    assert _found(other, "kiwi") == ["1218/QĐ-UBND"]
    with other.app_context():
        state = FollowState.load(get_replica().state_path)
        assert state is not None and state.gaps == {}
    assert _found(one, "kiwi") == ["1218/QĐ-UBND"]  # its own commit, at once


@pytest.mark.postgres_only
def test_a_server_rebuilds_when_the_log_cannot_bring_it_up_to_date(servers):
    one, other = servers
    with other.app_context():
        replica = get_replica()
        replica.catch_up(db.engine)
        state = FollowState.load(replica.state_path)
        assert state is not None and state.high > 0
        # the database restored from an older backup: the log ends before this index
        replica.state_path.write_text(json.dumps({"high": state.high + 1000, "gaps": {}}))
        get_backend().delete(list(range(1, 50)))
        replica.catch_up(db.engine)
        assert get_backend().count() == index_expected()
        assert FollowState.load(replica.state_path).high == state.high
        reindex()  # `flask reindex` rebuilds this server's index and keeps the log
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) > 0


@pytest.mark.postgres_only
def test_old_changes_are_forgotten_but_the_newest_is_kept(servers):
    one, _ = servers
    with one.app_context():
        rows = db.session.scalar(select(func.count()).select_from(SearchOutbox))
        assert rows >= index_expected()  # nobody deletes a change another server may still need
        db.session.execute(update(SearchOutbox).values(created_at=utcnow() - timedelta(days=8)))
        db.session.commit()
        replica = get_replica()
        replica._pruned = 0.0  # the hourly clean-up is due
        replica.catch_up(db.engine)
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 1
