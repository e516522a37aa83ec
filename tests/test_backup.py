"""Backup and restore: a snapshot taken while another thread keeps writing documents restores
into an empty instance equal to the source at the snapshot (rows, files, search results), and
`verify` passes on it. A damaged backup or a non-empty instance is refused."""
from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfWriter
from sqlalchemy import select

from gazette_app import create_app
from gazette_app.extensions import db
from gazette_app.models import Document, Issue
from gazette_app.services import issues as workflow
from gazette_app.services.backup import BackupError, backup, read_snapshot, restore, rows_now
from gazette_app.services.documents import attach_pdf
from gazette_app.services.records import import_records
from tests.support.databases import postgres_database
from tests.support.issues import records
from tests.support.records import approved_issue, staff_pair

QUERIES = ["quyết định", "nghi quyet", "quy hoach", "sao lưu"]


def document_pdf(text: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Writer(threading.Thread):
    """Adds documents with a stored PDF, one transaction each, until stopped."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.stop, self.written, self.error = app, threading.Event(), 0, None
        self.started_writing = threading.Event()
        self.template = next(r for r in records() if r["number"].endswith("/QĐ-UBND"))

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    number = f"{9000 + self.written}/QĐ-UBND"
                    line = dict(self.template, number=number,
                                source_url=f"https://example.org/sao-luu/{self.written}",
                                abstract=f"Về việc sao lưu dữ liệu lần {self.written}")
                    import_records([json.dumps(line, ensure_ascii=False)])
                    document = db.session.scalar(select(Document).where(
                        Document.notation == number))
                    attach_pdf(document, document_pdf(number), f"{self.written}.pdf")
                    self.written += 1
                    if self.written >= 3:
                        self.started_writing.set()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
            self.started_writing.set()


def _search(client, query: str) -> list[int]:
    data = client.get("/api/v1/search", query_string={"q": query, "size": 50}).get_json()
    return [hit["id"] for hit in data["results"]]


def _documents() -> dict[int, tuple]:
    return {d.id: (d.notation, d.state, tuple(sorted(f.sha256 for f in d.files)))
            for d in db.session.scalars(select(Document))}


@pytest.fixture
def target_url(db_url, tmp_path):
    """An empty database of the same kind as the source, for the restored instance."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


def _restored_app(url: str, folder: Path):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING",
                       "JOB_RUNNER": "manual", "RATELIMIT_ENABLED": False,
                       "SHOW_UNPUBLISHED": True}, instance=folder)


@pytest.mark.both_databases
def test_backup_during_writes_restores_an_equal_instance(app, client, tmp_path, target_url):
    app.config["SHOW_UNPUBLISHED"] = True  # the documents written meanwhile are searchable
    issue_id = approved_issue(app, tmp_path)
    with app.app_context():
        workflow.publish(db.session.get(Issue, issue_id), staff_pair()[1])
    writer = Writer(app)
    writer.start()
    writer.started_writing.wait(60)
    with app.app_context():
        taken = backup(tmp_path / "backups")
    writer.stop.set()
    writer.join(60)
    assert writer.error is None
    with app.app_context():
        source_documents = _documents()

    restored = _restored_app(target_url, tmp_path / "restored")
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    assert "search index rebuilt" in result.output
    with restored.app_context():
        documents = _documents()
        counts = rows_now()
    # Writes went on during the backup: the source has more, the snapshot is a clean prefix.
    assert taken.manifest["rows"]["documents"] == len(documents) < len(source_documents)
    assert documents == {i: row for i, row in source_documents.items() if i in documents}
    expected = dict(taken.manifest["rows"], search_outbox=0)
    expected["audit_events"] += 1  # the restore itself is in the audit trail
    assert counts == expected
    other = restored.test_client()
    for query in QUERIES + [row[0] for row in list(documents.values())[-2:]]:
        # the same documents; their order may differ, as term statistics include later ones
        assert sorted(_search(other, query)) == \
            sorted(i for i in _search(client, query) if i in documents)
    assert _search(other, "sao lưu"), "documents written before the snapshot are searchable"
    verified = restored.test_cli_runner().invoke(args=["verify"])
    assert verified.exit_code == 0, verified.output
    assert restored.test_client().get(f"/api/v1/documents/{max(documents)}").status_code == 200
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_damaged_backup_and_a_used_instance(app, runner, tmp_path):
    approved_issue(app, tmp_path)
    with app.app_context():
        folder = backup(tmp_path / "backups").folder
        manifest = json.loads((folder / "manifest.json").read_text())
    name = sorted(manifest["store"])[0]
    stored = folder / "store" / name[:2] / name[2:4] / name
    original = stored.read_bytes()
    stored.write_bytes(original[:-1] + b"#")
    with pytest.raises(BackupError, match="does not match its hash"):
        read_snapshot(folder)
    stored.write_bytes(original)
    result = runner.invoke(args=["restore", str(folder)])  # into the source itself: not empty
    assert result.exit_code == 1 and "not empty" in result.output
    with app.app_context():
        with pytest.raises(BackupError, match="not empty"):
            restore(folder)


def test_backup_command_keeps_the_newest_snapshots(app, runner, tmp_path, monkeypatch):
    approved_issue(app, tmp_path, 1)
    for stamp in ("2026-11-20T01:00:00Z", "2026-11-21T01:00:00Z", "2026-11-22T01:00:00Z"):
        with time_machine.travel(stamp, tick=False):
            result = runner.invoke(args=["backup", "--out", str(tmp_path / "b"), "--keep", "2"])
        assert result.exit_code == 0, result.output
    assert "removed old backup" in result.output
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "gazette-20261121T010000Z", "gazette-20261122T010000Z"]
