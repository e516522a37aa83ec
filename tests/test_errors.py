"""Error answers: what the code said in ``abort(code, "...")`` reaches the user (page and API);
werkzeug's English defaults never do."""
from __future__ import annotations

from flask import abort


def _add_routes(app) -> None:
    app.add_url_rule("/thu-loi", "said", lambda: abort(400, "Năm phải từ 1990 đến 2100."))
    app.add_url_rule("/api/v1/thu-loi", "api_said",
                     lambda: abort(400, "Năm phải từ 1990 đến 2100."))
    app.add_url_rule("/thu-loi-mac-dinh", "unsaid", lambda: abort(400))


def test_the_description_given_to_abort_is_shown(app):
    _add_routes(app)
    client = app.test_client()
    page = client.get("/thu-loi")
    assert page.status_code == 400
    assert "Năm phải từ 1990 đến 2100." in page.get_data(as_text=True)
    answer = client.get("/api/v1/thu-loi")
    assert answer.status_code == 400
    assert answer.get_json()["error"] == {"code": "bad_request",
                                          "message": "Năm phải từ 1990 đến 2100."}


def test_werkzeugs_default_description_gives_the_vietnamese_message(app):
    _add_routes(app)
    page = app.test_client().get("/thu-loi-mac-dinh")
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Yêu cầu không hợp lệ." in text
    assert "The browser (or proxy) sent a request" not in text
