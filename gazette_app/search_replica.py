"""The several-server mode (SEARCH_BACKEND=tantivy-replica): every app server keeps its own
embedded tantivy index in its instance folder, following the database's ordered change log.

The change log is the search outbox (``search_outbox``): each change to a document that
search sees writes a numbered row in the same transaction. In this mode nobody deletes a
row when it is applied, because every server reads the same log: each server remembers the
highest number it has applied (``replica-state.json`` beside its index) and, every
SEARCH_REPLICA_POLL_SECONDS and after each of its own commits, applies the rows above it.
Applying a row puts the document's state *now* into the index, so a row applied twice does
no harm. PostgreSQL stays the only source of truth: a new server, or one that was away
longer than the log is kept (SEARCH_CHANGE_LOG_DAYS), rebuilds its index from the documents.

Numbers are handed out when a row is written but become visible when its transaction
commits, so a lower number can appear after a higher one was applied. A number skipped over
is remembered as a gap and looked for again on every pass until it appears or is older than
SEARCH_REPLICA_GAP_SECONDS (a transaction rolled back never fills its number).

Chosen over the PostgreSQL full-text backend after measuring (README, bench/bench_search.py):
at 100,000 documents PostgreSQL answered a search in 808 ms (p95) where tantivy answers in
24 ms; the change log keeps tantivy's speed on every server.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import CursorResult, Engine, delete, func, select
from sqlalchemy.orm import Session

from search_index.backend import SearchBackend

from .models import SearchOutbox
from .models.types import utcnow
from .search_documents import BATCH, apply_documents, index_public

log = logging.getLogger(__name__)
STATE_FILE = "replica-state.json"
LOCK_FILE = "replica.flock"
MAX_GAPS = 10_000  # numbers waited for at once; more means a burst of rollbacks, not commits
GAP_WINDOW = 1_000  # a jump of the sequence wider than this is not transactions in flight
PRUNE_EVERY_SECONDS = 3600


@dataclass
class FollowState:
    """How far this server's index has followed the change log."""
    high: int = 0  # the highest change number applied
    gaps: dict[int, float] = field(default_factory=dict)  # number -> when first missed

    @classmethod
    def load(cls, path: Path) -> FollowState | None:
        try:
            data = json.loads(path.read_text())
            return cls(high=int(data["high"]),
                       gaps={int(k): float(v) for k, v in data.get("gaps", {}).items()})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            log.warning("unreadable %s; the index will be rebuilt", path)
            return None

    def save(self, path: Path) -> None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(json.dumps({"high": self.high,
                                   "gaps": {str(k): v for k, v in self.gaps.items()}}))
        os.replace(tmp, path)

    def note(self, numbers: list[int], filled: set[int], now: float, patience: float) -> None:
        """Numbers applied in this pass (ascending, above ``high``) and gaps they filled."""
        for number in filled:
            self.gaps.pop(number, None)
        expected = self.high + 1
        for number in numbers:
            for missing in range(max(expected, number - GAP_WINDOW), number):
                self.gaps.setdefault(missing, now)
            expected = number + 1
        if numbers:
            self.high = numbers[-1]
        stale = [n for n, first in self.gaps.items() if now - first > patience]
        if stale:
            log.info("gave up waiting for %s change number(s) (rolled back)", len(stale))
        for number in stale:
            del self.gaps[number]
        for number in sorted(self.gaps)[:max(0, len(self.gaps) - MAX_GAPS)]:
            del self.gaps[number]


