"""Rate-limit counters that every worker process of one machine shares, without Redis.

The in-memory storage of ``limits`` counts per process: with two gunicorn workers a limit of
120 a minute let 239 requests through. This storage keeps the fixed-window counters in a small
SQLite file of the instance folder (not the app's database: counters are not records, and a
write per request must not queue behind the app's writers). Each increment is one short
``BEGIN IMMEDIATE`` transaction, so concurrent workers never lose a count. Several machines
share counters through Redis (``REDIS_URL``) instead.

Registered with ``limits`` under the scheme ``gazette-sqlite://<absolute path>``.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEMA = ("CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, "
          "expires REAL NOT NULL)")
PURGE_EVERY = 1000  # increments between removals of expired counters


class SQLiteStorage(Storage):
    STORAGE_SCHEME = ["gazette-sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.split("://", 1)[1]
        self._local = threading.local()
        self._increments = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (a connection must not cross a fork)."""
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")  # a crash may lose counts, no more
            connection.execute(SCHEMA)
            held = self._local.held = (os.getpid(), connection)
        return held[1]

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            connection.execute(
                "INSERT INTO counters (key, count, expires) VALUES (?, ?, ?) ON CONFLICT(key) "
                "DO UPDATE SET count = count + excluded.count", (key, amount, now + expiry))
            count = connection.execute("SELECT count FROM counters WHERE key = ?",
                                       (key,)).fetchone()[0]
            self._increments += 1
            if self._increments % PURGE_EVERY == 0:
                connection.execute("DELETE FROM counters WHERE expires <= ?", (now,))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return count

    def _row(self, key: str) -> tuple[int, float] | None:
        row = self._connection().execute(
            "SELECT count, expires FROM counters WHERE key = ? AND expires > ?",
            (key, time.time())).fetchone()
        return (row[0], row[1]) if row else None

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        self._connection().execute("SELECT 1")
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
