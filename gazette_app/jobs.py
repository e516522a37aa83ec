"""Background jobs kept in the database: the embedded default needs no server.

Any number of workers (threads of the app's processes, or `flask --app wsgi worker`) may run;
a job is claimed by a compare-and-set on its state, so exactly one worker runs it. With
REDIS_URL set, a new job wakes a waiting worker of any process at once (a Redis list); without
it, this process's worker is woken and the others find the job at their next poll. Progress is
committed as the job goes, so staff see it on the receipt page. A job whose worker died (no
heartbeat for ``JOB_STALE_SECONDS``) is queued again.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

import redis
from flask import Flask, current_app
from sqlalchemy import CursorResult, select, update
from werkzeug.local import LocalProxy

from .extensions import db
from .models import Job
from .models.types import utcnow

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
HANDLERS: dict[str, Callable[[Job, Progress], None]] = {}
FAILURE_HOOKS: dict[str, Callable[[Job], None]] = {}  # filled by ``handler(on_failure=...)``
MAX_ATTEMPTS = 3


class JobFailed(Exception):
    """A job that cannot succeed; the message is Vietnamese, for staff. Not retried."""


def handler(kind: str, on_failure: Callable[[Job], None] | None = None):
    """Register the function that runs jobs of ``kind``, and what to do when one finally
    fails (after its retries): the one way to attach a failure hook."""
    def register(function):
        HANDLERS[kind] = function
        if on_failure is not None:
            FAILURE_HOOKS[kind] = on_failure
        return function
    return register


def enqueue(kind: str, payload: dict | None = None, *, receipt_id: int | None = None,
            not_before: datetime | None = None) -> Job:
    """Add a job to the current unit of work; the caller commits, then calls ``wake()``."""
    job = Job(kind=kind, payload=payload or {}, receipt_id=receipt_id,
              not_before=not_before or utcnow())
    db.session.add(job)
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def claim_next(worker: str) -> Job | None:
    """The oldest due job, now marked running by this worker; None when there is none."""
    candidates = db.session.scalars(
        select(Job.id).where(Job.state == "queued", Job.not_before <= utcnow())
        .order_by(Job.not_before, Job.id).limit(5)).all()
    for job_id in candidates:
        job = claim(job_id, worker)
        if job is not None:
            return job
    return None


def claim(job_id: int, worker: str) -> Job | None:
    """Mark one queued job running for ``worker``: exactly one of several claimants wins."""
    now = utcnow()
    claimed = cast(CursorResult, db.session.execute(
        update(Job).where(Job.id == job_id, Job.state == "queued")
        .values(state="running", worker=worker, started_at=now, heartbeat_at=now,
                attempts=Job.attempts + 1))).rowcount
    db.session.commit()
    return db.session.get(Job, job_id, populate_existing=True) if claimed == 1 else None


def run(job: Job, observer: Progress | None = None) -> None:
    """Run a claimed job to done or failed (or queued again for a retry); never raises.
    ``observer`` also sees each progress step (the command line prints them)."""
    def progress(percent: int, step: str) -> None:
        job.progress, job.step, job.heartbeat_at = max(0, min(100, percent)), step[:200], utcnow()
        db.session.commit()
        if observer is not None:
            observer(job.progress, job.step)

    function = HANDLERS.get(job.kind)
    try:
        if function is None:
            raise JobFailed(f"Không có bộ xử lý cho công việc loại {job.kind!r}.")
        function(job, progress)
        job.state, job.finished_at = "done", utcnow()
        progress(100, "Hoàn tất")
    except Exception as error:  # a job's failure is recorded, never kills the worker
        db.session.rollback()
        retry = not isinstance(error, JobFailed) and job.attempts < MAX_ATTEMPTS
        if not isinstance(error, JobFailed):
            log.exception("job %s (%s) failed on attempt %s", job.id, job.kind, job.attempts)
        job = cast(Job, db.session.get(Job, job.id, populate_existing=True))
        job.state = "queued" if retry else "failed"
        job.error = str(error) if isinstance(error, JobFailed) else \
            "Lỗi hệ thống khi xử lý; đã ghi nhật ký cho quản trị viên."
        job.finished_at = None if retry else utcnow()
        if not retry:
            _on_failure(job)
        db.session.commit()


def _on_failure(job: Job) -> None:
    hook = FAILURE_HOOKS.get(job.kind)
    if hook is not None:
        hook(job)


def requeue_stale(max_age: timedelta) -> int:
    """Queue again the jobs whose worker stopped sending heartbeats (killed, machine lost)."""
    cutoff = utcnow() - max_age
    count = cast(CursorResult, db.session.execute(
        update(Job).where(Job.state == "running", Job.heartbeat_at < cutoff)
        .values(state="queued", worker=""))).rowcount
    db.session.commit()
    if count:
        log.warning("requeued %s job(s) whose worker stopped", count)
    return count


def run_pending(limit: int | None = None) -> int:
    """Run due jobs in this thread until none is left (or ``limit``); returns how many ran."""
    done, worker = 0, worker_name()
    while limit is None or done < limit:
        job = claim_next(worker)
        if job is None:
            break
        run(job)
        done += 1
    return done


_wakeups: dict[int, threading.Event] = {}
REDIS_KEY = "gazette:jobs:wake"


def _redis(app: Flask):
    """The Redis client when REDIS_URL is set: workers of every process block on one list."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("gazette_jobs_redis")
    if client is None:
        client = app.extensions["gazette_jobs_redis"] = redis.Redis.from_url(
            url, socket_timeout=app.config["JOB_POLL_SECONDS"] + 5)
    return client


