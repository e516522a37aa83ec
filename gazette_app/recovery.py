"""Crash safety: what a killed process can leave behind, found and put right.

Every multi-step change is arranged so that the database holds all of it or none of it: files go
into the content-addressed store first (atomic rename), and the rows that refer to them are
committed last, in one transaction (receive, publish, build volume). The search index follows
the database through the outbox. So a kill at any point can only leave:

- temporary work folders and files (``storage.work_dir``, the store's ``tmp``);
- stored files that no row refers to (harmless; reported, and moved aside on request);
- outbox rows not yet applied to the index, or an index half rebuilt by ``reindex``;
- jobs marked running by a worker that is gone.

``recover()`` deals with each. Each process's job worker runs it when it starts (so a server
restarted after a crash recovers by itself); ``flask --app wsgi recover`` runs it by hand.

The fault tests kill the process at ``faults.checkpoint`` marks (GAZETTE_FAULT_AT).
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, func, select, update

from .extensions import db
from .faults import FAULT_ENV  # noqa: F401  (the fault tests' variable, named here too)
from .jobs import requeue_stale
from .models import Document, Job, public_documents
from .search import drain, get_backend, index_work_waiting, reindex, reindex_marker
from .services.statuses import ensure_scheduled
from .services.volumes import references
from .storage import get_store, owner_of, work_root

log = logging.getLogger(__name__)
ORPHANS = "orphans"  # folder of the store where unreferenced files are moved, never deleted


@dataclass
class RecoveryReport:
    temporary_removed: list[str] = field(default_factory=list)
    jobs_requeued: int = 0
    index_applied: int = 0
    index_rebuilt: int | None = None  # documents, when the index was rebuilt
    orphans: list[str] = field(default_factory=list)
    orphans_moved: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.temporary_removed or self.jobs_requeued or self.index_applied or
                    self.index_rebuilt is not None or self.orphans_moved)

    def lines(self) -> list[str]:
        rebuilt = "no" if self.index_rebuilt is None else f"yes ({self.index_rebuilt} documents)"
        return [f"temporary leftovers removed: {len(self.temporary_removed)}",
                *(f"  {name}" for name in self.temporary_removed),
                f"jobs of stopped workers queued again: {self.jobs_requeued}",
                f"search index entries applied from the outbox: {self.index_applied}",
                f"search index rebuilt: {rebuilt}",
                f"stored files no record refers to: {len(self.orphans)}"
                + (f" (moved to {ORPHANS}/: {len(self.orphans_moved)})"
                   if self.orphans_moved else "")]


def _alive(host: str, pid: int) -> bool | None:
    """Whether the process that made a temporary name still runs; None if on another host."""
    if host != socket.gethostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(folder: Path, max_age: float) -> list[Path]:
    """Entries of a temporary folder whose process is dead, or older than ``max_age`` seconds
    when the process cannot be asked (another host, a name without owner)."""
    if not folder.is_dir():
        return []
    now, found = time.time(), []
    for entry in folder.iterdir():
        owner = owner_of(entry.name)
        alive = _alive(*owner) if owner else None
        if alive is False or (alive is None and now - entry.lstat().st_mtime > max_age):
            found.append(entry)
    return found


def remove_temporary(max_age: float) -> list[str]:
    removed = []
    for folder in (work_root(), get_store().root / "tmp"):
        for entry in _leftovers(folder, max_age):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(str(entry.relative_to(entry.parent.parent)))
    if removed:
        log.warning("removed %s temporary leftover(s) of stopped processes", len(removed))
    return removed


def requeue_dead_workers(stale_after: timedelta) -> int:
    """Queue again the running jobs of dead processes on this host (known at once) and of
    workers anywhere that stopped sending heartbeats."""
    dead = []
    for job_id, worker in db.session.execute(
            select(Job.id, Job.worker).where(Job.state == "running")):
        parts = (worker or "").split(":")
        if len(parts) >= 2 and parts[1].isdigit() and _alive(parts[0], int(parts[1])) is False:
            dead.append(job_id)
    count = 0
    if dead:
        count = cast(CursorResult, db.session.execute(
            update(Job).where(Job.id.in_(dead), Job.state == "running")
            .values(state="queued", worker=""))).rowcount
        db.session.commit()
        log.warning("queued again %s job(s) of stopped workers on this host", count)
    return count + requeue_stale(stale_after)


def index_expected() -> int:
    return cast(int, db.session.scalar(select(func.count()).select_from(Document)
                                       .where(public_documents())))


def repair_index() -> tuple[int, int | None]:
    """Apply the outbox; rebuild the index when a rebuild was cut short or the index does
    not hold exactly the documents it should. Returns (applied, rebuilt or None)."""
    if reindex_marker().exists():
        log.warning("a search index rebuild was interrupted; rebuilding")
        return 0, reindex()
    applied = drain() if index_work_waiting() else 0
    if _index_differs():
        time.sleep(1)
        if _index_differs():  # not a commit in flight
            log.warning("search index does not hold the documents of the database; rebuilding")
            return applied, reindex()
    return applied, None


def _index_differs() -> bool:
    """The index's count differs from the database's while no index work is waiting (another
    server may be between its commit and its index update: then the outbox is not empty)."""
    db.session.rollback()  # a fresh snapshot of the database
    if index_work_waiting():
        return False
    return get_backend().count() != index_expected()


def orphan_files() -> list[str]:
    """Stored files that no record refers to: left by a step killed before its commit."""
    return sorted(get_store().names() - set(references()))


def move_orphans(names: list[str], min_age: float) -> list[str]:
    """Move unreferenced files older than ``min_age`` seconds out of the store's tree, into
    ``orphans/`` beside it: out of the way, still there if someone needs one."""
    store, moved, now = get_store(), [], time.time()
    target = store.root / ORPHANS
    for name in names:
        path = store.path(name)
        if path.is_file() and now - path.stat().st_mtime > min_age:
            target.mkdir(exist_ok=True)
            os.replace(path, target / name)
            moved.append(name)
    if moved:
        log.warning("moved %s unreferenced stored file(s) to %s", len(moved), target)
    return moved


def recover(*, temporary_age: float = 6 * 3600, find_orphans: bool = True,
            move_unreferenced: bool = False, orphan_age: float = 86400) -> RecoveryReport:
    """Put right what killed processes left (see the module's docstring). Unreferenced files
    are harmless, and finding them reads the whole store: a worker's start skips it."""
    report = RecoveryReport()
    report.temporary_removed = remove_temporary(temporary_age)
    report.jobs_requeued = requeue_dead_workers(
        timedelta(seconds=current_app.config["JOB_STALE_SECONDS"]))
    report.index_applied, report.index_rebuilt = repair_index()
    if find_orphans or move_unreferenced:
        report.orphans = orphan_files()
    if move_unreferenced:
        report.orphans_moved = move_orphans(report.orphans, orphan_age)
    return report


def recover_at_start() -> None:
    """What a crashed process left is put right before a worker takes jobs; then the validity
    of every document is brought to today (a midnight may have passed while no worker ran)
    and the next midnight's refresh is queued. ``create_app`` gives it to ``jobs.init_app``."""
    report = recover(find_orphans=False)
    if report.changed:
        log.warning("recovery at start: %s", "; ".join(report.lines()))
    ensure_scheduled()
