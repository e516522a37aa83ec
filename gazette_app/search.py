"""The app's side of search: which backend, what a document looks like to the index, and
keeping the index in step with the database.

Any flush that changes a search-relevant attribute of a Document writes a row to the search
outbox in the same transaction; after the commit the outbox is drained into the index. If the
process dies in between, the rows are still there: the next commit, ``flask search-sync`` or
``flask reindex`` completes the work. The index holds only public documents
(``models.public_documents``: published in an issue, not withdrawn, not flagged), so every
count, facet and suggestion of a search is about what the public may see: a document enters
the index when its issue is published and leaves it when it stops being public.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from itertools import chain
from pathlib import Path
from typing import cast

from flask import Flask, current_app, has_app_context
from sqlalchemy import Table, delete, event, insert, inspect, select
from sqlalchemy.orm import Session
from werkzeug.local import LocalProxy

from search_index.backend import SearchBackend

from .config import SEARCH_BACKENDS
from .extensions import db
from .faults import checkpoint
from .models import Document, SearchLog, SearchOutbox
from .models.types import utcnow
from .search_documents import BATCH, apply_documents, index_public
from .search_replica import Replica, follow_forever

log = logging.getLogger(__name__)
SEARCH_ATTRIBUTES = ("notation", "abstract", "body_text", "issuer_id", "doc_type", "legal",
                     "signer", "field", "status", "issued", "year", "state", "review")


class SearchLogBuffer:
    """Searches waiting to be written, per app: one insert for many searches. Writing a row per
    search was measured to serialise the API under load (every request a SQLite write)."""

    def __init__(self):
        self.rows: list[dict] = []
        self.lock = threading.Lock()
        self.flushed = time.monotonic()


def _buffer(app: Flask) -> SearchLogBuffer:
    return app.extensions.setdefault("gazette_search_log", SearchLogBuffer())


def log_search(query, result, channel: str) -> None:
    """Count a public search for the statistics (only searches with words). Written in
    batches of SEARCH_LOG_BATCH, or after SEARCH_LOG_SECONDS, and when the process ends."""
    if not query.text.strip():
        return
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    buffer = _buffer(app)
    with buffer.lock:
        buffer.rows.append({"query": query.text.strip()[:200], "results": result.total,
                            "channel": channel, "at": utcnow()})
        due = len(buffer.rows) >= app.config["SEARCH_LOG_BATCH"] or \
            time.monotonic() - buffer.flushed >= app.config["SEARCH_LOG_SECONDS"]
    if due:
        flush_search_log(app)


def flush_search_log(app: Flask) -> int:
    """Write the waiting searches now; a failure loses statistics, never a request."""
    buffer = _buffer(app)
    with buffer.lock:
        rows, buffer.rows, buffer.flushed = buffer.rows, [], time.monotonic()
    if rows:
        try:
            with app.app_context(), db.engine.begin() as connection:
                connection.execute(insert(SearchLog), rows)
        except Exception:  # noqa: BLE001 - statistics must not break searching
            log.exception("Could not write %s search log rows", len(rows))
    return len(rows)


def get_backend() -> SearchBackend:
    """The configured backend, one per app: SEARCH_BACKEND tantivy (default, embedded),
    whoosh (embedded, pure Python), tantivy-replica (several servers: an embedded index per
    server following the database's change log, ``search_replica``) or postgres (the app's
    database; several servers, slower at scale)."""
    backend = current_app.extensions.get("gazette_search")
    if backend is None:
        with _BACKEND_LOCK:  # the first requests of a threaded worker arrive together
            return _open_backend()
    return backend


_BACKEND_LOCK = threading.Lock()


def _open_backend() -> SearchBackend:
    backend = current_app.extensions.get("gazette_search")
    if backend is None:
        kind = current_app.config["SEARCH_BACKEND"]
        folder = Path(current_app.instance_path)
        if kind == "postgres":
            from search_index.postgres_backend import PostgresBackend
            if db.engine.dialect.name != "postgresql":
                raise RuntimeError("SEARCH_BACKEND=postgres needs DATABASE_URL on PostgreSQL")
            backend = PostgresBackend(db.engine)
        elif kind == "whoosh":
            from search_index.whoosh_backend import WhooshBackend
            backend = WhooshBackend(folder / "search-index")
        elif kind in ("tantivy", "tantivy-replica"):
            directory = folder / ("search-tantivy" if kind == "tantivy" else "search-replica")
            backend = _tantivy(directory)
            if kind == "tantivy-replica":
                current_app.extensions["gazette_search_replica"] = _replica(backend, directory)
        else:
            choices = ", ".join(SEARCH_BACKENDS)
            raise RuntimeError(f"SEARCH_BACKEND={kind!r}: use one of {choices}")
        current_app.extensions["gazette_search"] = backend
    return backend


def _tantivy(directory: Path) -> SearchBackend:
    from search_index.tantivy_backend import OlderSchema, TantivyBackend
    try:
        return TantivyBackend(directory)
    except OlderSchema as error:  # an upgrade changed the schema: rebuild it
        return _rebuilt_tantivy(directory, error, TantivyBackend)


def _replica(backend: SearchBackend, directory: Path) -> Replica:
    if db.engine.dialect.name != "postgresql":  # numbers must be handed out by a sequence
        raise RuntimeError("SEARCH_BACKEND=tantivy-replica needs DATABASE_URL on PostgreSQL")
    config = current_app.config
    return Replica(backend, directory, patience=config["SEARCH_REPLICA_GAP_SECONDS"],
                   keep_days=config["SEARCH_CHANGE_LOG_DAYS"])


def get_replica() -> Replica | None:
    """This server's follower of the change log, in the tantivy-replica mode."""
    if current_app.config["SEARCH_BACKEND"] != "tantivy-replica":
        return None
    get_backend()
    return current_app.extensions["gazette_search_replica"]


