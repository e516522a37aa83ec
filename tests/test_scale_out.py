"""Several app servers on one PostgreSQL database: two gunicorn processes with their own
instance folders share only the database (documents, search, jobs), the file store path and
Redis. A document published through one is found through the other; a job queued through one
is run by the other's worker, woken through Redis."""
from __future__ import annotations

import os
import re
import time
import urllib.request
from datetime import date

import pytest

from gazette_app.demo.documents import DemoDocument, render_document_pdf
from tests.support.databases import postgres_database, redis_url
from tests.support.servers import Browser, start_gunicorn, stop
from tests.support.servers import flask as run_flask
from tests.support.web import PASSWORDS

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow,
              pytest.mark.xdist_group("redis")]  # the test Redis, which test_api flushes


REPLICA_LAG_SECONDS = 2.0  # the stated lag: a commit through one server, found through another


@pytest.mark.parametrize("search", ["tantivy-replica", "postgres"])
def test_two_servers_share_one_database(tmp_path, search):
    redis = redis_url()
    if redis is None:
        pytest.skip("no Redis at 127.0.0.1:6379")
    with postgres_database() as database:
        env = {**os.environ, "DATABASE_URL": database, "SEARCH_BACKEND": search,
               "GAZETTE_STORE": str(tmp_path / "shared-store"), "REDIS_URL": redis,
               "GAZETTE_SECRET_KEY": "one-secret-for-every-server", "GAZETTE_LOG_LEVEL":
               "WARNING", "GAZETTE_JOB_POLL_SECONDS": "30", "GAZETTE_API_RATE": "10000/minute"}

        def flask(instance: str, *args: str) -> str:
            return run_flask({**env, "GAZETTE_INSTANCE": str(tmp_path / instance)}, *args)

        flask("a", "db", "upgrade")
        flask("a", "demo", "--no-issues")
        for name, role in (("lan", "editor"), ("hoa", "approver")):
            env["GAZETTE_USER_PASSWORD"] = PASSWORDS[role]
            flask("a", "create-user", "--username", name, "--role", role)
        pdf = render_document_pdf(tmp_path / "qd.pdf", DemoDocument(
            "47/2026/QĐ-UBND", "UBND tỉnh", "Quyết định", "Bãi bỏ các Quyết định về hỗ trợ",
            date(2026, 8, 1), "Chủ tịch UBND Nguyễn Đình Việt"), 2)
        flask("a", "attach-pdf", "47/2026/QĐ-UBND", str(pdf))

        servers, bases = [], []
        try:
            for name in ("a", "b"):
                server, base = start_gunicorn({**env, "GAZETTE_INSTANCE": str(tmp_path / name)})
                servers.append(server)
                bases.append(base)
            one, other = bases
            found = urllib.request.urlopen(
                other + "/api/v1/search?q=47/2026&issue=1&year=2026").read().decode()
            assert '"total":0' in found.replace(" ", "")  # not published yet

            editor, approver = Browser(one), Browser(one)
            editor.login("lan", "editor")
            approver.login("hoa", "approver")
            document_id = re.search(r'name="document" value="(\d+)"',
                                    editor.get("/staff/issues/new")).group(1)
            page = editor.publish_issue(approver, 2026, 1, "2026-08-10", [document_id])
            published = time.monotonic()
            assert "Đã phát hành" in page

            # Through the other server: found, in issue 01, and its PDF from the shared store;
            # with a replica per server, within the stated lag.
            while True:
                found = urllib.request.urlopen(other + "/api/v1/search?q=47/2026/QD-UBND"
                                               "&issue=1&year=2026").read().decode()
                lag = time.monotonic() - published
                if '"notation":"47/2026/QĐ-UBND"' in found.replace(" ", "") or \
                        lag > REPLICA_LAG_SECONDS:
                    break
                time.sleep(0.05)
            assert '"notation":"47/2026/QĐ-UBND"' in found.replace(" ", ""), f"not after {lag} s"
            if search == "tantivy-replica":  # the other server answered from its own index
                assert (tmp_path / "b" / "search-replica" / "replica-state.json").exists()
            printed = urllib.request.urlopen(other + "/cong-bao/2026/1.pdf").read()
            assert printed[:5] == b"%PDF-"

            # A volume built through the first server's page runs on whichever worker wakes.
            approver.post("/staff/volumes/build", {"year": "2026", "quarter": "3",
                                                   "double_sided": "1"}, "/staff/volumes")
            for _ in range(100):  # the workers poll every 30 s: only Redis makes this quick
                volumes = urllib.request.urlopen(other + "/api/v1/volumes").read().decode()
                if "Quý III/2026" in volumes:
                    break
                time.sleep(0.2)
            assert "Quý III/2026" in volumes
        finally:
            for server in servers:
                stop(server)