def wake() -> None:
    """Tell a worker that a job was just committed: through Redis, any process's worker
    (one message wakes one worker); without it, this process's embedded worker."""
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    client = _redis(app)
    if client is not None:
        try:
            client.rpush(REDIS_KEY, "1")
            return
        except Exception:  # noqa: BLE001 - workers still poll the table
            log.warning("could not notify job workers through Redis", exc_info=True)
    event = _wakeups.get(id(app))
    if event is not None:
        event.set()


def wait_for_work(app: Flask, event: threading.Event) -> None:
    """Block until woken or JOB_POLL_SECONDS pass (jobs scheduled for later are found then)."""
    timeout = app.config["JOB_POLL_SECONDS"]
    client = _redis(app)
    if client is not None:
        try:
            client.blpop([REDIS_KEY], timeout=max(1, int(timeout)))
            return
        except Exception:  # noqa: BLE001 - Redis away: fall back to polling
            log.warning("Redis unavailable for job wake-ups; polling", exc_info=True)
    event.wait(timeout=timeout)
    event.clear()


def start_embedded_worker(app: Flask) -> threading.Thread | None:
    """A daemon thread running jobs for this process (``JOB_RUNNER = "thread"``)."""
    if app.config.get("JOB_RUNNER") != "thread":
        return None
    event = _wakeups.setdefault(id(app), threading.Event())

    on_start = app.extensions.get("gazette_jobs_on_start")

    def loop() -> None:
        if on_start is not None:
            with app.app_context():
                _safely(on_start)
        while True:
            wait_for_work(app, event)
            with app.app_context():
                _safely(run_pending)
                db.session.remove()

    thread = threading.Thread(target=loop, name="gazette-jobs", daemon=True)
    thread.start()
    return thread


def _safely(function) -> None:
    try:
        function()
    except Exception:  # the database may be briefly unavailable: try again next round
        log.exception("job worker round failed")
        db.session.rollback()


def init_app(app: Flask, on_start: Callable[[], None] | None = None) -> None:
    """Start this process's embedded worker with the first request (never in CLI commands,
    which may run before the tables exist); ``on_start`` runs in it first (recovery). The
    modules whose jobs it runs register their handlers when ``create_app`` imports them."""
    app.extensions["gazette_jobs_on_start"] = on_start

    @app.before_request
    def _start_worker_once() -> None:
        if app.extensions.get("gazette_jobs_started"):
            return
        app.extensions["gazette_jobs_started"] = True
        start_embedded_worker(app)
