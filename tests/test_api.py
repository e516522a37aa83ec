"""The mobile app's API: every endpoint, errors as JSON, ETag, CORS, rate limits, API keys."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from gazette_app.extensions import db
from gazette_app.models import ApiKey, Document, DocumentRelation, Feedback, NewsItem
from tests.support.databases import redis_url


@pytest.fixture(scope="module")
def demo(demo_app):
    with demo_app.app_context():
        db.session.add(NewsItem(title="Phát hành Công báo số 08/2026", body="Đã phát hành."))
        db.session.commit()
    return demo_app


@pytest.fixture
def client(demo):
    return demo.test_client()


def test_every_read_endpoint(demo, client):
    with demo.app_context():
        doc = db.session.scalar(select(Document).where(Document.notation == "47/2026/QĐ-UBND"))
        doc_id = doc.id
    document = client.get(f"/api/v1/documents/{doc_id}").get_json()
    assert document["notation"] == "47/2026/QĐ-UBND" and document["issuer_code"] == "ubnd-tinh"
    assert document["url"].endswith("/van-ban/ubnd-tinh/2026/47-2026-qd-ubnd")
    assert document["pdf_url"].endswith(f"/api/v1/documents/{doc_id}/pdf")
    by_notation = client.get("/api/v1/documents?notation=47/2026/qd-ubnd").get_json()
    assert by_notation["total"] == 1 and by_notation["results"][0]["id"] == doc_id
    shared = client.get("/api/v1/documents?notation=21/NQ-HDND").get_json()
    assert shared["total"] == 4
    one_issuer = client.get("/api/v1/documents?notation=21/NQ-HDND&issuer=hdnd-tinh").get_json()
    assert one_issuer["total"] == 1
    pdf = client.get(f"/api/v1/documents/{doc_id}/pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    issues = client.get("/api/v1/issues?year=2026").get_json()["results"]
    assert [i["numbers"] for i in issues][-2:] == [[2, 3], [1]]  # newest first (issue 17)
    detail = client.get("/api/v1/issues/2026/3").get_json()
    assert detail["label"] == "Số 02 + 03" and detail["contents"]
    first = detail["contents"][0]
    assert first["page"] >= 2 and first["notation"]
    published = client.get(f"/api/v1/documents/{first['document_id']}").get_json()
    assert published["publication"]["numbers"] == [2, 3]
    assert published["publication"]["citation"].startswith("Công báo tỉnh Sơn La, Số 02 + 03")
    volumes = client.get("/api/v1/volumes").get_json()["results"]
    assert [(v["label"], v["issues"][0]) for v in volumes] == [("Quý II/2026", "Số 01")]
    assert volumes[0]["pdf_url"].endswith("/cong-bao/2026/quy-2.pdf")
    cited = client.get("/api/v1/citations", query_string={
        "q": published["publication"]["citation"]}).get_json()
    assert cited["document"]["id"] == first["document_id"] and cited["where"] == "document"
    assert client.get("/api/v1/news").get_json()["results"][0]["title"].startswith("Phát hành")
    assert client.get("/api/v1/search?q=quy+hoach").get_json()["total"] > 0


@pytest.mark.parametrize("path", ["/api/v1/documents/999999", "/api/v1/issues/2026/99",
                                  "/api/v1/documents/999999/pdf", "/api/v1/nothing-here"])
def test_unknown_ids_are_json_404(demo, client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path, field", [
    ("/api/v1/issues?year=abc", "year"),
    ("/api/v1/issues?year=1800", "year"), ("/api/v1/documents?issuer=nobody", "issuer"),
    ("/api/v1/documents?page=999", "page"), ("/api/v1/documents?size=1000", "size"),
    ("/api/v1/search?issuer=UBND tỉnh", "issuer"),
    ("/api/v1/search?doc_type=Quyết định", "doc_type"),
    ("/api/v1/search?date_from=2026-06-01&date_to=2026-01-01", "date_to"),
    ("/api/v1/search?page=999", "page"),
    ("/api/v1/documents?notation=<script>", "notation"), ("/api/v1/search?page=0", "page"),
    ("/api/v1/search?size=1000", "size"), ("/api/v1/search?date_to=hôm-nay", "date_to"),
])
def test_bad_parameters_name_the_field(demo, client, path, field):
    response = client.get(path)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_pagination_edges(demo, client):
    last = client.get("/api/v1/search?size=50&page=8").get_json()
    assert last["pages"] == 8 and len(last["results"]) == 11  # 361 public: 6 wait for review
    # a page past the end is a 400 naming "page" (issue 17; it answered an empty 200)
    assert client.get("/api/v1/search?size=50&page=9").get_json()["error"]["field"] == "page"
    assert client.get("/api/v1/search?size=1&page=361").status_code == 200
    assert client.get("/api/v1/search?size=1&page=362").status_code == 400
    assert client.get("/api/v1/search?size=1&page=1001").status_code == 400


def test_etag_round_trip_and_cache_headers(demo, client):
    first = client.get("/api/v1/issues/2026/1")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get("/api/v1/issues/2026/1", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/v1/issues/2026/1", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200


def test_cors_for_the_app(demo, client):
    response = client.get("/api/v1/news", headers={"Origin": "https://app.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/feedback", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code in (200, 204)
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_feedback_from_the_app(demo, client):
    with demo.app_context():
        doc_id = db.session.scalar(select(Document.id).limit(1))
    created = client.post("/api/v1/feedback", json={
        "message": "Văn bản này thiếu phụ lục kèm theo.", "document_id": doc_id,
        "email": "dan@example.vn"})
    assert created.status_code == 201 and created.get_json()["id"]
    for body, field in [({"message": "ngắn"}, "message"), ({}, "message"),
                        ({"message": "Một góp ý đủ dài.", "email": "x"}, "email"),
                        ({"message": "Một góp ý đủ dài.", "document_id": "x"}, "document_id"),
                        ({"message": "Một góp ý đủ dài.", "document_id": -12579913893345832960},
                         "document_id")]:
        response = client.post("/api/v1/feedback", json=body)
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field
    missing = client.post("/api/v1/feedback", json={"message": "Một góp ý đủ dài.",
                                                     "document_id": 999999})
    assert missing.status_code == 404 and missing.get_json()["error"]["field"] == "document_id"
    assert client.post("/api/v1/feedback", data="not json").status_code == 400
    bot = client.post("/api/v1/feedback", json={"message": "Mua ngay hàng giá rẻ!!!",
                                                "website": "http://spam.example"})
    assert bot.status_code == 400
    with demo.app_context():
        assert [f.channel for f in db.session.scalars(select(Feedback))] == ["app"]
        db.session.query(Feedback).delete()
        db.session.commit()


def test_rate_limit_answers_429_with_retry_after(app):
    client = app.test_client()
    app.config["GAZETTE_API_RATE"] = "3 per minute"
    for _ in range(3):
        assert client.get("/api/v1/news").status_code == 200
    limited = client.get("/api/v1/news")
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0


def test_api_key_raises_the_limit(app, runner):
    client = app.test_client()
    app.config["GAZETTE_API_RATE"] = "2 per minute"
    result = runner.invoke(args=["create-api-key", "Ứng dụng Công báo", "--rate",
                                 "50 per minute"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1].split(": ", 1)[1]
    for _ in range(5):
        assert client.get("/api/v1/news", headers={"X-API-Key": key}).status_code == 200
    for _ in range(2):
        client.get("/api/v1/news")
    assert client.get("/api/v1/news").status_code == 429
    assert client.get("/api/v1/news", headers={"X-API-Key": "wrong"}).status_code == 429
    with app.app_context():
        assert key not in db.session.scalar(select(ApiKey.key_hash))


def test_openapi_document_and_docs_page(app):
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/v1/search" in spec["paths"]
    assert {"/api/v1/feedback", "/api/v1/issues/{year}/{number}", "/api/v1/volumes",
            "/api/v1/news", "/api/v1/documents/{document_id}/pdf"} <= set(spec["paths"])
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "GET /api/v1/search" in docs and "POST /api/v1/feedback" in docs


def test_staff_news_reaches_the_app(app, auth):
    client = app.test_client()
    auth.client = client
    auth.login("lan", role="editor")
    from tests.support.web import csrf_token
    client.post("/staff/news", data={"title": "Lịch phát hành Công báo tháng 12",
                                     "body": "Các số phát hành ngày 10, 20, 30.",
                                     "csrf_token": csrf_token(client, "/staff/news")})
    titles = [n["title"] for n in client.get("/api/v1/news").get_json()["results"]]
    assert titles == ["Lịch phát hành Công báo tháng 12"]


@pytest.mark.xdist_group("redis")  # flushes the test Redis: never beside the other user
def test_rate_limits_shared_through_redis(tmp_path):
    """Two app processes (two apps here) on one Redis count one client's requests together."""
    import redis

    from gazette_app import create_app
    url = redis_url()
    if url is None:
        pytest.skip("no Redis at 127.0.0.1:6379 (GAZETTE_TEST_REDIS_URL)")
    redis.Redis.from_url(url).flushdb()
    apps = []
    for name in ("one", "two"):
        app = create_app({"TESTING": True, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": url, "GAZETTE_API_RATE": "4 per minute",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.sqlite3'}"},
                         instance=tmp_path / name)
        apps.append(app)
    with apps[0].app_context():
        import flask_migrate
        flask_migrate.upgrade()
    codes = [apps[i % 2].test_client().get("/api/v1/news").status_code for i in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    redis.Redis.from_url(url).flushdb()


def test_facets_give_codes_that_filters_take_back(demo, client):
    answer = client.get("/api/v1/search", query_string={"q": "quyết định"}).get_json()
    for name in ("issuer", "doc_type", "status", "year"):
        facet = answer["facets"][name][0]
        assert set(facet) == {"code", "label", "count"}, facet
        narrowed = client.get("/api/v1/search", query_string={
            "q": "quyết định", name: facet["code"]}).get_json()
        assert narrowed["total"] == facet["count"], (name, facet, narrowed["total"])
    issuer = next(f for f in answer["facets"]["issuer"] if f["label"] == "UBND tỉnh")
    assert issuer["code"] == "ubnd-tinh"


def test_hits_carry_title_status_label_publication_and_the_readable_url(demo, client):
    hits = client.get("/api/v1/search", query_string={"q": "21/NQ-HĐND"}).get_json()["results"]
    first = hits[0]
    assert first["title"] == "Nghị quyết số 21/NQ-HĐND của HĐND tỉnh"
    assert first["status_label"] == "Còn hiệu lực" and first["status"] == "in_force"
    assert first["url"].endswith("/van-ban/hdnd-tinh/2026/21-nq-hdnd")
    publication = first["publication"]
    assert publication["label"].startswith("Công báo Số ") and publication["page"] >= 1
    assert publication["url"].endswith(f"/cong-bao/2026/{publication['number']}")


def test_issues_without_a_year_give_the_latest_and_documents_list_by_pages(demo, client):
    latest = client.get("/api/v1/issues").get_json()
    assert latest["year"] == 2026 and latest["results"]
    listed = client.get("/api/v1/documents", query_string={"size": 50}).get_json()
    assert listed["total"] == 361 and listed["pages"] == 8 and len(listed["results"]) == 50
    second = client.get("/api/v1/documents", query_string={"size": 50, "page": 2}).get_json()
    assert not {d["id"] for d in listed["results"]} & {d["id"] for d in second["results"]}
    one_year = client.get("/api/v1/documents", query_string={"year": 2026, "issuer": "hdnd-tinh"})
    assert all(d["issuer_code"] == "hdnd-tinh" for d in one_year.get_json()["results"])


def test_documents_carry_their_relations_both_ways(demo, client):
    with demo.app_context():
        first, second = db.session.scalars(select(Document).where(
            Document.issuer.has(code="ubnd-tinh")).order_by(Document.id).limit(2)).all()
        db.session.add(DocumentRelation(source_id=second.id, kind="repeals",
                                        target_id=first.id, target_text=first.notation,
                                        confirmed=True))
        db.session.commit()
        ids = first.id, second.id
    target = client.get(f"/api/v1/documents/{ids[0]}").get_json()
    incoming = [r for r in target["relations"] if r["document_id"] == ids[1]]
    assert incoming and incoming[0]["direction"] == "incoming" \
        and incoming[0]["label"] == "Bị bãi bỏ bởi" and incoming[0]["url"].startswith("http")
    source = client.get(f"/api/v1/documents/{ids[1]}").get_json()
    assert any(r["direction"] == "outgoing" and r["document_id"] == ids[0]
               for r in source["relations"])


def test_the_spec_types_every_property_lists_required_and_declares_the_key(demo, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": spec["components"]["securitySchemes"]["ApiKey"]["description"]}
    for name, schema in spec["components"]["schemas"].items():
        for key, prop in schema.get("properties", {}).items():
            assert {"type", "$ref", "allOf", "anyOf"} & set(prop), (name, key)
        if name != "Error":
            assert set(schema["required"]) == set(schema["properties"]), name
    assert spec["components"]["schemas"]["Citation"]["properties"]["page"]["type"] == "integer"


def test_docs_page_lists_response_fields_and_an_example_per_endpoint(demo, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    html = client.get("/api/v1/docs").get_data(as_text=True)
    json_answers = [op for ops in spec["paths"].values() for op in ops.values()
                    if any(code.startswith("2") and "application/json" in r.get("content", {})
                           for code, r in op["responses"].items())]
    assert html.count("Ví dụ câu trả lời") == len(json_answers) >= 9
    assert "<code>status_label</code>" in html and "<code>publication</code>" in html
    example = spec["paths"]["/api/v1/search"]["get"]["responses"]["200"]["content"][
        "application/json"]["example"]
    assert set(example["results"][0]) == set(spec["components"]["schemas"]["Hit"]["properties"])