def start_following(app: Flask) -> None:
    """Start this process's follower thread (tantivy-replica mode), once per process: a
    change committed through another server reaches this one within a poll interval."""
    if app.config["SEARCH_BACKEND"] != "tantivy-replica" or \
            "gazette_search_follower" in app.extensions:
        return
    stop = threading.Event()

    def catch_up() -> None:
        with app.app_context():
            replica = get_replica()
            if replica is not None:
                replica.catch_up(db.engine, wait=False)

    thread = threading.Thread(target=follow_forever, name="search-replica", daemon=True,
                              args=(catch_up, lambda: app.config["SEARCH_REPLICA_POLL_SECONDS"],
                                    stop))
    app.extensions["gazette_search_follower"] = stop
    thread.start()
    atexit.register(stop.set)


def _rebuilt_tantivy(directory: Path, error: Exception, backend_class) -> SearchBackend:
    """Set an index of an older schema aside (kept, never deleted) and start an empty one;
    the marker makes the next start of a worker (``recovery``) rebuild it from the database,
    and ``flask reindex`` does it at once. Until then searches find nothing, never fail."""
    aside = directory.with_name(f"{directory.name}.old-{int(time.time())}")
    try:
        directory.rename(aside)
    except FileExistsError:  # another process moved it in the same second
        pass
    except FileNotFoundError:
        pass
    log.warning("%s; moved to %s, rebuilding from the database", error, aside.name)
    reindex_marker().touch()
    return backend_class(directory)


def drain() -> int:
    """Bring the index up to date with the outbox; returns how many documents were handled.
    With one index (the embedded backends on one server, or PostgreSQL) applied rows are
    deleted; with a replica per server each server follows the log (``search_replica``)."""
    checkpoint("index.drain")
    backend, replica = get_backend(), get_replica()
    if replica is not None:
        return replica.catch_up(db.engine)
    handled = 0
    with Session(db.engine) as session:
        while True:
            rows = session.execute(select(SearchOutbox.id, SearchOutbox.document_id)
                                   .order_by(SearchOutbox.id).limit(BATCH)).all()
            if not rows:
                return handled
            handled += apply_documents(backend, session, {row.document_id for row in rows})
            session.execute(delete(SearchOutbox).where(
                SearchOutbox.id.in_([row.id for row in rows])))
            session.commit()


def index_work_waiting() -> bool:
    """Whether the outbox holds changes the index has not applied yet."""
    replica = get_replica()
    if replica is not None:
        return replica.waiting(db.engine)
    return db.session.scalar(select(SearchOutbox.id).limit(1)) is not None


def reindex_marker() -> Path:
    """Exists while ``reindex`` runs: found at start-up, the rebuild was cut short."""
    return Path(current_app.instance_path) / "search-reindex.unfinished"


def reindex(progress=None) -> int:
    """Rebuild the whole index from the database (``progress(n)`` after each batch).

    A marker file exists while it runs: a rebuild cut short by a crash is found and done
    again by ``recovery.recover``."""
    marker = reindex_marker()
    marker.touch()
    backend, replica = get_backend(), get_replica()
    if replica is not None:  # this server's index only; the log is every server's
        total = replica.rebuild(db.engine, progress)
        marker.unlink(missing_ok=True)
        return total
    backend.clear()
    checkpoint("reindex.cleared")
    with Session(db.engine) as session:
        session.execute(delete(SearchOutbox))
        total = index_public(backend, session, progress)
        session.commit()
    marker.unlink(missing_ok=True)
    return total


def _changed(document: Document) -> bool:
    state = inspect(document)
    return state.pending or any(state.attrs[name].history.has_changes()
                                for name in SEARCH_ATTRIBUTES)


def _collect(session: Session, flush_context, instances) -> None:
    """Remember which documents the flush will change in a way the index sees."""
    pending = session.info.setdefault("search_documents", set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Document) and (obj in session.deleted or _changed(obj)):
            pending.add(obj)


def _queue(session: Session, flush_context) -> None:
    """Write the outbox rows in the same transaction as the change."""
    documents = session.info.pop("search_documents", set())
    ids = sorted({d.id for d in documents if d.id is not None})
    if ids:
        now = utcnow()
        session.connection().execute(insert(cast(Table, SearchOutbox.__table__)),
                                     [{"document_id": i, "created_at": now} for i in ids])
        session.info["search_dirty"] = True


def _forget(session: Session) -> None:
    session.info.pop("search_documents", None)
    session.info.pop("search_dirty", None)


def _after_commit(session: Session) -> None:
    if session.info.pop("search_dirty", False) and has_app_context():
        try:
            drain()
        except Exception:  # noqa: BLE001 - the outbox keeps the work for a later drain
            log.exception("Search index update failed; the outbox keeps it for later")


SESSION_LISTENERS = (("before_flush", _collect), ("after_flush", _queue),
                     ("after_rollback", _forget), ("after_commit", _after_commit))


def init_app(app: Flask) -> None:
    """Make every database session keep the index in step (listeners attached once per
    process, here rather than as a side effect of importing this module)."""
    for name, listener in SESSION_LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    atexit.register(flush_search_log, app)

    @app.before_request
    def _catch_up_once() -> None:
        """Finish index work a previous process left in the outbox (once per process)."""
        if app.extensions.get("gazette_search_caught_up"):
            return
        app.extensions["gazette_search_caught_up"] = True
        try:
            start_following(app)
            if index_work_waiting():
                drain()
        except Exception:  # noqa: BLE001 - never block pages on the index
            log.exception("Search catch-up failed")
