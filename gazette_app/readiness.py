"""Readiness checks behind /readyz: each answers "ok" or what is wrong (English, for operators)."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from .config import PROJECT_ROOT
from .extensions import db
from .search import get_backend
from .storage import get_store

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def schema_head() -> str | None:
    """The migration this release needs (read once: the files do not change while serving)."""
    return ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()


def _database() -> str:
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = schema_head()
    if revision != head:
        return f"schema at {revision}, this release needs {head}: run `flask db upgrade`"
    return "ok"


def _store() -> str:
    root = get_store().root / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=root, prefix="ready-") as probe:
        probe.write(b"ok")
        probe.flush()
        os.fsync(probe.fileno())
    free_mb = shutil.disk_usage(root).free // (1024 * 1024)
    if free_mb < current_app.config["MIN_FREE_MB"]:
        return f"only {free_mb} MB free under {Path(root).parent}"
    return "ok"


def _search() -> str:
    get_backend().count()
    return "ok"


def readiness() -> dict[str, str]:
    checks = {}
    for name, check in (("database", _database), ("store", _store), ("search", _search)):
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            db.session.rollback()
            checks[name] = f"{type(error).__name__}: {str(error)[:200]}"
        if checks[name] != "ok":
            log.warning("not ready: %s: %s", name, checks[name])
    return checks
