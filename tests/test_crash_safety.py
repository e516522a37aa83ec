"""Crash safety: a real process (the app's own command line) is killed with SIGKILL at chosen
points of receive, publish, volume build and reindex; a restart finds no half state, loses
nothing, cleans what was left and can do the work again. Also a full disk during a write and
a converter that hangs past its timeout."""
from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select

from gazette_app.extensions import db
from gazette_app.models import AuditEvent, Issue, Job, Receipt, SearchOutbox, Volume
from gazette_app.recovery import FAULT_ENV, index_expected, orphan_files, recover, reindex_marker
from gazette_app.search import get_backend
from gazette_app.services import issues as workflow
from gazette_app.services.volumes import build_volume, verify
from gazette_app.storage import get_store, work_root
from search_index.model import SearchQuery
from tests.support.intake import docx_bytes, need
from tests.support.issues import issue_documents
from tests.support.records import approved_issue, staff_pair
from tests.support.web import csrf_token

PROJECT = Path(__file__).resolve().parent.parent
KILLED = -signal.SIGKILL


def flask(app, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    """``flask --app wsgi ARGS`` in a new process on the test's instance and database."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "GAZETTE_INSTANCE": app.instance_path, "GAZETTE_JOB_RUNNER": "manual",
           "GAZETTE_LOG_LEVEL": "WARNING"}
    env.pop(FAULT_ENV, None)
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=PROJECT,
                          env=env, capture_output=True, text=True, timeout=600)


def leftovers() -> list[str]:
    found = []
    for folder in (work_root(), get_store().root / "tmp"):
        if folder.is_dir():
            found += [entry.name for entry in folder.iterdir()]
    return found


def assert_index_matches_database() -> None:
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    assert get_backend().count() == index_expected()


@pytest.mark.parametrize("step", ["publish.signed", "publish.flushed", "index.drain"])
def test_publish_killed_at_any_step_is_complete_or_absent(app, tmp_path, step):
    issue_id = approved_issue(app, tmp_path)
    with app.app_context():
        notations = [entry.document.notation for entry in db.session.get(Issue, issue_id).entries]
    killed = flask(app, "publish-issue", "--year", "2026", "--number", "1", "--by", "hoa",
                   fault=step)
    assert killed.returncode == KILLED, killed.stderr
    committed = step == "index.drain"  # killed after the commit, before the index update
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        assert (issue.state == "published") is committed
        assert all((entry.document.state == "published") is committed for entry in issue.entries)
        published_events = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                              .where(AuditEvent.action == "issue.publish"))
        assert published_events == int(committed)
        if committed:  # the index has not seen the publication yet: the outbox holds it
            assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 3

        report = recover()
        assert report.index_applied == (3 if committed else 0)
        assert leftovers() == []
        assert_index_matches_database()
        if not committed:  # nothing was lost: publishing again completes the work
            workflow.publish(issue, staff_pair()[1])
        issue = db.session.get(Issue, issue_id)
        assert issue.state == "published"
        for notation in notations:
            found = get_backend().search(SearchQuery(text=notation, year=2026, issue=1))
            assert [hit.notation for hit in found.hits] == [notation]
        assert verify().ok


@pytest.mark.parametrize("step", ["volume.built", "volume.stored", "volume.flushed"])
def test_volume_build_killed_leaves_no_volume_and_is_cleaned(app, tmp_path, step):
    issue_id = approved_issue(app, tmp_path)
    with app.app_context():
        workflow.publish(db.session.get(Issue, issue_id), staff_pair()[1])
        stored_before = get_store().names()
    killed = flask(app, "build-volume", "--year", "2026", "--quarter", "3", fault=step)
    assert killed.returncode == KILLED, killed.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Volume)) == 0
        if step == "volume.built":  # the half-made volume is still in the work folder
            assert any(name.startswith("volume@") for name in leftovers())
        else:  # the PDF (and manifest) reached the store: unreferenced, reported, harmless
            assert set(orphan_files()) == get_store().names() - stored_before != set()
        report = recover()
        assert leftovers() == []
        assert bool(report.temporary_removed) is (step == "volume.built")
        assert report.orphans == sorted(get_store().names() - stored_before)
        result = build_volume(2026, 3)  # the work can be done again
        assert result.volume.page_count > 0 and verify().ok


def test_reindex_killed_after_clearing_is_rebuilt_at_restart(app, tmp_path):
    issue_id = approved_issue(app, tmp_path)
    with app.app_context():
        workflow.publish(db.session.get(Issue, issue_id), staff_pair()[1])  # 3 public documents
    killed = flask(app, "reindex", fault="reindex.cleared")
    assert killed.returncode == KILLED, killed.stderr
    with app.app_context():
        assert reindex_marker().exists() and get_backend().count() == 0
        report = recover()
        assert report.index_rebuilt == 3 and not reindex_marker().exists()
        assert_index_matches_database()


def test_receive_killed_before_commit_keeps_no_receipt(app, tmp_path):
    letter = issue_documents(tmp_path, 1)[0].pdf_path
    killed = flask(app, "receive", str(letter), fault="receive.stored")
    assert killed.returncode == KILLED, killed.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Receipt)) == 0
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0
        assert len(orphan_files()) == 1  # the file reached the store, nothing refers to it
    done = flask(app, "receive", str(letter))
    assert done.returncode == 0, done.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Receipt)) == 1
        assert orphan_files() == [] and recover().orphans == []


def test_job_of_a_killed_worker_is_queued_again_at_once(app):
    with app.app_context():
        from gazette_app.jobs import enqueue
        job = enqueue("verify", {})
        db.session.commit()
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout.strip()
        import socket
        job.state, job.worker = "running", f"{socket.gethostname()}:{dead}:1"
        db.session.commit()
        assert recover().jobs_requeued == 1
        assert db.session.get(Job, job.id, populate_existing=True).state == "queued"


# --- a full disk --------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB file system for the store (tmpfs); where mounting is not allowed, every write
    of the store fails with ENOSPC as a full disk makes it."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True)
    yield mount if done.returncode == 0 else None
    if done.returncode == 0:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_while_receiving_stores_nothing_and_says_so(app, client, auth, small_disk,
                                                             monkeypatch):
    if small_disk is not None:
        app.config["FILE_STORE"] = str(small_disk / "store")
    else:
        def full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr("gazette_app.storage.os.fsync", full)
    auth.login("lan", role="editor")
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("phu-luc.bin", os.urandom(3 * 1024 * 1024))  # more than the disk
    big = io.BytesIO()
    writer.write(big)
    data = {"csrf_token": csrf_token(client, "/staff/receive"),
            "files": [(io.BytesIO(big.getvalue()), "quyet-dinh.pdf")]}
    response = client.post("/staff/receive", data=data, content_type="multipart/form-data",
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "hết dung lượng" in text and "quyet-dinh.pdf" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Receipt)) == 0
        assert get_store().names() == set() and leftovers() == []
    assert client.get("/healthz").status_code == 200


# --- a converter that hangs -----------------------------------------------------------------

def test_libreoffice_past_its_timeout_is_killed_with_all_its_processes(app, client, auth):
    need("soffice", "libreoffice-writer-nogui")
    app.config["CONVERT_TIMEOUT"] = 0.5  # a real conversion takes longer: it "hangs"
    auth.login("lan", role="editor")
    data = {"csrf_token": csrf_token(client, "/staff/receive"),
            "files": [(io.BytesIO(docx_bytes(["Quyết định số 1"])), "qd.docx")]}
    assert client.post("/staff/receive", data=data,
                       content_type="multipart/form-data").status_code in (200, 302, 303)
    from gazette_app.jobs import run_pending
    with app.app_context():
        run_pending()
        receipt = db.session.scalar(select(Receipt))
        assert receipt.state == "failed" and "quá thời gian" in receipt.message
        assert leftovers() == []
    running = subprocess.run(["pgrep", "-f", app.instance_path], capture_output=True, text=True)
    assert running.stdout.strip() == "", "a LibreOffice process outlived its timeout"