class Replica:
    """One server's index following the change log. Every process of the server shares the
    index folder; a file lock lets one of them apply the log at a time."""

    def __init__(self, backend: SearchBackend, directory: Path, patience: float,
                 keep_days: int):
        self.backend, self.directory = backend, Path(directory)
        self.patience, self.keep_days = patience, keep_days
        self._lock = threading.Lock()
        self._pruned = 0.0

    @property
    def state_path(self) -> Path:
        return self.directory / STATE_FILE

    @contextmanager
    def _turn(self, wait: bool) -> Iterator[bool]:
        """This process's turn to apply the log (False: another one is at it; not waiting)."""
        if not self._lock.acquire(blocking=wait):
            yield False
            return
        try:
            with open(self.directory / LOCK_FILE, "a") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                except BlockingIOError:
                    yield False
                    return
                try:
                    yield True
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            self._lock.release()

    def catch_up(self, engine: Engine, wait: bool = True) -> int:
        """Apply every change not yet applied; returns how many documents were handled."""
        with self._turn(wait) as mine:
            if not mine:
                return 0
            with Session(engine) as session:
                state = FollowState.load(self.state_path)
                if state is None or self._lost_track(session, state):
                    self._rebuild(session)
                    state = FollowState.load(self.state_path) or FollowState()
                handled = 0
                while True:
                    count, more = self._pass(session, state)
                    handled += count
                    if not more:
                        break
                self._prune(session)
                return handled

    def _pass(self, session: Session, state: FollowState) -> tuple[int, bool]:
        table = SearchOutbox
        fills = session.execute(select(table.id, table.document_id).where(
            table.id.in_(list(state.gaps)))).all() if state.gaps else []
        rows = session.execute(select(table.id, table.document_id).where(table.id > state.high)
                               .order_by(table.id).limit(BATCH)).all()
        if not rows and not fills:
            now = time.time()
            if any(now - first > self.patience for first in state.gaps.values()):
                state.note([], set(), now, self.patience)
                state.save(self.state_path)
            return 0, False
        handled = apply_documents(self.backend, session,
                                  {row.document_id for row in [*rows, *fills]})
        session.rollback()  # end the read transaction: the next pass sees newer commits
        state.note([row.id for row in rows], {row.id for row in fills}, time.time(),
                   self.patience)
        state.save(self.state_path)
        return handled, len(rows) == BATCH

    def _lost_track(self, session: Session, state: FollowState) -> bool:
        """The log no longer reaches back to this index (pruned while the server was away)
        or is behind it (the database was restored from a backup)."""
        low, top = session.execute(select(func.min(SearchOutbox.id),
                                          func.max(SearchOutbox.id))).one()
        if top is not None and state.high > top:
            log.warning("change log ends at %s, before this index (%s); rebuilding", top,
                        state.high)
            return True
        if low is not None and low > state.high + 1 and state.high > 0:
            log.warning("change log starts at %s, after this index (%s); rebuilding", low,
                        state.high)
            return True
        return False

    def rebuild(self, engine: Engine, progress: Callable[[int], object] | None = None) -> int:
        """Index every public document again, then follow the log from where it stood."""
        with self._turn(wait=True), Session(engine) as session:
            return self._rebuild(session, progress)

    def _rebuild(self, session: Session, progress: Callable[[int], object] | None = None
                 ) -> int:
        top = session.scalar(select(func.max(SearchOutbox.id))) or 0
        present = set(session.scalars(select(SearchOutbox.id).where(
            SearchOutbox.id > top - GAP_WINDOW)))
        now = time.time()  # numbers missing among the last ones: transactions still open
        low = min(present, default=top)
        state = FollowState(high=top, gaps={n: now for n in range(low, top) if n not in present})
        self.state_path.unlink(missing_ok=True)  # an interrupted rebuild is done again
        started = time.perf_counter()
        self.backend.clear()
        total = index_public(self.backend, session, progress)
        session.rollback()
        state.save(self.state_path)
        log.info("search index rebuilt from the database: %s documents in %.1f s", total,
                 time.perf_counter() - started)
        return total

    def waiting(self, engine: Engine) -> bool:
        """Whether the log holds changes this index has not applied yet."""
        state = FollowState.load(self.state_path)
        if state is None:  # never built on this server
            return True
        with Session(engine) as session:
            return session.scalar(select(SearchOutbox.id).where(SearchOutbox.id > state.high)
                                  .limit(1)) is not None

    def _prune(self, session: Session) -> None:
        """Forget changes older than SEARCH_CHANGE_LOG_DAYS (every server does, hourly). The
        newest change is always kept: the log's first number then tells a server that was
        away whether changes it never applied were forgotten (``_lost_track``)."""
        if time.monotonic() - self._pruned < PRUNE_EVERY_SECONDS and self._pruned:
            return
        self._pruned = time.monotonic()
        top = session.scalar(select(func.max(SearchOutbox.id)))
        if top is None:
            return
        cutoff = utcnow() - timedelta(days=self.keep_days)
        gone = cast(CursorResult, session.execute(delete(SearchOutbox).where(
            SearchOutbox.created_at < cutoff, SearchOutbox.id < top))).rowcount
        session.commit()
        if gone:
            log.info("change log: %s change(s) older than %s days removed", gone,
                     self.keep_days)


def follow_forever(catch_up: Callable[[], object], interval: Callable[[], float],
                   stop: threading.Event) -> None:
    """The follower thread of one process: catch up every interval; after a failure (the
    database away) wait longer each time, up to a minute, and log once per failure run."""
    delay, failing = interval(), False
    while not stop.wait(delay):
        try:
            catch_up()
            delay, failing = interval(), False
        except Exception:  # noqa: BLE001 - the next pass tries again
            if not failing:
                log.exception("search replica could not follow the change log; retrying")
            delay, failing = min(60.0, max(delay, interval()) * 2), True
