"""The staff side at an office's pace: a queue proposal that fits a page budget, lateness of
the issuer and of the office told apart, and pages in the office's words."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from gazette_app import clock
from gazette_app.extensions import db
from gazette_app.formatting import vn_number
from gazette_app.models import Document, Issue
from gazette_app.services import issues as workflow
from gazette_app.services.lateness import lateness
from tests.support.records import load_documents, staff_pair
from tests.support.web import csrf_token

CODE = re.compile(r"\b(auth|issue|document|user|receipt|volume|store|feedback|instance)\.[a-z_]+"
                  r"\b|\['|\b[0-9a-f]{64}\b|\bissue \d+\b|\bNone\b")


def _checked(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'value="(\d+)" id="d\d+" data-pages="\d+" checked', html)}


def test_the_new_issue_page_proposes_what_is_due_within_a_page_budget(app, client, auth,
                                                                     tmp_path):
    ids = load_documents(app, tmp_path, 6)
    with app.app_context():
        documents = {d.id: d for d in db.session.scalars(select(Document))}
        for offset, document_id in enumerate(ids):  # received on six successive days
            documents[document_id].received_at = clock.start_of_day(
                date(2026, 8, 3) + timedelta(days=offset)) + timedelta(hours=9)
        db.session.commit()
        pages = {d.id: d.file("pdf").page_count for d in documents.values()}
    app.config["ISSUE_PAGE_BUDGET"] = pages[ids[0]] + pages[ids[1]]
    auth.login("bien-tap", role="editor")
    html = client.get("/staff/issues/new").get_data(as_text=True)
    assert _checked(html) == {ids[0], ids[1]}  # the two due soonest fill the budget
    assert f"{vn_number(2)} văn bản, {vn_number(pages[ids[0]] + pages[ids[1]])} trang" in html
    assert len(re.findall(r'name="document" value=', html)) == 6
    assert _checked(client.get("/staff/issues/new?chon=tat-ca").get_data(as_text=True)) == \
        set(ids)
    assert _checked(client.get("/staff/issues/new?chon=khong").get_data(as_text=True)) == set()
    with app.app_context():
        legal = {d.id for d in documents.values() if db.session.get(Document, d.id).legal}
        province = db.session.get(Document, ids[0]).issuer.code
        same_issuer = {d.id for d in db.session.scalars(select(Document))
                       if d.issuer.code == province}
    only_legal = client.get("/staff/issues/new?phan=legal&chon=tat-ca").get_data(as_text=True)
    assert _checked(only_legal) == legal
    by_issuer = client.get(f"/staff/issues/new?co-quan={province}&chon=tat-ca")
    assert _checked(by_issuer.get_data(as_text=True)) == same_issuer


def test_the_draft_names_issuers_and_disables_moves_past_the_ends(app, client, tmp_path):
    ids = load_documents(app, tmp_path, 3)
    with app.app_context():
        editor, _ = staff_pair()
        issue = workflow.create_issue(2026, [1], date(2026, 8, 10), ids, editor)
        issue_id, first = issue.id, issue.entries[0].document.issuer.name
    client.post("/login", data={"username": "lan", "password": "biên-tập-2026!",
                                "csrf_token": csrf_token(client)})
    html = client.get(f"/staff/issues/{issue_id}").get_data(as_text=True)
    assert f'data-label="Cơ quan">{first}</td>' in html
    buttons = re.findall(r'<button [^>]*name="direction" value="(up|down)"[^>]*?( disabled)?>',
                         html)
    assert buttons[0] == ("up", " disabled") and buttons[-1] == ("down", " disabled")
    assert all(flag == "" for _, flag in buttons[1:-1])


def test_issuer_late_and_office_late_are_told_apart(app, client, auth, tmp_path):
    ids = load_documents(app, tmp_path, 3)
    with app.app_context():
        on_time, sent_late, waiting = (db.session.get(Document, i) for i in ids)
        for document, days in ((on_time, 1), (sent_late, 10), (waiting, 1)):
            document.received_at = clock.start_of_day(
                clock.add_days(document.issued, days, True)) + timedelta(hours=9)
        db.session.commit()
        editor, approver = staff_pair()
        for number, document in enumerate((on_time, sent_late), start=1):
            day = clock.add_days(clock.local_day(document.received_at), 1, True)
            issue = workflow.create_issue(day.year, [number], day, [document.id], editor)
            workflow.compose(issue, editor)
            workflow.approve(issue, approver)
            workflow.publish(issue, approver)
        results = {d.notation: lateness(db.session.get(Document, d.id), day + timedelta(30))
                   for d in (on_time, sent_late, waiting)}
        notations = (on_time.notation, sent_late.notation, waiting.notation)
        year, quarter = day.year, (day.month - 1) // 3 + 1
    assert (results[notations[0]].issuer_late, results[notations[0]].office_late) == \
        (False, False)
    assert results[notations[1]].issuer_late and not results[notations[1]].office_late
    assert not results[notations[2]].issuer_late and results[notations[2]].office_late  # waits
    auth.login("thong-ke", role="editor")
    page = client.get(f"/staff/thong-ke?nam={year}&quy={quarter}").get_data(as_text=True)
    assert "Gửi chậm và đăng chậm theo cơ quan ban hành" in page
    csv_text = client.get(f"/staff/thong-ke.csv?nam={year}&quy={quarter}").get_data(
        as_text=True)
    assert "Cơ quan ban hành gửi chậm" in csv_text and "Văn phòng đăng chậm" in csv_text


def test_vietnamese_numbers():
    assert vn_number(1234) == "1.234" and vn_number(18.5, 1) == "18,5"
    assert vn_number(None) == "—" and vn_number(1234567.25, 2) == "1.234.567,25"


def test_staff_pages_of_the_demo_speak_the_offices_language(demo_app):
    client = demo_app.test_client()
    password = (Path(demo_app.instance_path) / "demo-admin-password").read_text().strip()
    client.post("/login", data={"username": "admin", "password": password,
                                "csrf_token": csrf_token(client)})
    with demo_app.app_context():
        issue = db.session.scalar(select(Issue).order_by(Issue.id.desc()))
        document = issue.entries[0].document
        pages = ["/staff/", "/staff/audit", f"/staff/documents/{document.id}",
                 "/staff/thong-ke", "/staff/issues/new"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True).split("<main", 1)[-1]
        text = re.sub(r"<[^>]+>", " ", body.split("</main>", 1)[0])
        found = CODE.findall(text)
        assert not found, (path, found[:5])
    assert "Đăng nhập" in client.get("/staff/audit").get_data(as_text=True)
