"""Backup and restore: a consistent snapshot taken while the app serves, and an empty instance
rebuilt from it.

A snapshot is a folder ``gazette-YYYYMMDDTHHMMSSZ`` holding the database (SQLite's online
backup API, or ``pg_dump`` of one exported snapshot), every file of the store, and
``manifest.json`` (hash and size of every file, rows per table at the snapshot). It is written
as ``.partial-…`` and renamed when complete, so a cut-short backup never looks like a backup.

Why the store copied after the database is consistent with it: files enter the store (by an
atomic rename) before the row that names them is committed, and are never changed. Every file
the database snapshot names is therefore already there when the store is copied; files added
meanwhile are copied too, and are merely unreferenced in the restored instance.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import flask_migrate
from flask import current_app
from sqlalchemy import inspect, text

from ..extensions import db
from ..models.types import utcnow
from ..search import reindex
from ..storage import CHUNK, get_store
from .audit import record

log = logging.getLogger(__name__)
FORMAT = 1
SNAPSHOT = re.compile(r"^gazette-\d{8}T\d{6}Z$")
SQLITE_FILE, PG_FILE, MANIFEST = "gazette.sqlite3", "gazette.pgdump", "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why (English, for operators)."""


@dataclass
class BackupResult:
    folder: Path
    manifest: dict
    removed: list[Path] = field(default_factory=list)  # older snapshots past retention


# --- taking a snapshot ----------------------------------------------------------------------

