"""The dashboard's lateness figures come from a fixed number of queries, whatever the number of
documents received this year (not one lookup per document per load)."""
from __future__ import annotations

import json
from contextlib import contextmanager

from sqlalchemy import event

from gazette_app import clock
from gazette_app.extensions import db
from gazette_app.services.records import import_records
from tests.support.records import load_documents
from tests.support.web import csrf_token


@contextmanager
def _counting(app):
    """The SQL statements run while the block runs."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _dashboard_queries(app, client) -> int:
    with _counting(app) as statements:
        response = client.get("/staff/")
    assert response.status_code == 200
    return len(statements)


def _receive(app, first: int, count: int) -> None:
    """``count`` documents received today, each of its own date and number."""
    year = clock.today().year
    with app.app_context():
        summary = import_records(json.dumps({
            "number": f"{first + n}/QĐ-UBND", "issued": f"{year}-03-{1 + n:02d}",
            "issuer": "UBND Tỉnh", "doc_type": "Quyết định của Chủ tịch UBND tỉnh",
            "status": "Đang hiệu lực", "abstract": f"Về việc đo số truy vấn, văn bản {first + n}",
            "source_url": f"https://example.test/truy-van/{first + n}"}, ensure_ascii=False)
            for n in range(count))
        assert summary.added == count, summary.lines()


def test_dashboard_lateness_takes_the_same_queries_for_ten_or_thirty_documents(app, client,
                                                                             tmp_path):
    load_documents(app, tmp_path, 3)
    client.post("/login", data={"username": "lan", "password": "biên-tập-2026!",
                                "csrf_token": csrf_token(client)})
    _receive(app, 500, 7)
    few = _dashboard_queries(app, client)
    _receive(app, 700, 20)
    many = _dashboard_queries(app, client)
    assert many == few, (few, many)
    html = client.get("/staff/").get_data(as_text=True)
    assert "văn bản cơ quan ban hành gửi chậm" in html
