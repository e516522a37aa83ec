"""A year of a gazette office, replayed with a controlled clock (time-machine, no sleeping) on
both databases: documents arrive, issues are composed, approved and published, a repeal is
confirmed, days pass; at chosen moments, 18:30 UTC (01:30 the next day in Vietnam) included,
the test checks what the public sees, each document's status, the new issue's default date,
overdue counts and the quarter's statistics."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from gazette_app import clock, jobs
from gazette_app.demo.documents import DemoDocument, render_document_pdf
from gazette_app.extensions import db
from gazette_app.models import Document, Issue, Job, User
from gazette_app.search import get_backend
from gazette_app.services import issues as workflow
from gazette_app.services import statuses
from gazette_app.services.deadlines import deadline_board
from gazette_app.services.documents import attach_pdf
from gazette_app.services.records import import_records
from gazette_app.services.relations import ConfirmedRelation, link_relation
from gazette_app.services.statistics import build_report, quarter_bounds
from gazette_app.services.users import create_user
from search_index.model import SearchQuery
from tests.support.web import csrf_token

PASSWORD = "biên-tập-năm-2026!"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


RECORDS = {
    "fees": {"number": "05/2026/QĐ-UBND", "issued": "2026-02-27", "effective": "2026-03-15",
             "issuer": "UBND Tỉnh", "doc_type": "Quyết định", "status": "Chưa có hiệu lực",
             "abstract": "Quy định mức thu phí tham quan danh lam thắng cảnh",
             "signer": "Chủ tịch UBND Nguyễn Đình Việt", "source_url": "https://t/05"},
    "plan": {"number": "02/2026/NQ-HĐND", "issued": "2026-02-27", "effective": "2026-03-01",
             "expires": "2026-12-31", "issuer": "HĐND Tỉnh", "doc_type": "Nghị quyết",
             "status": "Đang hiệu lực", "abstract": "Kế hoạch đầu tư công năm 2026",
             "signer": "Chủ tịch HĐND Nguyễn Thái Hưng", "source_url": "https://t/02"},
    "repeal": {"number": "11/2026/QĐ-UBND", "issued": "2026-04-08", "effective": "2026-05-01",
               "issuer": "UBND Tỉnh", "doc_type": "Quyết định", "status": "Chưa có hiệu lực",
               "abstract": "Bãi bỏ Quyết định số 05/2026/QĐ-UBND ngày 27/02/2026 của UBND tỉnh",
               "signer": "Chủ tịch UBND Nguyễn Đình Việt", "source_url": "https://t/11"},
}


class Office:
    """The gazette office: receives, composes, approves, publishes, through the services."""

    def __init__(self, app, folder: Path):
        self.app, self.folder = app, folder
        self.ids: dict[str, int] = {}

    def receive(self, key: str) -> None:
        record = RECORDS[key]
        with self.app.app_context():
            import_records([json.dumps(record, ensure_ascii=False)])
            document = db.session.scalar(select(Document).where(
                Document.notation == record["number"]))
            pdf = render_document_pdf(self.folder / f"{key}.pdf", DemoDocument(
                document.notation, document.issuer.name, document.type_name, document.abstract,
                document.issued, document.signer), 2)
            attach_pdf(document, pdf.read_bytes(), f"{key}.pdf")
            self.ids[key] = document.id

    def publish(self, number: int, day: date, keys: list[str]) -> None:
        with self.app.app_context():
            editor, approver = (db.session.scalar(select(User).where(User.username == name))
                                for name in ("lan", "hoa"))
            issue = workflow.create_issue(day.year, [number], day,
                                          [self.ids[k] for k in keys], editor)
            workflow.compose(issue, editor)
            workflow.approve(issue, approver)
            workflow.publish(issue, approver)

    def status(self, key: str) -> str:
        with self.app.app_context():
            return db.session.get(Document, self.ids[key]).status

    def midnight_passes(self) -> int:
        """The worker wakes after midnight in Vietnam and runs what is due."""
        with self.app.app_context():
            return jobs.run_pending()


def _login(client) -> None:
    client.post("/login", data={"username": "lan", "password": PASSWORD,
                                "csrf_token": csrf_token(client)})


def _public(client, office: Office) -> dict[str, tuple[int, str | None]]:
    seen = {}
    for key, document_id in office.ids.items():
        response = client.get(f"/api/v1/documents/{document_id}")
        seen[key] = (response.status_code,
                     response.get_json()["status"] if response.status_code == 200 else None)
    return seen


@pytest.mark.both_databases
def test_a_year_of_the_gazette(app, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # the server's own zone is UTC: only the clock knows Vietnam
    office, public = Office(app, tmp_path), app.test_client()
    staff = app.test_client()
    with app.app_context():
        create_user("lan", PASSWORD, "editor", "Lan")
        create_user("hoa", PASSWORD, "approver", "Hoa")

    # Monday 2 March, 09:00 in Sơn La: two documents arrive; a worker starts.
    with time_machine.travel(utc("2026-03-02T02:00:00"), tick=False):
        office.receive("fees")
        office.receive("plan")
        with app.app_context():
            statuses.ensure_scheduled()
        assert {code for code, _ in _public(public, office).values()} == {404}
        with app.app_context():
            assert get_backend().search(SearchQuery(text="")).total == 0

    # Thursday 5 March, 18:30 UTC: already Friday 6 March, 01:30, in Vietnam.
    with time_machine.travel(utc("2026-03-05T18:30:00"), tick=False):
        with app.app_context():
            assert clock.today() == date(2026, 3, 6)
            board = deadline_board()
            # received Monday + 3 working days = due Thursday 5 March: overdue in Vietnam
            assert len(board.overdue) == 2 and not board.due_soon
        _login(staff)
        form = staff.get("/staff/issues/new").get_data(as_text=True)
        assert 'name="date" type="date" value="2026-03-06"' in form
        assert "Quý I/2026" in staff.get("/staff/thong-ke").get_data(as_text=True)

    # Friday 6 March, 10:00: Số 01 is published.
    with time_machine.travel(utc("2026-03-06T03:00:00"), tick=False):
        office.publish(1, date(2026, 3, 6), ["fees", "plan"])
        assert _public(public, office) == {"fees": (200, "not_yet_in_force"),
                                           "plan": (200, "in_force")}
        with app.app_context():
            assert not deadline_board().overdue

    # 14 March, 23:59:59 in Vietnam: the fee decision is not yet in force...
    with time_machine.travel(utc("2026-03-14T16:59:59"), tick=False):
        office.midnight_passes()
        assert office.status("fees") == "not_yet_in_force"
    # ...and from midnight it is, in the index too, without anyone clicking.
    with time_machine.travel(utc("2026-03-14T17:00:05"), tick=False):
        assert office.midnight_passes() == 1
        assert office.status("fees") == "in_force"
        assert _public(public, office)["fees"] == (200, "in_force")
        found = public.get("/api/v1/search?status=in_force").get_json()
        assert sorted(r["id"] for r in found["results"]) == sorted(office.ids.values())

    # 10 April: the repealing decision arrives; staff confirm its relation; it is published.
    with time_machine.travel(utc("2026-04-10T02:00:00"), tick=False):
        office.receive("repeal")
        with app.app_context():
            repeal = db.session.get(Document, office.ids["repeal"])
            link_relation(repeal, ConfirmedRelation("repeals", "05/2026/QĐ-UBND", "27/02/2026"),
                          None)
            db.session.commit()
        assert office.status("fees") == "in_force"  # the repeal takes effect on 1 May
        assert _public(public, office)["repeal"][0] == 404  # not yet published
    with time_machine.travel(utc("2026-04-15T03:00:00"), tick=False):
        office.publish(2, date(2026, 4, 15), ["repeal"])
        page = public.get(f"/van-ban/{office.ids['fees']}", follow_redirects=True)
        text = page.get_data(as_text=True)
        assert "Còn hiệu lực" in text
        assert "Từ 01/5/2026: <strong>Hết hiệu lực toàn bộ</strong>, bị bãi bỏ" in text
        assert "sắp tới" in text

    # 1 May, 00:00:05 in Vietnam (30 April 17:00 UTC).
    with time_machine.travel(utc("2026-04-30T17:00:05"), tick=False):
        office.midnight_passes()
        assert office.status("fees") == "expired"
        found = public.get("/api/v1/search?status=expired").get_json()
        assert [r["id"] for r in found["results"]] == [office.ids["fees"]]
        history = public.get(f"/van-ban/{office.ids['fees']}",
                             follow_redirects=True).get_data(as_text=True)
        assert "bị bãi bỏ bởi Quyết định số 11/2026/QĐ-UBND" in history

    # The quarters' statistics, read in July.
    with time_machine.travel(utc("2026-07-01T02:00:00"), tick=False):
        with app.app_context():
            q1 = build_report(*quarter_bounds(2026, 1), "Quý I/2026")
            q2 = build_report(*quarter_bounds(2026, 2), "Quý II/2026")
            assert (q1.received, q1.published, q1.issues) == (2, 2, 1)
            assert (q2.received, q2.published, q2.issues) == (1, 1, 1)
        _login(staff)  # months later: the morning's session has long ended
        # Quý III has nothing yet: the statistics open on the latest quarter with data.
        assert "Thống kê Quý II/2026" in staff.get("/staff/thong-ke").get_data(as_text=True)

    # The plan's last day is 30 December: it is expired from 31 December (its ``expires``).
    with time_machine.travel(utc("2026-12-30T16:59:00"), tick=False):  # 23:59 in Vietnam
        office.midnight_passes()
        assert office.status("plan") == "in_force"
    with time_machine.travel(utc("2026-12-30T18:30:00"), tick=False):  # 31/12 01:30
        office.midnight_passes()
        assert office.status("plan") == "expired"
        assert _public(public, office)["plan"] == (200, "expired")
        _login(staff)
        assert 'value="2026-12-31"' in staff.get("/staff/issues/new").get_data(as_text=True)

    # 31 December, 18:30 UTC: New Year's Day in Vietnam; a new issue is dated 2027.
    with time_machine.travel(utc("2026-12-31T18:30:00"), tick=False):
        office.midnight_passes()
        _login(staff)
        form = staff.get("/staff/issues/new").get_data(as_text=True)
        assert 'value="2027-01-01"' in form
        with app.app_context():
            assert all(i.state == "published" for i in db.session.scalars(select(Issue)))
            pending = db.session.scalars(select(Job).where(
                Job.kind == "refresh_statuses", Job.state == "queued")).all()
            assert [clock.local_day(j.not_before) for j in pending] == [date(2027, 1, 2)]
