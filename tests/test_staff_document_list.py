"""The staff documents list: columns sorted on the server by a whitelisted key (anything else
falls back to the default order), each document's issue and page shown, the status on one line,
and a flagged document shown beside the record it resembles."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from gazette_app.extensions import db
from gazette_app.models import Document
from gazette_app.services import issues as workflow
from gazette_app.staff.compare import abstract_diff
from tests.support.records import load_documents, staff_pair
from tests.support.web import csrf_token


def _notations(html: str) -> list[str]:
    return re.findall(r'data-label="Số ký hiệu"><a class="govuk-link gz-one-line" '
                      r'href="/staff/documents/\d+">([^<]+)</a>', html)


def _login(client) -> None:
    client.post("/login", data={"username": "lan", "password": "biên-tập-2026!",
                                "csrf_token": csrf_token(client)})


def test_documents_sort_by_a_whitelisted_column_and_show_issue_and_page(app, client, tmp_path):
    ids = load_documents(app, tmp_path, 4)
    with app.app_context():
        editor, approver = staff_pair()
        issue = workflow.create_issue(2026, [1], date(2026, 8, 10), ids[:2], editor)
        for step, actor in ((workflow.compose, editor), (workflow.approve, approver),
                            (workflow.publish, approver)):
            step(issue, actor)
        first = db.session.get(Document, ids[0])
        place = f"{issue.label}, tr. {first.published_page}"
        notations = sorted(d.notation_key for d in db.session.scalars(select(Document)))
        by_key = {d.notation_key: d.notation for d in db.session.scalars(select(Document))}
    _login(client)
    up = client.get("/staff/documents?sap=so-ky-hieu&chieu=tang").get_data(as_text=True)
    assert _notations(up) == [by_key[k] for k in notations]
    down = client.get("/staff/documents?sap=so-ky-hieu&chieu=giam").get_data(as_text=True)
    assert _notations(down) == list(reversed(_notations(up)))
    assert 'aria-sort="ascending"' in up and 'aria-sort="descending"' in down
    # A key outside the whitelist is the default order (issued, newest first), never an error.
    odd = client.get("/staff/documents?sap=abstract;drop&chieu=x" + "y" * 5000)
    assert odd.status_code == 200
    assert _notations(odd.get_data(as_text=True)) == _notations(
        client.get("/staff/documents").get_data(as_text=True))
    assert f'data-label="Số, trang">{place}</td>' in up
    assert re.search(r'class="govuk-table__cell gz-one-line" data-label="Trạng thái">', up)


def test_the_abstracts_of_two_records_are_diffed_word_by_word():
    left, right = abstract_diff("Về việc ban hành bảng giá đất năm 2026",
                                "Về việc ban hành bảng giá nhà năm 2026")
    assert [(s.kind, s.text) for s in left] == [
        ("same", "Về việc ban hành bảng giá"), ("only_here", "đất"), ("same", "năm 2026")]
    assert [(s.kind, s.text) for s in right] == [
        ("same", "Về việc ban hành bảng giá"), ("only_there", "nhà"), ("same", "năm 2026")]