def backup(out: Path, keep: int | None = None) -> BackupResult:
    """Write a snapshot into ``out`` (created if needed); keep only the ``keep`` newest."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    folder, partial = out / f"gazette-{stamp}", out / f".partial-gazette-{stamp}"
    if folder.exists():
        raise BackupError(f"{folder} already exists; wait a second and run again")
    partial.mkdir()
    try:
        kind = db.engine.dialect.name
        if kind == "sqlite":
            rows = _sqlite_snapshot(partial / SQLITE_FILE)
            database = SQLITE_FILE
        elif kind == "postgresql":
            rows = _postgres_snapshot(partial / PG_FILE)
            database = PG_FILE
        else:
            raise BackupError(f"no backup method for a {kind} database")
        files = _copy_store(partial / "store")
        manifest = {
            "format": FORMAT, "created_at": utcnow().isoformat(), "database_kind": kind,
            "database": {"file": database, **_file_entry(partial / database)},
            "schema_revision": rows.pop("alembic_version", None), "rows": rows,
            "store": files, "province": current_app.config["GAZETTE_PROVINCE"]}
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1,
                                                   sort_keys=True), encoding="utf-8")
        _fsync_tree(partial)
        os.rename(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    record("instance.backup", "backup", folder.name,
           after={"folder": str(folder), "files": len(files), "rows": rows})
    db.session.commit()
    return BackupResult(folder, manifest, _prune(out, keep) if keep else [])


def _counts(connection, tables: list[str]) -> dict[str, int]:
    return {table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in tables}


def _tables() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables]


def _sqlite_snapshot(target: Path) -> dict:
    """SQLite's online backup API: a consistent copy while other connections write."""
    source_path = db.engine.url.database
    source = sqlite3.connect(cast(str, source_path), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        rows = {table: copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in _tables()}
        revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()
        rows["alembic_version"] = revision[0] if revision else None
    finally:
        copy.close()
        source.close()
    return rows


def libpq_url(url) -> str:
    """The SQLAlchemy URL as pg_dump / pg_restore take it (no driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_snapshot(target: Path) -> dict:
    """pg_dump of an exported snapshot, counted in the same snapshot: what the counts say is
    exactly what the dump holds, however many writes happen meanwhile."""
    _require("pg_dump")
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot: str = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            rows: dict = _counts(connection, _tables())
            rows["alembic_version"] = connection.execute(
                text("SELECT version_num FROM alembic_version")).scalar()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl",
                  f"--snapshot={snapshot}", f"--file={target}", libpq_url(db.engine.url)],
                 "pg_dump")
    return rows


def _copy_store(target: Path) -> dict[str, int]:
    """Copy every stored file, re-hashing it on the way: an altered file stops the backup."""
    store, files = get_store(), {}
    for name in sorted(store.names()):
        source = store.path(name)
        destination = target / name[:2] / name[2:4] / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with open(source, "rb") as reader, open(destination, "wb") as writer:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
        if digest.hexdigest() != name:
            raise BackupError(f"stored file {name} does not match its hash; run `flask --app "
                              "wsgi verify` and restore it from an earlier backup first")
        files[name] = size
    return files


def _file_entry(path: Path) -> dict:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "size": path.stat().st_size}


def _fsync_tree(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def snapshots(out: Path) -> list[Path]:
    """Complete snapshots in ``out``, oldest first."""
    if not out.is_dir():
        return []
    return sorted(p for p in out.iterdir()
                  if p.is_dir() and SNAPSHOT.match(p.name) and (p / MANIFEST).is_file())


def _prune(out: Path, keep: int) -> list[Path]:
    old = snapshots(out)[:-keep] if keep > 0 else []
    for folder in old:
        shutil.rmtree(folder)
    return old


# --- restoring ------------------------------------------------------------------------------

def read_snapshot(source: Path) -> tuple[Path, dict]:
    """The snapshot folder (``source`` itself, or the newest one in it) and its manifest,
    every file checked against the manifest's hash."""
    folder = source if (source / MANIFEST).is_file() else next(reversed(snapshots(source)), None)
    if folder is None:
        raise BackupError(f"no backup in {source}")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: backup format {manifest.get('format')} is not {FORMAT}")
    database = manifest["database"]
    if _file_entry(folder / database["file"])["sha256"] != database["sha256"]:
        raise BackupError(f"{folder / database['file']} does not match the manifest")
    for name, size in manifest["store"].items():
        path = folder / "store" / name[:2] / name[2:4] / name
        if not path.is_file() or _file_entry(path) != {"sha256": name, "size": size}:
            raise BackupError(f"{path} is missing or does not match its hash")
    return folder, manifest


def instance_is_empty() -> bool:
    """No row in any table of the app and no file in the store."""
    present = set(inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:
        if any(_counts(connection, [t for t in _tables() if t in present]).values()):
            return False
    return not get_store().names()


def restore(source: Path, progress=None) -> dict:
    """Rebuild this (empty) instance from a snapshot: database, store, then the search index.
    Returns the manifest; raises BackupError before touching anything if it cannot go on."""
    folder, manifest = read_snapshot(source)
    kind = db.engine.dialect.name
    if manifest["database_kind"] != kind:
        raise BackupError(f"this backup is of a {manifest['database_kind']} database; this "
                          f"instance uses {kind}: set DATABASE_URL accordingly")
    if not instance_is_empty():
        raise BackupError("this instance is not empty: restore only into a new instance "
                          "(new GAZETTE_INSTANCE folder and an empty database)")
    _say(progress, "database")
    if kind == "sqlite":
        _restore_sqlite(folder / manifest["database"]["file"])
    else:
        _restore_postgres(folder / manifest["database"]["file"])
    _say(progress, f"store: {len(manifest['store'])} files")
    store = get_store()
    for name in manifest["store"]:
        store.put_file(folder / "store" / name[:2] / name[2:4] / name)
    flask_migrate.upgrade()  # a backup of an older release gets this release's schema
    _say(progress, "search index")
    reindex()
    counts = rows_now()
    different = {t: (n, counts.get(t)) for t, n in manifest["rows"].items() if counts.get(t) != n
                 and t != "search_outbox"}  # emptied by the rebuild of the index
    if different:
        raise BackupError(f"restored rows differ from the backup: {different}")
    record("instance.restore", "backup", folder.name,
           after={"from": str(folder), "created_at": manifest["created_at"]})
    db.session.commit()
    return manifest


def rows_now() -> dict[str, int]:
    with db.engine.connect() as connection:
        return _counts(connection, _tables())


def _restore_sqlite(dump: Path) -> None:
    path = Path(cast(str, db.engine.url.database))
    db.session.remove()
    db.engine.dispose()
    source, target = sqlite3.connect(dump), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_postgres(dump: Path) -> None:
    _require("pg_restore")
    db.session.remove()
    with db.engine.begin() as connection:  # the empty tables a migration may have made
        for table in inspect(connection).get_table_names():
            connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    db.engine.dispose()
    _run(["pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
          f"--dbname={libpq_url(db.engine.url)}", str(dump)], "pg_restore")


def _say(progress, step: str) -> None:
    log.info("restore: %s", step)
    if progress:
        progress(step)


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed: apt-get install postgresql-client")


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-500:]}")
